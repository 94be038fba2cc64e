"""Figures from the organisations' closing surveys, and the lead times."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from soscience.applications.models import TeamMember
from soscience.closing.models import OrganisationSurvey
from soscience.impact.figures.selection import missions, without_year, year_bounds
from soscience.impact.figures.types import Filters, LeadTimes, Satisfaction, Tally

# --- surveys and lead times --------------------------------------------------------------


def surveys(filters: Filters) -> QuerySet[OrganisationSurvey]:
    """Organisations' closing surveys the filters keep (year: of the answer)."""
    qs = OrganisationSurvey.objects.filter(mission__in=missions(without_year(filters)))
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
    publication to the first volunteer selected (one query)."""
    qs = missions(without_year(filters)).filter(published_at__isnull=False)
    if filters.year:
        start, end = year_bounds(filters.year)
        qs = qs.filter(published_at__gte=start, published_at__lt=end)
    first_selected = (
        TeamMember.objects.filter(mission=OuterRef("pk")).order_by("joined_at").values("joined_at")
    )
    qs = qs.annotate(first_selected=Subquery(first_selected[:1]))
    totals = qs.aggregate(
        to_publication=Avg(F("published_at") - F("need__submitted_at")),
        to_publication_n=Count("pk", filter=Q(need__isnull=False)),
        to_selection=Avg(F("first_selected") - F("published_at")),
        to_selection_n=Count("pk", filter=Q(first_selected__isnull=False)),
    )
    return LeadTimes(
        need_to_publication=_days(totals["to_publication"]),
        need_to_publication_missions=totals["to_publication_n"],
        publication_to_selection=_days(totals["to_selection"]),
        publication_to_selection_missions=totals["to_selection_n"],
    )
