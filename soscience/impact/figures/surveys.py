"""Figures from the organisations' closing surveys, and the lead times."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from soscience.applications.models import TeamMember
from soscience.closing.models import OrganisationSurvey
from soscience.impact.figures.selection import missions, of_missions, without_year, year_bounds
from soscience.impact.figures.types import Filters, LeadTimes, Satisfaction, Tally

# --- surveys and lead times --------------------------------------------------------------


def surveys(filters: Filters) -> QuerySet[OrganisationSurvey]:
    """Organisations' closing surveys the filters keep (year: of the answer)."""
    qs = of_missions(OrganisationSurvey.objects.all(), without_year(filters))
    if filters.year:
        start, end = year_bounds(filters.year)
        qs = qs.filter(answered_at__gte=start, answered_at__lt=end)
    return qs


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def satisfaction(filters: Filters) -> Satisfaction:
    """Averages and counts from the closing surveys, in one query."""
    Applied = OrganisationSurvey.Applied
    totals = surveys(filters).aggregate(
        answered=Count("pk"),
        worked=Avg("worked"),
        promoters=Count("pk", filter=Q(recommend__gte=9)),
        passives=Count("pk", filter=Q(recommend__gte=7, recommend__lte=8)),
        detractors=Count("pk", filter=Q(recommend__lte=6)),
        beneficiaries=Coalesce(Sum("beneficiaries"), 0),
        **{f"applied_{a.value}": Count("pk", filter=Q(applied=a.value)) for a in Applied},
    )
    answered = totals["answered"]
    worked = totals["worked"]
    nps = None
    if answered:
        share = Decimal(100) * (totals["promoters"] - totals["detractors"]) / answered
        nps = int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    applied = tuple(Tally(a.value, str(a.label), totals[f"applied_{a.value}"]) for a in Applied)
    used = totals[f"applied_{Applied.YES}"] + totals[f"applied_{Applied.PARTLY}"]
    return Satisfaction(
        answered=answered,
        worked_average=None if worked is None else Decimal(str(worked)).quantize(Decimal("0.1")),
        promoters=totals["promoters"], passives=totals["passives"],
        detractors=totals["detractors"], nps=nps, applied=applied,
        applied_rate=_percent(used, answered), beneficiaries=totals["beneficiaries"],
    )  # fmt: skip


def _days(duration: dt.timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / 86400).quantize(Decimal("0.1"))


def lead_times(filters: Filters) -> LeadTimes:
    """Average days from the need's submission to the mission's publication, and from
    publication to the first volunteer selected (two queries).

    The first selection is one GROUP BY of the team members (the earliest joined per
    mission), averaged around it: a subquery per mission (the earliest member of each)
    cost 100,000 index reads at the national size."""
    published = missions(without_year(filters)).filter(published_at__isnull=False)
    if filters.year:
        start, end = year_bounds(filters.year)
        published = published.filter(published_at__gte=start, published_at__lt=end)
    to_publication = published.aggregate(
        average=Avg(F("published_at") - F("need__submitted_at")),
        missions=Count("pk", filter=Q(need__isnull=False)),
    )
    first = (
        TeamMember.objects.filter(mission__in=published)
        .order_by()
        .values("mission_id")
        .annotate(first=Min("joined_at"), published=Min("mission__published_at"))
    )
    to_selection = first.aggregate(
        average=Avg(F("first") - F("published")), missions=Count("mission_id")
    )
    return LeadTimes(
        need_to_publication=_days(to_publication["average"]),
        need_to_publication_missions=to_publication["missions"],
        publication_to_selection=_days(to_selection["average"]),
        publication_to_selection_missions=to_selection["missions"],
    )
