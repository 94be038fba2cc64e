"""Reads for the solutions library's pages, with a fixed number of queries."""

from __future__ import annotations

from collections.abc import Mapping
from functools import reduce
from operator import and_, or_

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django_countries import countries

from soscience.cases.access import public_cases
from soscience.cases.models import Case
from soscience.closing.models import OrganisationSurvey
from soscience.core.models import Domain
from soscience.missions.models import Mission
from soscience.missions.selectors import MAX_SEARCH_WORDS, _sort_key, _word_variants

LIBRARY_PAGE_SIZE = 12
SEARCH_FIELDS = ("title", "problem", "solution", "results")


def _search(text: str) -> Q:
    """Every word in at least one of the case's texts (case folded alike on every database,
    as in the catalogue)."""
    per_word = [
        reduce(or_, (Q(**{f"{f}__icontains": v}) for f in SEARCH_FIELDS
                     for v in sorted(_word_variants(word))))
        for word in text.split()[:MAX_SEARCH_WORDS]
    ]  # fmt: skip
    return reduce(and_, per_word, Q())


def library(filters: Mapping[str, object]) -> QuerySet[Case]:
    """Published cases matching ``filters`` (``q`` words, ``domain`` slug, ``country``
    code; empty values do not filter), most recently published first."""
    cases = public_cases()
    if domain := filters.get("domain"):
        cases = cases.filter(mission__domains__slug=domain)
    if country := filters.get("country"):
        cases = cases.filter(mission__country=country)
    if text := str(filters.get("q") or "").strip():
        cases = cases.filter(_search(text))
    # A mission has a domain at most once: the domain join repeats no row.
    return (
        cases.select_related("mission__organisation")
        .prefetch_related("mission__domains")
        .order_by("-published_at", "-pk")
    )


def library_page(filters: Mapping[str, object], page_number: object) -> Page:
    return Paginator(library(filters), LIBRARY_PAGE_SIZE).get_page(page_number)


def library_countries() -> list[tuple[str, str]]:
    """The countries of published cases, by name as a reader sorts them."""
    codes = public_cases().order_by().values_list("mission__country", flat=True).distinct()
    return sorted(
        ((code, str(countries.name(code) or code)) for code in codes),
        key=lambda item: _sort_key(item[1]),
    )


def library_domains() -> list[Domain]:
    return list(Domain.objects.all())


def cases_for_team() -> QuerySet[Case]:
    """Every case, whatever its status, for the coordination team's list."""
    return Case.objects.select_related("mission__organisation").order_by("status", "-created_at")


def missions_awaiting_a_case() -> QuerySet[Mission]:
    """Closed missions whose organisation agreed to a case and that have none yet."""
    consented = OrganisationSurvey.objects.filter(case_consent=True).values("mission_id")
    return (
        Mission.objects.filter(status=Mission.Status.CLOSED, pk__in=consented, case__isnull=True)
        .select_related("organisation")
        .order_by("-closed_at", "-pk")
    )
