"""Registrations under concurrency: never more confirmed places than the capacity, whatever
the timing; the others wait in line.

Real threads, each with its own database connection, start the same instant (a barrier) and
call the services as simultaneous requests would. On PostgreSQL the event's row lock makes
them queue, and each counts the confirmed places inside that lock. SQLite lets one writer at
a time (a second writer is refused at once and tries again), so the same invariants are
checked there too.

Transactional tests (threads see only committed data) empty the database afterwards, data
migrations included (role groups, domains, skills): serialized_rollback restores them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.events import services_registrations as services
from soscience.events.models import Event, Registration
from tests.factories import UserFactory
from tests.races import at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = Registration.Status


def make_event(cast, capacity: int) -> Event:
    starts = timezone.now() + dt.timedelta(days=7)
    return Event.objects.create(
        title="Water and science", slug=f"water-{capacity}", description="Talks.",
        room="Amphi A", starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
        capacity=capacity, status=Event.Status.PUBLISHED, created_by=cast.coordinator,
    )  # fmt: skip


def register(event_pk: int, user_pk: int) -> Callable[[], Registration]:
    """A click on "Register", as its request would run: fresh objects."""

    def action() -> Registration:
        event = Event.objects.get(pk=event_pk)
        user = User.objects.get(pk=user_pk)
        return services.registration_register_user(event=event, user=user)

    return action


def confirm(registration_pk: int) -> Callable[[], Registration]:
    """A visitor's click on the confirmation link's button."""

    def action() -> Registration:
        registration = Registration.objects.get(pk=registration_pk)
        return services.registration_confirm_visitor(registration=registration, language="en")

    return action


def cancel(registration_pk: int) -> Callable[[], Registration]:
    def action() -> Registration:
        registration = Registration.objects.get(pk=registration_pk)
        return services.registration_cancel(registration=registration)

    return action


def people(n: int) -> list[User]:
    return [UserFactory(roles=[Role.VOLUNTEER]) for _ in range(n)]


def statuses(event: Event) -> list[str]:
    return sorted(Registration.objects.filter(event=event).values_list("status", flat=True))


def test_two_people_registering_for_the_last_place_at_the_same_moment(cast):
    event = make_event(cast, capacity=1)

    outcomes = at_once(*(register(event.pk, u.pk) for u in people(2)))

    assert all(o.ok for o in outcomes)
    assert sorted(o.value.status for o in outcomes) == [Status.CONFIRMED, Status.WAITING]
    assert statuses(event) == [Status.CONFIRMED, Status.WAITING]


def test_many_at_once_never_exceed_the_capacity_and_the_rest_wait_in_line(cast):
    event = make_event(cast, capacity=3)

    at_once(*(register(event.pk, u.pk) for u in people(8)))

    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() == 3
    assert Registration.objects.filter(event=event, status=Status.WAITING).count() == 5


def test_visitors_confirming_at_the_same_moment_as_people_register(cast):
    event = make_event(cast, capacity=2)
    visitors = [
        Registration.objects.create(
            event=event,
            name=f"Visitor {n}",
            email=f"visitor{n}@example.org",
            status=Status.UNCONFIRMED,
        )
        for n in range(3)
    ]
    actions = [confirm(v.pk) for v in visitors] + [register(event.pk, u.pk) for u in people(3)]

    at_once(*actions)

    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() == 2
    assert Registration.objects.filter(event=event, status=Status.WAITING).count() == 4


def test_a_cancellation_during_a_registration_gives_the_place_to_exactly_one(cast):
    event = make_event(cast, capacity=1)
    holder, waiting, newcomer = people(3)
    held = services.registration_register_user(event=event, user=holder)
    services.registration_register_user(event=event, user=waiting)

    at_once(cancel(held.pk), register(event.pk, newcomer.pk))

    # Whatever the order, the first in line got the place and the newcomer waits behind.
    assert Registration.objects.get(user=waiting).status == Status.CONFIRMED
    assert Registration.objects.get(user=newcomer).status == Status.WAITING
    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() == 1
