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
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.errors import DomainError
from soscience.events import services_registrations as services
from soscience.events.models import Event, Registration
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Threads waiting on each other's locks finish within a second; this only stops a deadlock
# from hanging the suite.
JOIN_TIMEOUT = 60
# SQLite only (see _is_lock_wait_error): how often a thread tries again before giving up.
MAX_ATTEMPTS = 100_000
Status = Registration.Status


@dataclass
class Outcome:
    ok: bool
    value: Any = None


def _is_lock_wait_error(exc: OperationalError) -> bool:
    """SQLite's in-memory test database (shared cache) answers a second writer at once with
    "database table is locked" instead of waiting: the request would be tried again."""
    return connection.vendor == "sqlite" and "locked" in str(exc)


def _attempt(action: Callable[[], Any]) -> Outcome:
    attempts = 0
    while True:
        try:
            return Outcome(ok=True, value=action())
        except DomainError as refusal:
            return Outcome(ok=False, value=refusal.message)
        except OperationalError as exc:
            if not _is_lock_wait_error(exc) or attempts >= MAX_ATTEMPTS:
                raise
            attempts += 1


def at_once(*actions: Callable[[], Any]) -> list[Outcome]:
    """Run each action in its own thread and connection, all released together."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[Outcome | BaseException | None] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            outcomes[index] = _attempt(action)
        except BaseException as exc:  # reported by the main thread
            outcomes[index] = exc
        finally:
            connections.close_all()  # this thread's connection

    threads = [
        threading.Thread(target=run, args=(i, a), daemon=True) for i, a in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return outcomes  # type: ignore[return-value]


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
