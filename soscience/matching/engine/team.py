"""A team that covers the need's different areas rather than the top N look-alikes.

Greedy weighted set cover: each step takes the eligible volunteer who adds the most
coverage of the areas still open (an area counts as covered from level 2, like the
benchmark's `teams.json`), then says what stays uncovered and, for hard problems, which
researcher could advise."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .index import Index
from .lexicon import load
from .model import Need
from .profiles import LEVEL_VALUE
from .ranking import Prepared, Ranked, prepare, profile_of, reader_language, scores
from .reasons import area_label, say

COVERED = LEVEL_VALUE[2] - 1e-6
TEAM_AREA_WEIGHT = 0.35  # an area of the need the team should cover
CANDIDATES_PER_AREA = 25
SPILL_SHARE = 0.4  # a closely adjacent area counts towards covering this one


@dataclass(frozen=True, slots=True)
class Team:
    members: list[str]
    covered_areas: list[str]
    uncovered_areas: list[str]
    advisor: str | None = None
    notes: list[str] = field(default_factory=list)  # readable: gaps, advisor


def _candidates(
    ranked: list[Ranked], index: Index, areas: list[str], eligible_rows: np.ndarray
) -> list[int]:
    """The ranking's people first, then the strongest eligible people of each area, so a
    complementary specialist ranked beyond the page is still considered."""
    rows = [index.position[r.id] for r in ranked if r.id in index.position]
    for area in areas:
        # The CANDIDATES_PER_AREA best who cover the area (level 2 at least), ties by row:
        # sorting only those, not the whole pool.
        values = index.values_by_area[index.area_column[area]][eligible_rows]
        covering = values >= COVERED
        found, found_values = eligible_rows[covering], values[covering]
        best = found[np.argsort(-found_values, kind="stable")[:CANDIDATES_PER_AREA]]
        rows += [int(r) for r in best]
    seen: set[int] = set()
    return [r for r in rows if not (r in seen or seen.add(r))]


def _effective_values(index: Index, rows: list[int], areas: list[str]) -> dict[str, np.ndarray]:
    """What each candidate brings to each area, an adjacent area counting for its share
    (a solar-PV engineer covers a little of a power-grid question)."""
    related = load().areas
    out = {}
    for area in areas:
        best = index.values_by_area[index.area_column[area]][rows].copy()
        for other in index.area_ids:
            share = related[other].related.get(area, 0.0)
            if share >= SPILL_SHARE:
                np.maximum(
                    best, share * index.values_by_area[index.area_column[other]][rows], out=best
                )
        out[area] = best
    return out


def propose_team(
    need: Need,
    ranked: list[Ranked],
    index: Index,
    size: int | None = None,
    language: str | None = None,
    prepared: Prepared | None = None,
) -> Team:
    """Up to `size` (default: the need's team size) distinct eligible volunteers. The
    notes are written in `language` ("fr"/"en", the reader's); default: the need's.
    `prepared`: the ranking's `prepare(need, index)`, not computed twice."""
    size = need.team_size if size is None else size
    profile = profile_of(need)
    lang = reader_language(profile.language, language)
    # The areas worth a member: the need's strongest ones, one more than the team size.
    areas = [a for a in profile.main_areas(TEAM_AREA_WEIGHT) if a in index.area_column]
    areas = areas[: size + 1]
    prepared = prepared or prepare(need, index)
    rows = _candidates(ranked, index, areas, prepared.rows)
    if not rows:
        return Team([], [], areas, None, _notes(areas, None, None, lang))
    base = scores(need, index, np.array(rows, dtype=np.int64), prepared.lexical)
    value = _effective_values(index, rows, areas)
    reached = dict.fromkeys(areas, 0.0)
    chosen: list[int] = []
    for _ in range(min(size, len(rows))):
        best, best_gain = -1, -1.0
        for j in range(len(rows)):
            if j in chosen:
                continue
            gain = 0.01 * float(base[j])
            for a in areas:
                v = float(value[a][j])
                v = v if v >= COVERED else 0.5 * v
                gain += profile.weights[a] * max(0.0, v - reached[a])
            if gain > best_gain:
                best, best_gain = j, gain
        chosen.append(best)
        for a in areas:
            reached[a] = max(reached[a], float(value[a][best]))
    members = [index.volunteers[rows[j]].id for j in chosen]
    covered = [a for a in areas if reached[a] >= COVERED]
    uncovered = [a for a in areas if reached[a] < COVERED]
    advisor = _advisor(need, index, rows, chosen, areas, reached)
    notes = _notes(uncovered, advisor, _advisor_area(index, advisor, areas), lang)
    return Team(members, covered, uncovered, advisor, notes)


def _advisor(
    need: Need, index: Index, rows: list[int], chosen: list[int], areas: list[str],
    reached: dict[str, float],
) -> str | None:  # fmt: skip
    """A researcher outside the team, expert in one of the need's areas, when the problem
    is hard: several areas, an area left open, or no expert in the team."""
    hard = len(areas) >= 2 or any(reached[a] < LEVEL_VALUE[3] - 1e-6 for a in areas)
    if not hard or not areas:
        return None
    best, best_value = None, LEVEL_VALUE[3] - 1e-6
    for j, row in enumerate(rows):
        if j in chosen or not index.researcher[row]:
            continue
        value = max(float(index.values_by_area[index.area_column[a]][row]) for a in areas)
        if value > best_value:
            best, best_value = index.volunteers[row].id, value
    return best


def _advisor_area(index: Index, advisor: str | None, areas: list[str]) -> str | None:
    if advisor is None:
        return None
    row = index.position[advisor]
    return max(areas, key=lambda a: index.values_by_area[index.area_column[a]][row])


def _notes(uncovered: list[str], advisor: str | None, area: str | None, lang: str) -> list[str]:
    notes = []
    if uncovered:
        notes.append(say("nobody", lang, areas=", ".join(area_label(a, lang) for a in uncovered)))
    if advisor and area:
        notes.append(f"{advisor}: " + say("advisor", lang, area=area_label(area, lang)))
    return notes
