"""Figures about volunteers and their validated hours, and the value of volunteering."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.db.models import Count, Min, Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from soscience.applications.models import TeamMember
from soscience.core.models import PlatformSettings
from soscience.execution.models import HoursEntry
from soscience.impact.figures.campus import per_campus
from soscience.impact.figures.selection import (
    HOURS_FIELD,
    ZERO,
    missions,
    of_missions,
    value_of,
    without_year,
)
from soscience.impact.figures.types import Filters, Hours, ValueRow, Volunteers, VolunteerValue
from soscience.impact.models import ValidatedHours
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


def _of_people[M: Model](qs: QuerySet[M], filters: Filters) -> QuerySet[M]:
    """Hours (entries or sums) of the missions and volunteer's campus the filters keep."""
    qs = of_missions(qs, without_year(filters), by_campus=False)
    if filters.campus:
        qs = qs.filter(volunteer__volunteer_profile__campus__slug=filters.campus)
    return qs


def validated_hours(filters: Filters) -> QuerySet[HoursEntry]:
    """Validated hours entries the filters keep (the exports list them)."""
    qs = _of_people(HoursEntry.objects.filter(validated_at__isnull=False), filters)
    if filters.year:
        qs = qs.filter(worked_on__year=filters.year)
    return qs


def hours_sums(filters: Filters) -> QuerySet[ValidatedHours]:
    """The same hours as :func:`validated_hours`, as sums per mission, volunteer and year
    worked (:mod:`soscience.impact.rollup`): what the figures add up, an eighth of the rows."""
    qs = _of_people(ValidatedHours.objects.all(), filters)
    if filters.year:
        qs = qs.filter(year=filters.year)
    return qs


def hours(filters: Filters, rate: Decimal | None = None) -> Hours:
    """Validated hours and their value at the hourly rate."""
    rate = hourly_rate() if rate is None else rate
    total = hours_sums(filters).aggregate(h=Coalesce(Sum("hours"), ZERO, output_field=HOURS_FIELD))[
        "h"
    ]
    return Hours(hours=total, rate=rate, value=value_of(total, rate))


def _row(key: object, label: object, hours: Decimal, rate: Decimal) -> ValueRow:
    return ValueRow(
        str(key if key is not None else ""), str(label) if label is not None else "",
        hours, value_of(hours, rate),
    )  # fmt: skip


def _largest(
    qs: QuerySet[ValidatedHours], key: str, label: str, rate: Decimal, limit: int | None
) -> tuple[ValueRow, ...]:
    """Validated hours per ``key``, largest first (then by ``label``, then ``key``).

    Grouped by the key alone, its label read as MIN() of the one label each key has:
    grouped by (key, label), PostgreSQL expected a group per row (1.9 million hours entries
    at the national size), planned a hash spilled to disk in 128 parts, and took twice as
    long."""
    rows = (
        qs.order_by()
        .values(key)
        .annotate(label=Min(label), h=Sum("hours", output_field=HOURS_FIELD))
        .order_by("-h", "label", key)
        .values_list(key, "label", "h")
    )
    if limit is not None:
        rows = rows[:limit]
    return tuple(_row(k, lab, h, rate) for k, lab, h in rows)


def _per_year(qs: QuerySet[ValidatedHours], rate: Decimal) -> tuple[ValueRow, ...]:
    rows = qs.order_by().values_list("year").annotate(h=Sum("hours", output_field=HOURS_FIELD))
    return tuple(sorted((_row(y, y, h, rate) for y, h in rows), key=lambda r: r.key))


def volunteer_value(
    filters: Filters, rate: Decimal | None = None, top: int | None = None
) -> VolunteerValue:
    """The value of volunteering per mission, organisation, volunteer's campus and year:
    the figure associations report as volunteer contributions (four queries, each one read
    of the sums of validated hours: :func:`hours_sums`, :mod:`.campus` and docs/decisions.md).

    ``top`` keeps only the largest missions, organisations and campuses (a national platform
    has tens of thousands of missions and hundreds of campuses: the page shows the top, the
    hours export has them all)."""
    rate = hourly_rate() if rate is None else rate
    limit = None if top is None else top + 1  # one more tells whether some were left out
    qs = hours_sums(filters)
    by_campus = tuple(
        row if row.key else replace(row, label=_("No campus given")) for row in per_campus(qs, rate)
    )
    by_mission = _largest(qs, "mission_id", "mission__title", rate, limit)
    by_organisation = _largest(
        qs, "mission__organisation_id", "mission__organisation__name", rate, limit
    )
    return VolunteerValue(
        rate=rate,
        by_mission=by_mission[:top],
        by_organisation=by_organisation[:top],
        by_campus=by_campus[:top],
        by_year=_per_year(qs, rate),
        more_missions=top is not None and len(by_mission) > top,
        more_organisations=top is not None and len(by_organisation) > top,
        more_campuses=top is not None and len(by_campus) > top,
    )


def total_of(value: VolunteerValue) -> Hours:
    """The validated hours of :func:`volunteer_value`'s filters, added up from its years
    (every validated hour is worked in one year): the same as :func:`hours`, without a
    read of the hours of its own."""
    total = sum((row.hours for row in value.by_year), ZERO)
    return Hours(hours=total, rate=value.rate, value=value_of(total, value.rate))
