"""Reads for the matching pages, in a fixed number of queries whatever the pool's size.

The pool comes from the index (``services.pool_for_pages``); only the people shown are
read from the database, in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from soscience.accounts.models import User
from soscience.applications import selectors as applications
from soscience.applications.models import Application, TeamMember
from soscience.matching import engine
from soscience.matching.adapters import (
    matchable,
    mission_to_need,
    volunteers_where,
)
from soscience.matching.engine.profiles import LEVEL_VALUE
from soscience.matching.engine.ranking import prepare, profile_of, scores
from soscience.matching.engine.team import COVERED, SPILL_SHARE, TEAM_AREA_WEIGHT
from soscience.matching.explained import FIT_LABELS, MIN_SCORE, Explained, labels
from soscience.matching.for_me import ForMe, MissionForMe, missions_for, missions_offered
from soscience.matching.services import pool_for_pages
from soscience.missions.models import Mission, MissionSkill
from soscience.volunteers.models import VolunteerProfile

__all__ = [
    "FIT_LABELS", "MIN_SCORE", "VIOLATIONS", "Explained", "ForMe", "MissionForMe", "Person",
    "Suggestions", "TeamBuilder", "TeamProposal", "complete_team", "mission_suggestions",
    "mission_team_builder", "missions_for", "missions_offered",
]  # fmt: skip

# How many volunteers the suggestions page lists, and how many more it ranks so that
# someone who withdrew their consent since the last build does not leave a hole.
SHOWN = 20
SPARE = 10
OPEN = applications.OPEN_STATUSES
SELECTED = Application.Status.SELECTED
EXPERT = LEVEL_VALUE[3] - 1e-6
VIOLATIONS = {
    "availability": _("availability does not fit the mission's dates and hours"),
    "language": _("no working language in common"),
    "location": _("not based in the mission's country (on site)"),
}


def _skill_needs() -> QuerySet[MissionSkill]:
    return MissionSkill.objects.select_related("skill").order_by("-level", "skill__slug")


def _need(mission: Mission) -> engine.Need:
    """The mission as the engine reads it (its skills and domains: two queries)."""
    prefetch_related_objects([mission], Prefetch("skill_needs", queryset=_skill_needs()), "domains")
    return mission_to_need(mission)


# Suggestions for a mission.


@dataclass(kw_only=True)
class Person(Explained):
    """Someone the pages show: the profile, their application to this mission if any, the
    other missions whose team they are on for overlapping dates."""

    user: User
    profile: VolunteerProfile | None
    application: Application | None = None
    overlaps: list[Mission] = field(default_factory=list)
    covers: list[str] = field(default_factory=list)  # team areas this person covers
    in_team: bool = False

    @property
    def can_be_invited(self) -> bool:
        return self.application is None


@dataclass
class TeamProposal:
    members: list[Person]
    covered: list[str]  # area labels
    uncovered: list[str]
    advisor: Person | None = None


@dataclass
class Suggestions:
    mission: Mission
    preparing: bool = False  # no index yet: the worker is building it
    updating: bool = False  # profiles changed since the index was built
    people: list[Person] = field(default_factory=list)
    team: TeamProposal | None = None


def _people(mission: Mission, user_ids: list[int]) -> dict[int, Person]:
    """The profiles of ``user_ids`` still matchable, with their application to ``mission``
    and their overlapping commitments: three queries."""
    profiles = VolunteerProfile.objects.filter(matchable(), user_id__in=user_ids).select_related(
        "user", "campus"
    )
    found = {p.user_id: Person(user=p.user, profile=p) for p in profiles}
    for application in Application.objects.filter(mission=mission, volunteer_id__in=list(found)):
        found[application.volunteer_id].application = application
    for user_id, missions in applications.overlaps_by_volunteer(mission, list(found)).items():
        found[user_id].overlaps = missions
    return found


def _covers(
    index: engine.Index, person_id: str | None, areas: list[str], at_least: float = COVERED
) -> list[str]:
    """The areas among ``areas`` this person brings at ``at_least`` (level 2 by default)."""
    row = index.position.get(person_id or "")
    if row is None:
        return []
    return [a for a in areas if index.values_by_area[index.area_column[a]][row] >= at_least]


def _proposal(
    team: engine.Team, index: engine.Index, people: dict[int, Person], language: str
) -> TeamProposal:
    areas = team.covered_areas + team.uncovered_areas
    members = []
    for member_id in team.members:
        person = people.get(int(member_id))
        if person is not None:
            person.in_team = True
            person.covers = labels(_covers(index, member_id, areas), language)
            members.append(person)
    advisor = people.get(int(team.advisor)) if team.advisor else None
    if advisor is not None:
        advisor.covers = labels(_covers(index, team.advisor, areas, at_least=EXPERT), language)
    covered = labels(team.covered_areas, language)
    return TeamProposal(members, covered, labels(team.uncovered_areas, language), advisor)


def mission_suggestions(mission: Mission, language: str) -> Suggestions:
    """The volunteers best suited to ``mission`` from the whole matchable pool, with reasons
    and gaps in ``language`` ("fr" or "en"), whether they applied, and (team size above
    one) a complementary team."""
    pool = pool_for_pages()
    if pool.index is None:
        return Suggestions(mission=mission, preparing=True)
    need = _need(mission)
    # The eligible people and the lexical scores, computed once for the ranking and the team.
    prepared = prepare(need, pool.index)
    ranked = engine.rank(
        need, pool.index, SHOWN + SPARE, MIN_SCORE, language=language, prepared=prepared
    )
    team = (
        engine.propose_team(need, ranked, pool.index, language=language, prepared=prepared)
        if mission.team_size > 1
        else None
    )
    ids = [r.id for r in ranked] + (team.members if team else [])
    if team and team.advisor:
        ids.append(team.advisor)
    people = _people(mission, [int(i) for i in dict.fromkeys(ids)])
    shown = []
    for r in ranked:
        person = people.get(int(r.id))
        if person is not None and len(shown) < SHOWN:
            person.explain(r, language)
            shown.append(person)
    return Suggestions(
        mission=mission, updating=pool.updating, people=shown,
        team=_proposal(team, pool.index, people, language) if team else None,
    )  # fmt: skip


# The team builder: a complementary team among the applicants.


@dataclass
class TeamBuilder:
    mission: Mission
    seats: applications.Seats
    current: list[TeamMember]
    proposal: TeamProposal
    ranked: list[Person]  # eligible applicants, best first
    ineligible: list[tuple[Person, list[str]]]  # and why (hard constraints)
    not_assessed: list[Person]  # applicants without consent to matching
    has_lead: bool = False
    has_advisor: bool = False


def mission_team_builder(mission: Mission, language: str) -> TeamBuilder:
    """The proposed team among the open applicants (applied or shortlisted), completing
    the members already selected; the other applicants ranked; who cannot be proposed
    and why. Applicants are read fresh from the database (a few dozen, in a fixed number
    of queries), not from the index."""
    need = _need(mission)
    candidates = list(
        Application.objects.filter(mission=mission, status__in=[*OPEN, SELECTED])
        .select_related("volunteer", "volunteer__volunteer_profile__campus")
        .order_by("pk")
    )
    current = applications.team_of(mission)
    seats = applications.seats_of(mission, current)
    people = {a.volunteer_id: _applicant(a) for a in candidates}
    for user_id, missions in applications.overlaps_by_volunteer(mission, list(people)).items():
        people[user_id].overlaps = missions
    open_ids = {str(a.volunteer_id) for a in candidates if a.status in OPEN}
    volunteers = volunteers_where(matchable() & Q(user_id__in=list(people)))
    index = engine.build_index(volunteers)
    for r in engine.rank(need, index, top=len(index), language=language):
        people[int(r.id)].explain(r, language)
    has_advisor = any(m.role == TeamMember.Role.ADVISOR for m in current)
    team = complete_team(
        need, index, candidates=open_ids, size=seats.total - seats.taken, advisor=not has_advisor,
        fixed=[str(m.volunteer_id) for m in current if m.role != TeamMember.Role.ADVISOR],
    )  # fmt: skip
    assessed = {v.id for v in volunteers}
    return TeamBuilder(
        mission=mission, seats=seats, current=current,
        proposal=_proposal(team, index, people, language),
        ranked=sorted(
            (p for p in people.values() if p.score is not None and str(p.user.pk) in open_ids),
            key=lambda p: (-(p.score or 0.0), p.user.pk),
        ),
        ineligible=[
            (people[int(v.id)], [str(VIOLATIONS[x]) for x in engine.violations(v, need)])
            for v in volunteers
            if v.id in open_ids and engine.violations(v, need)
        ],
        not_assessed=[p for uid, p in people.items() if f"{uid}" in open_ids - assessed],
        has_lead=any(m.role == TeamMember.Role.LEAD for m in current),
        has_advisor=has_advisor,
    )  # fmt: skip


def _applicant(application: Application) -> Person:
    user = application.volunteer
    profile = getattr(user, "volunteer_profile", None)
    return Person(user=user, profile=profile, application=application)


def _spread(index: engine.Index, rows: list[int], areas: list[str]) -> dict[str, np.ndarray]:
    """What each of ``rows`` brings to each area, a closely adjacent area counting for its
    share (as the engine's team proposal counts it)."""
    related = engine.load_lexicon().areas
    out = {}
    for area in areas:
        best = index.values_by_area[index.area_column[area]][rows].astype(np.float64)
        for other in index.area_ids:
            share = related[other].related.get(area, 0.0)
            if share >= SPILL_SHARE:
                spill = share * index.values_by_area[index.area_column[other]][rows]
                np.maximum(best, spill, out=best)
        out[area] = best
    return out


def complete_team(
    need: engine.Need, index: engine.Index, *, fixed: list[str], candidates: set[str],
    size: int, advisor: bool = True,
) -> engine.Team:  # fmt: skip
    """The engine's greedy cover (``engine.propose_team``), started from the members
    already selected (``fixed``) and choosing only among ``candidates``: what the team
    lacks as it stands. Up to ``size`` more members; a researcher among the candidates
    as advisor when the problem is hard (several areas, or no expert)."""
    profile = profile_of(need)
    areas = [a for a in profile.main_areas(TEAM_AREA_WEIGHT) if a in index.area_column]
    areas = areas[: need.team_size + 1]
    mask = engine.eligible(need, index)
    kept = [index.position[i] for i in fixed if i in index.position]
    rows = [r for i, r in index.position.items() if i in candidates and mask[r] and r not in kept]
    value = _spread(index, kept + rows, areas)
    reached = {a: float(value[a][: len(kept)].max(initial=0.0)) for a in areas}
    base = scores(need, index, np.array(rows, dtype=np.int64))
    chosen: list[int] = []
    for _step in range(max(0, min(size, len(rows)))):
        gains = [
            -1.0 if j in chosen else 0.01 * float(base[j]) + sum(
                profile.weights[a] * max(0.0, _counted(value[a][len(kept) + j]) - reached[a])
                for a in areas
            )
            for j in range(len(rows))
        ]  # fmt: skip
        best = int(np.argmax(gains))
        chosen.append(best)
        for a in areas:
            reached[a] = max(reached[a], float(value[a][len(kept) + best]))
    uncovered = [a for a in areas if reached[a] < COVERED]
    hard = len(areas) >= 2 or any(reached[a] < EXPERT for a in areas)
    expert = None
    if advisor and hard and areas:
        others = [r for j, r in enumerate(rows) if j not in chosen and index.researcher[r]]
        best_value = EXPERT
        for r in others:
            v = max(float(index.values_by_area[index.area_column[a]][r]) for a in areas)
            if v > best_value:
                expert, best_value = index.volunteers[r].id, v
    return engine.Team(
        members=[index.volunteers[rows[j]].id for j in chosen],
        covered_areas=[a for a in areas if a not in uncovered],
        uncovered_areas=uncovered,
        advisor=expert,
    )


def _counted(v: float) -> float:
    """Below level 2 an area counts for half: notions do not cover it."""
    v = float(v)
    return v if v >= COVERED else 0.5 * v
