"""Ranking one need against the index: hard constraints first (vectorised), then a score
per eligible volunteer, then reasons and gaps for the ones shown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .index import Index, build_index, eligible
from .lexical import normalised
from .model import Need, Volunteer
from .profiles import LEVEL_VALUE, NeedProfile, VolunteerProfile, need_profile
from .reasons import area_label, area_reason, practical_reasons, say

SECONDARY_WEIGHT = 0.12  # other areas covered: a tie-breaker, the best area decides
LEXICAL_WEIGHT = 0.08  # shared vocabulary the lexicon does not know
SHOWN_SHARE = 0.15  # an area is named in the reasons above this contribution
GAP_WEIGHT = 0.5  # a need's area missing from a profile is a gap above this weight


@dataclass(frozen=True, slots=True)
class AreaMatch:
    area: str
    level: int
    source: str  # the skill label, or "bio", "domain", "programme"
    contribution: float
    via: str | None = None  # the need's area it is adjacent to, if not one of its own


@dataclass(frozen=True, slots=True)
class Ranked:
    id: str
    score: float
    reasons: list[str]
    gaps: list[str]
    areas: list[AreaMatch] = field(default_factory=list)


@lru_cache(maxsize=512)
def profile_of(need: Need) -> NeedProfile:
    return need_profile(need)


def scores(need: Need, index: Index, rows: np.ndarray) -> np.ndarray:
    """Score of the volunteers at `rows`: the best area contribution (need weight x level
    value), a little for other areas covered, a little for shared vocabulary."""
    profile = profile_of(need)
    areas = [a for a in profile.demand if a in index.area_column]
    if not len(rows):
        return np.zeros(0, dtype=np.float32)
    lexical = normalised(index.lexical.scores(profile.words)[rows])
    if not areas:
        return LEXICAL_WEIGHT * lexical
    weights = np.array([profile.demand[a] for a in areas], dtype=np.float32)
    block = index.values_by_area[[index.area_column[a] for a in areas]][:, rows]
    block *= weights[:, None]
    primary = block.max(axis=0)
    secondary = np.minimum(block.sum(axis=0) - primary, 1.0)
    return primary + SECONDARY_WEIGHT * secondary + LEXICAL_WEIGHT * lexical


def rank(need: Need, index: Index, top: int = 10, min_score: float = 0.0) -> list[Ranked]:
    """The `top` eligible volunteers for `need`, best first, with reasons and gaps.
    An ineligible volunteer is never returned; ties are broken by id (stable output).
    `min_score` leaves out weak matches (a page of suggestions may want 0.15)."""
    rows = np.flatnonzero(eligible(need, index))
    values = scores(need, index, rows)
    if min_score > 0:
        keep = values >= min_score
        rows, values = rows[keep], values[keep]
    order = _best(rows, values, index, top)
    return [explain(need, index, int(rows[i]), float(values[i])) for i in order]


def _best(rows: np.ndarray, values: np.ndarray, index: Index, top: int) -> list[int]:
    if top <= 0 or not len(rows):
        return []
    if len(rows) > 4 * top + 64:
        # Partial sort first, with a margin so ties at the cut are ordered by id below.
        keep = np.argpartition(-values, 4 * top + 32)[: 4 * top + 32]
    else:
        keep = np.arange(len(rows))
    ids = [index.volunteers[int(rows[i])].id for i in keep]
    ordered = sorted(range(len(keep)), key=lambda j: (-round(float(values[keep[j]]), 6), ids[j]))
    return [int(keep[j]) for j in ordered[:top]]


def area_matches(profile: NeedProfile, volunteer: VolunteerProfile) -> list[AreaMatch]:
    found = []
    for area, demand in profile.demand.items():
        ev = volunteer.areas.get(area)
        if ev is not None:
            via = None if area in profile.weights else profile.via.get(area)
            found.append(AreaMatch(area, ev.level, ev.source, demand * ev.value, via))
    return sorted(found, key=lambda m: (-m.contribution, m.area))


def explain(need: Need, index: Index, row: int, score: float) -> Ranked:
    """Reasons and gaps of one (eligible) volunteer for one need."""
    profile = profile_of(need)
    person = index.volunteers[row]
    volunteer = index.profile(row)
    lang = profile.language
    matches = area_matches(profile, volunteer)
    reasons = [
        area_reason(volunteer.areas[m.area], lang, m.via)
        for m in matches[:3]
        if m.contribution >= SHOWN_SHARE
    ]
    if not reasons and score > 0:
        reasons.append(say("words", lang))
    if not person.skills:
        reasons.append(say("no_skills", lang))
    reasons += practical_reasons(person, need, lang)
    missing = [
        area_label(a, lang)
        for a in profile.main_areas(GAP_WEIGHT)
        if volunteer.areas.get(a) is None or volunteer.areas[a].value < LEVEL_VALUE[2] - 1e-6
    ]
    gaps = [say("gap", lang, areas=", ".join(missing))] if missing else []
    return Ranked(person.id, round(score, 4), reasons, gaps, matches)


def rank_needs(
    volunteer: Volunteer, needs: Iterable[Need], top: int = 10, min_score: float = 0.15
) -> list[Ranked]:
    """The other direction, for a volunteer's "missions for me": the needs this volunteer
    is eligible for, best first, each `Ranked` carrying the need's id and the same
    reasons a coordinator would read."""
    index = build_index([volunteer])
    row = np.zeros(1, dtype=np.int64)
    scored = []
    for need in needs:
        if eligible(need, index)[0]:
            score = float(scores(need, index, row)[0])
            if score >= min_score:
                scored.append((score, need))
    scored.sort(key=lambda pair: (-round(pair[0], 6), pair[1].id))
    out = []
    for score, need in scored[:top]:
        ranked = explain(need, index, 0, score)
        out.append(Ranked(need.id, ranked.score, ranked.reasons, ranked.gaps, ranked.areas))
    return out
