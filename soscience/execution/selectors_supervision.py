"""The supervisor's "my missions" page: each running mission's health, in constant queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from soscience.core.access import is_coordinator
from soscience.core.models import PlatformSettings
from soscience.execution.models import EquipmentRequest, HoursEntry, Milestone, ProgressUpdate
from soscience.missions.models import Mission

RUNNING = (Mission.Status.OPEN, Mission.Status.IN_PROGRESS)
OPEN_REQUESTS = (
    EquipmentRequest.Status.REQUESTED,
    EquipmentRequest.Status.AWAITING_COORDINATOR,
    EquipmentRequest.Status.APPROVED,
    EquipmentRequest.Status.ORDERED,
)
HOURS = DecimalField(max_digits=8, decimal_places=2)


def _hours(validated: bool) -> Subquery:
    entries = HoursEntry.objects.filter(mission=OuterRef("pk"), validated_at__isnull=not validated)
    total = entries.values("mission").annotate(total=Sum("hours")).values("total")
    return Coalesce(Subquery(total, output_field=HOURS), Value(Decimal(0)), output_field=HOURS)


def with_health(missions: QuerySet[Mission]) -> QuerySet[Mission]:
    """Annotate last shared update, next milestone, open requests and hours: one query."""
    shared = ProgressUpdate.objects.filter(
        mission=OuterRef("pk"), visibility=ProgressUpdate.Visibility.SHARED
    ).order_by("-created_at")
    next_milestone = Milestone.objects.filter(
        mission=OuterRef("pk"), done_on__isnull=True
    ).order_by("planned_on", "pk")
    requests = (
        EquipmentRequest.objects.filter(mission=OuterRef("pk"), status__in=OPEN_REQUESTS)
        .values("mission")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return missions.annotate(
        last_shared_at=Subquery(shared.values("created_at")[:1]),
        next_milestone_title=Subquery(next_milestone.values("title")[:1]),
        next_milestone_on=Subquery(next_milestone.values("planned_on")[:1]),
        open_requests=Coalesce(Subquery(requests, output_field=IntegerField()), 0),
        hours_validated=_hours(True),
        hours_pending=_hours(False),
    )


def quiet_since(mission: Mission, last_shared_at: dt.datetime | None) -> dt.date:
    """When the current quiet period began: the last shared news, else kick-off or publication."""
    if last_shared_at is not None:
        return timezone.localdate(last_shared_at)
    if mission.kicked_off_on:
        return mission.kicked_off_on
    if mission.published_at:
        return timezone.localdate(mission.published_at)
    return mission.start_date


@dataclass(frozen=True)
class Health:
    mission: Mission
    last_shared_on: dt.date | None
    next_milestone_title: str | None
    next_milestone_on: dt.date | None
    milestone_overdue: bool
    open_requests: int
    hours_logged: Decimal
    hours_validated: Decimal
    hours_pending: Decimal
    hours_planned: Decimal
    days_left: int
    quiet: bool


def _planned(mission: Mission, today: dt.date) -> Decimal:
    # Planned effort so far: hours a week x team size x weeks elapsed since the start.
    start = mission.kicked_off_on or mission.start_date
    elapsed = max(0, (min(today, mission.end_date) - start).days)
    weekly = Decimal(mission.hours_per_week * mission.team_size)
    return (weekly * elapsed / 7).quantize(Decimal("0.1"))


def health_of(mission: Mission, today: dt.date, stall_after_days: int) -> Health:
    last = mission.last_shared_at  # type: ignore[attr-defined]
    since = quiet_since(mission, last)
    next_on = mission.next_milestone_on  # type: ignore[attr-defined]
    validated, pending = mission.hours_validated, mission.hours_pending  # type: ignore[attr-defined]
    return Health(
        mission=mission,
        last_shared_on=timezone.localdate(last) if last else None,
        next_milestone_title=mission.next_milestone_title,  # type: ignore[attr-defined]
        next_milestone_on=next_on,
        milestone_overdue=bool(next_on and next_on < today),
        open_requests=mission.open_requests,  # type: ignore[attr-defined]
        hours_logged=validated + pending,
        hours_validated=validated,
        hours_pending=pending,
        hours_planned=_planned(mission, today),
        days_left=max(0, (mission.end_date - today).days),
        quiet=(today - since).days >= stall_after_days,
    )


def supervised_missions(user: object, *, mine: bool) -> tuple[list[Health], bool]:
    """Rows for the page, and whether the user sees everything (coordinator).

    Supervisors see the missions they supervise; coordinators see every running mission,
    or only theirs with ``mine``.
    """
    coordinator = is_coordinator(user)
    missions = Mission.objects.filter(status__in=RUNNING).select_related("organisation")
    if mine or not coordinator:
        missions = missions.filter(supervisor=user)
    missions = with_health(missions).order_by("end_date", "pk")
    today = timezone.localdate()
    stall = PlatformSettings.load().stall_after_days
    return [health_of(m, today, stall) for m in missions], coordinator
