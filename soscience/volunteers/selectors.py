"""Reads for the volunteers app's pages: profiles, the skills taxonomy, campuses."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from soscience.accounts.models import User
from soscience.core.models import Domain
from soscience.missions.models import MissionSkill
from soscience.volunteers.models import (
    Ambassadorship,
    Campus,
    Skill,
    UnmatchedTerm,
    VolunteerProfile,
    VolunteerSkill,
)
from soscience.volunteers.search import SkillIndex, normalise

SKILLS_PER_PAGE = 50
TERMS_PER_PAGE = 50


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def skill_sort_key(skill: Skill) -> str:
    """Skills sorted as a reader expects in the current language (accents ignored)."""
    return normalise(skill.name_en if _english() else skill.name_fr)


def profile_of(user: User) -> VolunteerProfile | None:
    """``user``'s own volunteer profile with what its form shows, or None."""
    return (
        VolunteerProfile.objects.filter(user=user)
        .select_related("campus")
        .prefetch_related(
            "domains",
            Prefetch("skills", VolunteerSkill.objects.select_related("skill")),
            "availabilities",
        )
        .first()
    )


def profile_detail(profile: VolunteerProfile) -> dict[str, Any]:
    """What the read-only profile page shows, in a fixed number of queries."""
    skills = list(VolunteerSkill.objects.filter(profile=profile).select_related("skill"))
    return {
        "profile": profile,
        "skills": skills,
        "domains": list(profile.domains.all()),
        "availabilities": list(profile.availabilities.all()),
    }


def _count(model: type[VolunteerSkill] | type[MissionSkill]) -> Coalesce:
    counts = (
        model.objects.filter(skill=OuterRef("pk"))
        .order_by()
        .values("skill")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def skill_page(*, q: str, domain: Domain | None, page: str | None) -> Page:
    """The taxonomy for coordinators, filtered, with how many volunteers and missions use
    each skill. Sorted in Python (accents ignored, as a reader expects; by relevance when
    searching), then only the page's rows are counted: three queries whatever the page."""
    skills: QuerySet[Skill] = Skill.objects.select_related("domain")
    if domain is not None:
        skills = skills.filter(domain=domain)
    if q:
        # The same matching as the typeahead: accents, case, synonyms.
        ordered = SkillIndex(skills).lookup(q, get_language() or "fr", limit=None)
    else:
        names = skills.select_related(None).only("pk", "name_fr", "name_en")
        ordered = sorted(names, key=skill_sort_key)
    result = Paginator([skill.pk for skill in ordered], SKILLS_PER_PAGE).get_page(page)
    counted = skills.filter(pk__in=result.object_list).annotate(
        volunteer_count=_count(VolunteerSkill), mission_count=_count(MissionSkill)
    )
    by_pk = {skill.pk: skill for skill in counted}
    result.object_list = [by_pk[pk] for pk in result.object_list if pk in by_pk]
    return result


def skill_usage(skill: Skill) -> dict[str, int]:
    return {
        "volunteers": VolunteerSkill.objects.filter(skill=skill).count(),
        "missions": MissionSkill.objects.filter(skill=skill).count(),
    }


def skills_by_domain() -> list[tuple[str, list[tuple[int, str]]]]:
    """Every skill as select options grouped by domain, in reading order; one query."""
    groups: dict[str, list[Skill]] = {}
    positions: dict[str, tuple[int, str]] = {}
    for skill in Skill.objects.select_related("domain"):
        label = skill.domain.name if skill.domain else ""
        positions[label] = (skill.domain.position if skill.domain else 999, label)
        groups.setdefault(label, []).append(skill)
    return [
        (label, [(s.pk, s.name) for s in sorted(groups[label], key=skill_sort_key)])
        for label in sorted(groups, key=lambda g: positions[g])
    ]


def all_skills_sorted() -> list[Skill]:
    return sorted(Skill.objects.all(), key=skill_sort_key)


def unmatched_page(page: str | None) -> Page:
    """Terms nobody has mapped yet, the most typed first."""
    terms = UnmatchedTerm.objects.filter(mapped_to__isnull=True).order_by("-count", "text")
    return Paginator(terms, TERMS_PER_PAGE).get_page(page)


def unmatched_count() -> int:
    return UnmatchedTerm.objects.filter(mapped_to__isnull=True).count()


def campuses_with_ambassadors() -> QuerySet[Campus]:
    return Campus.objects.prefetch_related(
        Prefetch(
            "ambassadors",
            Ambassadorship.objects.select_related("user").order_by("user__full_name"),
        )
    )


def ambassadors_of(campus: Campus) -> list[Ambassadorship]:
    return list(campus.ambassadors.select_related("user").order_by("user__full_name"))
