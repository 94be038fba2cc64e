"""Writes about events themselves: the coordination team creates, edits, publishes and
cancels them, and records who attended. Registrations are in services_registrations.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.events import messaging
from soscience.events.models import Event, Registration
from soscience.events.services_registrations import fill_free_places

SLUG_LENGTH = 100
# Paths under /events/ that are pages of their own, so no event may take them as its slug.
RESERVED_SLUGS = frozenset({"manage", "new", "past", "confirm", "registration", "feed"})
EVENT_FIELDS = (
    "title", "description", "speakers", "campus", "online", "online_url", "room",
    "starts_at", "ends_at", "capacity", "audience",
)  # fmt: skip


def _require_coordinator(user: User) -> None:
    if not is_coordinator(user):
        raise DomainError(_("Only the coordination team manages events."))


def _unique_slug(title: str, starts_at: dt.datetime) -> str:
    # The date in the slug tells this year's conference from last year's of the same title.
    base = slugify(f"{title} {timezone.localtime(starts_at):%Y-%m-%d}")[:SLUG_LENGTH]
    base = base.strip("-") or "event"
    if base in RESERVED_SLUGS:
        base = f"{base}-event"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = f"{base[: SLUG_LENGTH - len(suffix)]}{suffix}"
        n += 1
    return slug


def _check(data: dict[str, Any]) -> None:
    """The rules a form cannot see alone; each refusal names its field."""
    if data["ends_at"] <= data["starts_at"]:
        raise DomainError(_("The event must end after it starts."), field="ends_at")
    if data["online"] and not data["online_url"]:
        raise DomainError(_("Give the link to join an online event."), field="online_url")
    if not data["online"] and data["campus"] is None and not data["room"].strip():
        raise DomainError(
            _("Say where the event takes place: a campus, a room or an address."), field="room"
        )


@transaction.atomic
def event_create(*, by: User, **data: Any) -> Event:
    """A draft event; nobody but the team sees it until it is published."""
    _require_coordinator(by)
    _check(data)
    fields = {name: data[name] for name in EVENT_FIELDS}
    return Event.objects.create(
        slug=_unique_slug(data["title"], data["starts_at"]), created_by=by, **fields
    )


@transaction.atomic
def event_update(*, event: Event, by: User, **data: Any) -> Event:
    """Change an event (not a cancelled one). Places cannot drop below those already taken;
    more places promote the waiting list at once."""
    _require_coordinator(by)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise TransitionRefused(_("A cancelled event cannot be changed."))
    _check(data)
    taken = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    if data["capacity"] < taken:
        raise DomainError(
            _("%(n)d people already hold a place: there cannot be fewer places.") % {"n": taken},
            field="capacity",
        )
    for name in EVENT_FIELDS:
        setattr(event, name, data[name])
    event.save()
    fill_free_places(event)
    return event


@transaction.atomic
def event_publish(*, event: Event, by: User) -> Event:
    """Show a draft on the public list, open for registration."""
    _require_coordinator(by)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.DRAFT:
        raise TransitionRefused(_("Only a draft event can be published."))
    if event.starts_at <= timezone.now():
        raise TransitionRefused(_("The event has already started: change its dates first."))
    event.status = Event.Status.PUBLISHED
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def event_cancel(*, event: Event, by: User) -> Event:
    """Call off a published event; everyone registered or waiting is told. The page stays,
    saying so, and calendars that subscribed see it cancelled."""
    _require_coordinator(by)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        raise TransitionRefused(_("Only a published event can be cancelled."))
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    live = (Registration.Status.CONFIRMED, Registration.Status.WAITING)
    for registration in event.registrations.filter(status__in=live).select_related("user"):
        messaging.tell(registration, "event_cancelled")
    return event


@transaction.atomic
def attendance_record(*, event: Event, by: User, attended: Iterable[int]) -> int:
    """Mark who came among the confirmed registrations (ticked: came; the others: did not).
    Only once the event has started. Returns how many came."""
    _require_coordinator(by)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        raise TransitionRefused(_("Attendance is recorded for a published event only."))
    if event.starts_at > timezone.now():
        raise TransitionRefused(_("Attendance can be recorded once the event has started."))
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    came = set(attended)
    confirmed.filter(pk__in=came).update(attended=True)
    confirmed.exclude(pk__in=came).update(attended=False)
    return confirmed.filter(attended=True).count()
