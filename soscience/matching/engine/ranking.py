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
# The coarse label next to the score. The best area decides the score (need weight x level
# value, 1.0 for an expert in the need's most central area), so: "strong" is an expert, or
# nearly, in a central area (>= 0.95); "good" is about practised (level 2, 0.7) in a central
# area or expert in a secondary one (>= 0.6); anything lower is "partial".
FIT_STRONG, FIT_GOOD = 0.95, 0.6


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
    fit: str = "partial"  # "strong", "good" or "partial": see fit_of()


def fit_of(score: float) -> str:
    """The human label of a score: "strong", "good" or "partial" (thresholds above)."""
    if score >= FIT_STRONG - 1e-9:
        return "strong"
    return "good" if score >= FIT_GOOD - 1e-9 else "partial"


def reader_language(need_language: str, language: str | None) -> str:
    """The language of the reasons: the reader's when given ("fr", "en", or a Django code
    such as "fr-fr"), else the need's. Only French and English are written."""
    if language is None:
        return need_language
    return "fr" if language.lower().startswith("fr") else "en"


@lru_cache(maxsize=512)
def profile_of(need: Need) -> NeedProfile:
    return need_profile(need)


@dataclass(frozen=True, slots=True)
class Prepared:
    """What ranking a need and proposing its team both start from, computed once: the
    eligible rows of the index and the lexical score of every volunteer."""

    rows: np.ndarray  # int64, ascending
    lexical: np.ndarray  # float32 (volunteers,), BM25 for the need's words


def prepare(need: Need, index: Index) -> Prepared:
    return Prepared(
        np.flatnonzero(eligible(need, index)), index.lexical.scores(profile_of(need).words)
    )


def scores(
    need: Need, index: Index, rows: np.ndarray, lexical: np.ndarray | None = None
) -> np.ndarray:
    """Score of the volunteers at `rows`: the best area contribution (need weight x level
    value), a little for other areas covered, a little for shared vocabulary. `lexical`:
    the pool's BM25 scores for this need when already computed (`Prepared.lexical`)."""
    profile = profile_of(need)
    if not len(rows):
        return np.zeros(0, dtype=np.float32)
    if lexical is None:
        lexical = index.lexical.scores(profile.words)
    return combine(profile, index, rows, normalised(lexical[rows]))


def combine(
    profile: NeedProfile, index: Index, rows: np.ndarray, lexical: np.ndarray
) -> np.ndarray:
    """The score of `rows` from the need's profile and their normalised lexical scores."""
    areas = [a for a in profile.demand if a in index.area_column]
    if not areas:
        return LEXICAL_WEIGHT * lexical
    weights = np.array([profile.demand[a] for a in areas], dtype=np.float32)
    columns = [index.area_column[a] for a in areas]
    # Only the rows asked for are gathered (not whole area rows of the pool first). The
    # maximum does not depend on the layout; the sum does (float32 additions in another
    # order), so it is taken column by column, as on `values_by_area[columns][:, rows]`
    # (the former gather, laid out that way): the same float32 result.
    block = index.values_by_area[np.ix_(columns, rows)]
    block *= weights[:, None]
    primary = block.max(axis=0)
    secondary = np.minimum(np.asfortranarray(block).sum(axis=0) - primary, 1.0)
    return primary + SECONDARY_WEIGHT * secondary + LEXICAL_WEIGHT * lexical


def rank(
    need: Need,
    index: Index,
    top: int = 10,
    min_score: float = 0.0,
    language: str | None = None,
    prepared: Prepared | None = None,
) -> list[Ranked]:
    """The `top` eligible volunteers for `need`, best first, with reasons and gaps.
    An ineligible volunteer is never returned; ties are broken by id (stable output).
    `min_score` leaves out weak matches (a page of suggestions may want 0.15).
    `language` ("fr"/"en") writes the reasons for the reader; default: the need's.
    `prepared`: `prepare(need, index)`, when the team proposal will use it too."""
    prepared = prepared or prepare(need, index)
    rows = prepared.rows
    values = scores(need, index, rows, prepared.lexical)
    if min_score > 0:
        keep = values >= min_score
        rows, values = rows[keep], values[keep]
    order = _best(rows, values, index, top)
    return [explain(need, index, int(rows[i]), float(values[i]), language) for i in order]


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


def explain(
    need: Need, index: Index, row: int, score: float, language: str | None = None,
    profile: NeedProfile | None = None,
) -> Ranked:  # fmt: skip
    """Reasons and gaps of one (eligible) volunteer for one need (`profile`: the need's,
    when it is already known, e.g. kept in an index of needs)."""
    profile = profile or profile_of(need)
    person = index.volunteers[row]
    volunteer = index.profile(row)
    lang = reader_language(profile.language, language)
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
    gaps = _gaps(profile, volunteer, lang)
    return Ranked(person.id, round(score, 4), reasons, gaps, matches, fit_of(score))


def _gaps(profile: NeedProfile, volunteer: VolunteerProfile, lang: str) -> list[str]:
    """The need's main areas the volunteer does not cover (below level 2). An area the
    volunteer has some of is "only partly" covered: the reasons may name it, so saying
    it is not covered at all would contradict them."""
    missing, partly = [], []
    for area in profile.main_areas(GAP_WEIGHT):
        ev = volunteer.areas.get(area)
        if ev is None or ev.value <= 0:
            missing.append(area_label(area, lang))
        elif ev.value < LEVEL_VALUE[2] - 1e-6:
            partly.append(area_label(area, lang))
    gaps = [say("gap", lang, areas=", ".join(missing))] if missing else []
    if partly:
        gaps.append(say("gap_partly", lang, areas=", ".join(partly)))
    return gaps


def rank_needs(
    volunteer: Volunteer,
    needs: Iterable[Need],
    top: int = 10,
    min_score: float = 0.15,
    language: str | None = None,
) -> list[Ranked]:
    """The other direction, for a volunteer's "missions for me": the needs this volunteer
    is eligible for, best first, each `Ranked` carrying the need's id and the same
    reasons a coordinator would read. `language` ("fr"/"en") writes them in the reader's
    language (the volunteer's); default: each need's."""
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
        r = explain(need, index, 0, score, language)
        out.append(Ranked(need.id, r.score, r.reasons, r.gaps, r.areas, r.fit))
    return out
