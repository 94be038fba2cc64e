"""The filtered sets every figure starts from."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet
from django.utils import timezone

from soscience.impact.figures.types import Filters
from soscience.missions.models import Mission

ZERO = Decimal("0.00")
CENTS = Decimal("0.01")
HOURS_FIELD = DecimalField(max_digits=12, decimal_places=2)

# An organisation is "served" once one of its missions has started.
SERVED_STATUSES = (
    Mission.Status.IN_PROGRESS, Mission.Status.DELIVERED, Mission.Status.ACCEPTED,
    Mission.Status.CLOSED,
)  # fmt: skip
# Publicly visible missions: launched and not cancelled.
LAUNCHED_STATUSES = (Mission.Status.OPEN, *SERVED_STATUSES)


# --- the filtered sets -------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of ``year`` and of the next one, in the site's time zone."""
    zone = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def missions(filters: Filters, *, by_campus: bool = True) -> QuerySet[Mission]:
    """The missions the filters keep (campus: where the mission is offered, unless
    ``by_campus`` is False because the caller filters people by their own campus)."""
    qs = Mission.objects.all()
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.domain:
        qs = qs.filter(pk__in=Mission.domains.through.objects.filter(
            domain__slug=filters.domain).values("mission_id"))  # fmt: skip
    if filters.campus and by_campus:
        qs = qs.filter(pk__in=Mission.campuses.through.objects.filter(
            campus__slug=filters.campus).values("mission_id"))  # fmt: skip
    if filters.year:
        start, end = year_bounds(filters.year)
        qs = qs.filter(published_at__lt=end)
        qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        qs = qs.filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=start))
    return qs


def without_year(filters: Filters) -> Filters:
    """The same filters for all years (for figures that apply the year to their own date)."""
    return replace(filters, year=None)
