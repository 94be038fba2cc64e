"""The reminder the day before an event, to everyone holding a place (a daily job; see
docs/operations.md)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from soscience.events import messaging
from soscience.events.models import Event, Registration


def _reminder_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """From now to the end of tomorrow (local time): tomorrow's events, and today's still to
    come whose reminder was missed (a run skipped, or a place taken after yesterday's run)."""
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    end = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time.min)
    return now, timezone.make_aware(end)


def event_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind each confirmed registration of a published event starting by the end of
    tomorrow. Returns how many people were reminded.

    Idempotent: ``Registration.reminded_at`` is set in the same transaction as the mail, so
    a second (or concurrent) run reminds nobody twice, and a crash loses nothing.
    """
    now = now or timezone.now()
    start, end = _reminder_window(now)
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED, reminded_at__isnull=True,
        event__status=Event.Status.PUBLISHED, event__starts_at__gt=start,
        event__starts_at__lt=end,
    ).order_by("pk")  # fmt: skip
    return sum(_remind(pk, now) for pk in due.values_list("pk", flat=True))


@transaction.atomic
def _remind(pk: int, now: dt.datetime) -> int:
    # Claim with a conditional update: only the run that sets reminded_at sends, and a
    # registration cancelled meanwhile is left alone.
    claimed = Registration.objects.filter(
        pk=pk, status=Registration.Status.CONFIRMED, reminded_at__isnull=True
    ).update(reminded_at=now)
    if not claimed:
        return 0
    registration = Registration.objects.select_related("event__campus", "user").get(pk=pk)
    messaging.tell(registration, "reminder")
    return 1


@task()
def send_event_reminders() -> int:
    """Daily: remind people of the events they hold a place at, the day before."""
    return event_reminders_send()
