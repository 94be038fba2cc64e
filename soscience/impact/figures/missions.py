"""Figures about missions: status, launched and closed per year, domain, country, campus,
organisations served."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import get_language
from django_countries import countries

from soscience.impact.figures.selection import SERVED_STATUSES, missions, without_year
from soscience.impact.figures.types import CountryCount, Filters, Tally
from soscience.missions.models import Mission

# --- missions ----------------------------------------------------------------------------


def missions_by_status(filters: Filters) -> tuple[Tally, ...]:
    """Every status, in the order of a mission's life, with zeros kept."""
    counts = dict(missions(filters).order_by().values_list("status").annotate(n=Count("pk")))
    return tuple(Tally(s.value, str(s.label), counts.get(s.value, 0)) for s in Mission.Status)


def _per_year(filters: Filters, field: str) -> tuple[Tally, ...]:
    qs = missions(without_year(filters)).filter(**{f"{field}__isnull": False})
    qs = qs.annotate(y=ExtractYear(field))
    if filters.year:
        qs = qs.filter(y=filters.year)
    rows = qs.order_by("y").values_list("y").annotate(n=Count("pk"))
    return tuple(Tally(str(year), str(year), n) for year, n in rows)


def launched_per_year(filters: Filters) -> tuple[Tally, ...]:
    """Missions published, per year of publication."""
    return _per_year(filters, "published_at")


def closed_per_year(filters: Filters) -> tuple[Tally, ...]:
    """Missions closed, per year of closing."""
    return _per_year(filters, "closed_at")


def _name_field() -> str:
    return "name_en" if (get_language() or "fr").startswith("en") else "name_fr"


def missions_by_domain(filters: Filters) -> tuple[Tally, ...]:
    """Missions per domain (a mission in two domains counts in each), largest first."""
    name = f"domain__{_name_field()}"
    rows = (
        Mission.domains.through.objects.filter(mission__in=missions(filters))
        .values_list("domain__slug", name)
        .annotate(n=Count("mission_id"))
        .order_by("-n", name)
    )
    return tuple(Tally(slug, label, n) for slug, label, n in rows)


def missions_by_country(filters: Filters) -> tuple[CountryCount, ...]:
    """Missions per country, largest first, with the country's name in the reader's
    language."""
    return country_counts(missions(filters))


def country_counts(qs: QuerySet[Mission]) -> tuple[CountryCount, ...]:
    """Missions of ``qs`` per country, largest first."""
    rows = qs.order_by().values_list("country").annotate(n=Count("pk"))
    result = [CountryCount(code, str(countries.name(code)) or code, n) for code, n in rows]
    return tuple(sorted(result, key=lambda c: (-c.count, c.name)))


def missions_by_campus(filters: Filters) -> tuple[Tally, ...]:
    """Missions per campus where they are offered (a mission offered at two campuses counts
    in each), largest first."""
    rows = (
        Mission.campuses.through.objects.filter(mission__in=missions(filters))
        .values_list("campus__slug", "campus__name")
        .annotate(n=Count("mission_id"))
        .order_by("-n", "campus__name")
    )
    return tuple(Tally(slug, label, n) for slug, label, n in rows)


def organisations_served(filters: Filters) -> int:
    """Organisations with at least one mission in progress or later (not cancelled)."""
    qs = missions(filters).filter(status__in=SERVED_STATUSES)
    return qs.aggregate(n=Count("organisation", distinct=True))["n"]
