"""Reads for the public catalogue: published missions only, with a fixed number of queries."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language
from django_countries import countries

from soscience.core import search
from soscience.core.models import Domain
from soscience.core.page_cache import derived
from soscience.missions.models import Mission, MissionSkill
from soscience.volunteers.models import Campus, Skill

CATALOGUE_PAGE_SIZE = 20
SEARCH_FIELDS = ("title", "problem", "context", "objectives")
# The full-text column of missions on PostgreSQL (migration missions 0006).
SEARCH_DOCUMENT = "search_document"
MAX_SEARCH_WORDS = search.MAX_WORDS
REMOTE_MODES = (Mission.WorkMode.REMOTE, Mission.WorkMode.HYBRID)


def _word_variants(word: str) -> set[str]:
    """Spellings to look for so that case is ignored the same way on every database.

    PostgreSQL's ``icontains`` folds the case of every letter; SQLite's folds only ASCII
    letters, so "énergie" would miss "Énergie". Searching the lower, upper and
    capitalised forms as well gives the same results on both for text as people write it.
    """
    if word.isascii():
        return {word}
    return {word, word.lower(), word.upper(), word.capitalize()}


def _search(text: str) -> Q:
    """Every word must appear in at least one of the searched fields."""
    words = text.split()[:MAX_SEARCH_WORDS]
    per_word = [
        reduce(
            or_,
            (
                Q(**{f"{field}__icontains": variant})
                for field in SEARCH_FIELDS
                for variant in sorted(_word_variants(word))
            ),
        )
        for word in words
    ]
    return reduce(and_, per_word, Q())


def catalogue(filters: Mapping[str, object]) -> QuerySet[Mission]:
    """Published missions matching ``filters``, newest published first.

    ``filters`` may hold: ``domain`` (slug), ``country`` (code), ``remote`` (true: remote
    or hybrid work only), ``skill`` (slug), ``campus`` (slug) and ``q`` (words to find in
    the title, problem, context or objectives). Empty values do not filter.
    """
    missions = Mission.objects.published()
    if domain := filters.get("domain"):
        missions = missions.filter(domains__slug=domain)
    if country := filters.get("country"):
        missions = missions.filter(country=country)
    if filters.get("remote"):
        missions = missions.filter(work_mode__in=REMOTE_MODES)
    if skill := filters.get("skill"):
        missions = missions.filter(skill_needs__skill__slug=skill)
    if campus := filters.get("campus"):
        missions = missions.filter(campuses__slug=campus)
    ordering: tuple[object, ...] = ("-published_at", "-pk")
    if text := str(filters.get("q") or "").strip():
        missions, ordering = _searched(missions, text, ordering)
    # Each filter above joins a to-many relation on a unique key (a mission has a domain,
    # a skill or a campus at most once), so no row is repeated and no DISTINCT is needed.
    return (
        missions.select_related("organisation")
        .prefetch_related(
            "domains",
            Prefetch("skill_needs", queryset=MissionSkill.objects.select_related("skill")),
        )
        .order_by(*ordering)
    )


def _searched(
    missions: QuerySet[Mission], text: str, ordering: tuple[object, ...]
) -> tuple[QuerySet[Mission], tuple[object, ...]]:
    """On PostgreSQL, full-text search in French and English, best matches first; elsewhere a
    substring search in the newest-first order."""
    if not search.full_text_available():
        return missions.filter(_search(text)), ordering
    words = search.words_of(text)
    if not words:  # only punctuation: nothing can match
        return missions.none(), ordering
    table = Mission._meta.db_table
    found = missions.filter(search.matches(table, SEARCH_DOCUMENT, words))
    return found, (search.rank(table, SEARCH_DOCUMENT, words).desc(), *ordering)


def whole_weeks(mission: Mission) -> int:
    """The mission's length in whole weeks, for "8 weeks" (plural forms need an integer)."""
    return max(1, round(mission.duration_weeks))


def catalogue_page(filters: Mapping[str, object], page_number: object) -> Page:
    """One page of the catalogue; an out-of-range or malformed page gives the nearest one.

    Each mission gets a ``weeks`` attribute (see ``whole_weeks``) for its card.
    """
    paginator = Paginator(catalogue(filters), CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(page_number)
    page.object_list = list(page.object_list)
    for mission in page.object_list:
        mission.weeks = whole_weeks(mission)  # type: ignore[attr-defined]
    return page


@dataclass(frozen=True)
class CatalogueOptions:
    """Choices offered by the catalogue's filter form."""

    domains: list[Domain]
    countries: list[tuple[str, str]]
    skills: list[Skill]
    campuses: list[Campus]


def _sort_key(name: str) -> str:
    """Sort "Égypte" with the E's, as a reader expects, not after "Zambie"."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def catalogue_filters_options() -> CatalogueOptions:
    """Domains, the countries and skills of open missions, and the active campuses, in the
    reader's language; read again only when the catalogue's data change (every signed-in
    reader and search gets the catalogue built: the choices are most of its queries)."""
    return derived("catalogue", f"filters:{get_language()}", _filters_options)


def _filters_options() -> CatalogueOptions:
    codes = Mission.objects.published().order_by().values_list("country", flat=True).distinct()
    country_choices = sorted(
        ((code, str(countries.name(code) or code)) for code in codes),
        key=lambda item: _sort_key(item[1]),
    )
    # The skill ids of open missions first, read from the few open missions through their
    # index: as "skills WHERE id IN (...)" PostgreSQL walks each skill's missions instead, over
    # seconds at the national size (100,000 missions).
    used = set(
        MissionSkill.objects.filter(mission__status=Mission.Status.OPEN)
        .order_by()
        .values_list("skill_id", flat=True)
        .distinct()
    )
    # Sorted here rather than by the database, whose collation puts "Séchage" after "Statistiques".
    skills = sorted(Skill.objects.filter(pk__in=used), key=lambda skill: _sort_key(skill.name))
    return CatalogueOptions(
        domains=list(Domain.objects.all()),
        countries=country_choices,
        skills=skills,
        campuses=list(Campus.objects.filter(is_active=True)),
    )
