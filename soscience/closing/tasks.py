"""Follow-up surveys to the organisation months after closing, run daily by the worker (see
docs/operations.md): schedule the follow-ups of closed missions, send those due to the
organisation's members, remind once those left unanswered."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import timezone

from soscience.accounts.models import User
from soscience.closing.models import FollowUp
from soscience.closing.services_followup import add_months, followup_path
from soscience.core.models import PlatformSettings
from soscience.missions.models import Mission
from soscience.notifications.services import notify

MAIL = "closing/mail/"
REMIND_AFTER = dt.timedelta(days=14)


def follow_ups_run(*, today: dt.date | None = None) -> int:
    """Schedule, send and remind follow-ups. Returns how many mails (people told) it sent.

    Idempotent: each send or reminder claims its row (``sent_at`` / ``reminded_at``) in the
    same transaction as the notifications, so a second run, or a concurrent one, tells
    nobody twice, and a crash loses nothing.
    """
    today = today or timezone.localdate()
    follow_ups_schedule()
    due = FollowUp.objects.filter(sent_at__isnull=True, due_on__lte=today)
    told = sum(_send(pk, reminder=False) for pk in _pks(due))
    late = FollowUp.objects.filter(
        answered_at__isnull=True, reminded_at__isnull=True,
        sent_at__lte=timezone.now() - REMIND_AFTER,
    )  # fmt: skip
    return told + sum(_send(pk, reminder=True) for pk in _pks(late))


def _pks(follow_ups: QuerySet[FollowUp]) -> list[int]:
    return list(follow_ups.order_by("due_on", "pk").values_list("pk", flat=True))


def delays() -> list[int]:
    """The follow-up delays in months (platform settings), without repeats."""
    config = PlatformSettings.load()
    return sorted({config.followup_first_months, config.followup_second_months})


@transaction.atomic
def follow_ups_schedule() -> int:
    """Make sure every closed mission has its follow-up at each configured delay. Returns
    how many were added.

    The settings may change: follow-ups not sent yet at a delay no longer configured are
    dropped (sent ones stay: they are the organisation's answers, or the record of asking).
    """
    months = delays()
    FollowUp.objects.filter(sent_at__isnull=True).exclude(months__in=months).delete()
    closed = Mission.objects.filter(status=Mission.Status.CLOSED, closed_at__isnull=False)
    missing = [
        FollowUp(mission=mission, months=delay, due_on=add_months(closed_on, delay))
        for delay in months
        for mission, closed_on in _closed_without(closed, delay)
    ]
    FollowUp.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _closed_without(closed: QuerySet[Mission], delay: int) -> list[tuple[Mission, dt.date]]:
    missions = closed.exclude(follow_ups__months=delay).only("pk", "closed_at")
    return [(m, timezone.localdate(m.closed_at)) for m in missions]  # type: ignore[arg-type]


def _members(followup: FollowUp) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation_id=followup.mission.organisation_id, is_active=True
        ).order_by("pk")
    )


@transaction.atomic
def _send(pk: int, *, reminder: bool) -> int:
    # Claim the row with a conditional update: only the run that flips the date sends.
    field = "reminded_at" if reminder else "sent_at"
    rows = FollowUp.objects.filter(pk=pk, answered_at__isnull=True, **{f"{field}__isnull": True})
    followup = rows.select_related("mission__organisation").first()
    if followup is None:
        return 0
    members = _members(followup)
    if not members:
        # Nobody to ask yet: left unsent, tried again tomorrow (a member may join).
        return 0
    if not rows.update(**{field: timezone.now()}):
        return 0
    context = {
        "mission": followup.mission.title,
        "organisation": followup.mission.organisation.name,
        "months": followup.months,
        "closed_on": timezone.localdate(followup.mission.closed_at),  # type: ignore[arg-type]
    }
    template = MAIL + ("followup_reminder" if reminder else "followup_survey")
    for member in members:
        # A fresh token per mail: the reminder's link lives TOKEN_MAX_AGE from the reminder.
        notify(member, template, context, url=followup_path(followup))
    return len(members)


@task()
def send_follow_ups() -> int:
    """Daily: schedule, send and remind the follow-up surveys."""
    return follow_ups_run()
