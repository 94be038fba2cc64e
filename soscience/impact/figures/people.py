"""Figures about volunteers and their validated hours, and the value of volunteering."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from soscience.applications.models import TeamMember
from soscience.core.models import PlatformSettings
from soscience.execution.models import HoursEntry
from soscience.impact.figures.selection import CENTS, HOURS_FIELD, ZERO, missions, without_year
from soscience.impact.figures.types import Filters, Hours, ValueRow, Volunteers, VolunteerValue
from soscience.missions.models import Mission

# --- people and hours --------------------------------------------------------------------


def _team(filters: Filters) -> QuerySet[TeamMember]:
    kept = missions(filters, by_campus=False).exclude(status=Mission.Status.CANCELLED)
    qs = TeamMember.objects.filter(mission__in=kept)
    if filters.campus:
        qs = qs.filter(volunteer__volunteer_profile__campus__slug=filters.campus)
    return qs


def volunteers(filters: Filters) -> Volunteers:
    """Volunteers on at least one team, and those on two or more (one query)."""
    per_volunteer = _team(filters).order_by().values("volunteer").annotate(n=Count("mission"))
    totals = per_volunteer.aggregate(
        engaged=Count("volunteer"), returning=Count("volunteer", filter=Q(n__gte=2))
    )
    return Volunteers(engaged=totals["engaged"], returning=totals["returning"])


def hourly_rate() -> Decimal:
    """The platform's value of one hour, read without creating the settings row (a GET
    never writes)."""
    rate = PlatformSettings.objects.filter(pk=1).values_list("hourly_rate", flat=True).first()
    if rate is None:
        return Decimal(PlatformSettings._meta.get_field("hourly_rate").default)
    return rate


def _value(hours: Decimal, rate: Decimal) -> Decimal:
    return (hours * rate).quantize(CENTS, rounding=ROUND_HALF_UP)


def validated_hours(filters: Filters) -> QuerySet[HoursEntry]:
    """Validated hours the filters keep (for the exports too)."""
    qs = HoursEntry.objects.filter(
        validated_at__isnull=False, mission__in=missions(without_year(filters), by_campus=False)
    )
    if filters.campus:
        qs = qs.filter(volunteer__volunteer_profile__campus__slug=filters.campus)
    if filters.year:
        qs = qs.filter(worked_on__year=filters.year)
    return qs


def hours(filters: Filters, rate: Decimal | None = None) -> Hours:
    """Validated hours and their value at the hourly rate."""
    rate = hourly_rate() if rate is None else rate
    total = validated_hours(filters).aggregate(
        h=Coalesce(Sum("hours"), ZERO, output_field=HOURS_FIELD)
    )["h"]
    return Hours(hours=total, rate=rate, value=_value(total, rate))


def _value_rows(
    qs: QuerySet, key: str, label: str, rate: Decimal, limit: int | None = None
) -> tuple[ValueRow, ...]:
    rows = (
        qs.order_by()
        .values_list(key, label)
        .annotate(h=Sum("hours", output_field=HOURS_FIELD))
        .order_by("-h", label, key)
    )
    if limit is not None:
        rows = rows[:limit]
    return tuple(
        ValueRow(str(k if k is not None else ""), str(lab) if lab is not None else "",
                 h, _value(h, rate))
        for k, lab, h in rows
    )  # fmt: skip


def volunteer_value(
    filters: Filters, rate: Decimal | None = None, top: int | None = None
) -> VolunteerValue:
    """The value of volunteering per mission, organisation, volunteer's campus and year:
    the figure associations report as volunteer contributions (four queries).

    ``top`` keeps only the largest missions and organisations (a national platform has tens
    of thousands: the page shows the top, the hours export has them all)."""
    rate = hourly_rate() if rate is None else rate
    limit = None if top is None else top + 1  # one more tells whether some were left out
    qs = validated_hours(filters)
    campus_key = "volunteer__volunteer_profile__campus__slug"
    by_campus = tuple(
        row if row.key else replace(row, label=_("No campus given"))
        for row in _value_rows(qs, campus_key, "volunteer__volunteer_profile__campus__name", rate)
    )
    by_year = _value_rows(qs.annotate(y=ExtractYear("worked_on")), "y", "y", rate)
    by_mission = _value_rows(qs, "mission_id", "mission__title", rate, limit)
    by_organisation = _value_rows(
        qs, "mission__organisation_id", "mission__organisation__name", rate, limit
    )
    return VolunteerValue(
        rate=rate,
        by_mission=by_mission[:top],
        by_organisation=by_organisation[:top],
        by_campus=by_campus,
        by_year=tuple(sorted(by_year, key=lambda r: r.key)),
        more_missions=top is not None and len(by_mission) > top,
        more_organisations=top is not None and len(by_organisation) > top,
    )
