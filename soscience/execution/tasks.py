"""Background work for running missions: stall alerts (run daily; see docs/operations.md)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.models import PlatformSettings
from soscience.execution.models import Milestone
from soscience.execution.models_supervision import StallAlert
from soscience.execution.selectors_supervision import quiet_since, with_health
from soscience.missions.models import Mission
from soscience.notifications.services import notify

Level = StallAlert.Level


def _stalled_missions(today: dt.date) -> list[Mission]:
    overdue = Milestone.objects.filter(
        mission=OuterRef("pk"), done_on__isnull=True, planned_on__lt=today
    )
    missions = Mission.objects.filter(status=Mission.Status.IN_PROGRESS).select_related(
        "supervisor"
    )
    return list(with_health(missions).annotate(overdue=Exists(overdue)).order_by("pk"))


def stall_alerts_raise(*, today: dt.date | None = None) -> int:
    """Alert the supervisor of each quiet mission (no shared news for ``stall_after_days``)
    or with a milestone overdue; alert the coordinators if it is still so half that delay
    after the supervisor's alert. Returns how many people were told.

    Idempotent: one alert per mission, level and quiet period (a new shared update opens a
    new period), guarded by a unique constraint.
    """
    today = today or timezone.localdate()
    stall = PlatformSettings.load().stall_after_days
    coordinators = list(User.objects.with_role(Role.COORDINATOR).filter(is_active=True))
    told = 0
    for mission in _stalled_missions(today):
        since = quiet_since(mission, mission.last_shared_at)  # type: ignore[attr-defined]
        quiet = (today - since).days >= stall
        if quiet or mission.overdue:  # type: ignore[attr-defined]
            context = _context(mission, since, today, quiet=quiet)
            told += _escalate(mission, since, today, stall, coordinators, context)
    return told


def _context(mission: Mission, since: dt.date, today: dt.date, *, quiet: bool) -> dict:
    return {
        "mission": mission.title,
        "quiet": quiet,
        "since": since,
        "days": (today - since).days,
        "next_milestone": mission.next_milestone_title,  # type: ignore[attr-defined]
        "next_milestone_on": mission.next_milestone_on,  # type: ignore[attr-defined]
    }


def _escalate(
    mission: Mission, since: dt.date, today: dt.date, stall: int, coordinators: list[User],
    context: dict,
) -> int:  # fmt: skip
    supervisor = mission.supervisor if mission.supervisor and mission.supervisor.is_active else None
    first = StallAlert.objects.filter(mission=mission, quiet_since=since, level=Level.SUPERVISOR)
    raised = first.values_list("raised_on", flat=True).first()
    if raised is None:
        told = _raise(mission, since, today, Level.SUPERVISOR, [supervisor] if supervisor else [],
                      context)  # fmt: skip
        if supervisor is not None:
            return told
        raised = today  # nobody supervises it: the coordinators are told at once
    elif (today - raised).days < stall // 2:
        return 0
    return _raise(mission, since, today, Level.COORDINATORS, coordinators, context)


@transaction.atomic
def _raise(
    mission: Mission, since: dt.date, today: dt.date, level: str, people: list[User],
    context: dict,
) -> int:  # fmt: skip
    # The row and the notifications commit together: a crash loses nothing and, the row
    # being unique, a second run (or a concurrent one) tells nobody twice.
    try:
        with transaction.atomic():
            StallAlert.objects.create(mission=mission, level=level, quiet_since=since,
                                      raised_on=today)  # fmt: skip
    except IntegrityError:
        return 0
    context = {**context, "supervisor": mission.supervisor}
    url = reverse("execution:space", kwargs={"pk": mission.pk})
    for person in people:
        notify(person, f"execution/mail/stall_{level}", context, url=url)
    return len(people)


@task()
def raise_stall_alerts() -> int:
    """Daily: alert supervisors, then coordinators, about quiet missions."""
    return stall_alerts_raise()
