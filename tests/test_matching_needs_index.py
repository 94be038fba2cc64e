"""The engine at the national size: an index of needs ranks exactly as ``rank_needs`` (the
same needs, order, scores, reasons and gaps for every volunteer of the samples), and the
suggestions' shared preparation gives exactly what the former code gave."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from soscience.matching.engine import (
    Need,
    build_index,
    eligible,
    need_from_dict,
    propose_team,
    rank,
    rank_needs,
    volunteer_from_dict,
)
from soscience.matching.engine import needs as needs_index
from soscience.matching.engine.lexical import normalised
from soscience.matching.engine.needs import NeedRanker, build_need_index, rank_needs_indexed
from soscience.matching.engine.profiles import need_profile
from soscience.matching.engine.ranking import (
    LEXICAL_WEIGHT,
    SECONDARY_WEIGHT,
    prepare,
    profile_of,
    scores,
)
from soscience.matching.engine.team import CANDIDATES_PER_AREA, COVERED, _candidates

ROOT = Path(__file__).resolve().parents[1]
SETS = [
    ROOT.parent / "shared" / "matching" / "public",
    ROOT / "tests" / "matching_data" / "heldout",
    ROOT / "tests" / "matching_data" / "heldout2",
]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def sample(path: Path) -> tuple[list[Need], list]:
    """A sample's needs, each also twice more with its dates shifted (same text: many
    exact ties, which the order must break by id as ``rank_needs`` does), and its pool."""
    base = [need_from_dict(d) for d in _lines(path / "needs.jsonl")]
    needs = list(base)
    for k in (1, 2):
        shift = dt.timedelta(weeks=2 * k)
        needs += [
            dataclasses.replace(n, id=f"{n.id}-{k}", start=n.start + shift, end=n.end + shift)
            for n in base
        ]
    return needs, [volunteer_from_dict(d) for d in _lines(path / "pool.jsonl")]


@pytest.fixture(scope="module", params=SETS, ids=[p.name for p in SETS])
def data(request):
    return sample(request.param)


ASKS = [(10, 0.15, "en"), (3, 0.0, None), (40, 0.3, "fr"), (1, 0.15, "fr-fr")]


def test_the_index_ranks_every_volunteer_as_rank_needs(data):
    needs, pool = data
    index = build_need_index(needs)
    for volunteer in pool:
        for top, min_score, language in ASKS:
            expected = rank_needs(volunteer, needs, top, min_score, language)
            assert rank_needs_indexed(volunteer, index, top, min_score, language) == expected


def test_needs_left_out_by_a_mask_are_as_if_not_given(data):
    needs, pool = data
    index = build_need_index(needs)
    allowed = np.arange(len(needs)) % 3 != 1
    kept = [n for n, keep in zip(needs, allowed, strict=True) if keep]
    for volunteer in pool:
        ranker = NeedRanker(volunteer)
        got = [ranker.explain(h, "en") for h in ranker.best([(index, allowed)], 10, 0.15)]
        assert got == rank_needs(volunteer, kept, 10, 0.15, "en")


def test_two_indexes_rank_as_one_list(data):
    """The page ranks the indexed missions and those published since together."""
    needs, pool = data
    first, second = build_need_index(needs[::2]), build_need_index(needs[1::2])
    for volunteer in pool:
        ranker = NeedRanker(volunteer)
        hits = ranker.best([(first, None), (second, None)], 10, 0.15)
        assert [ranker.explain(h, "fr") for h in hits] == rank_needs(
            volunteer, needs, 10, 0.15, "fr"
        )


def test_a_refresh_profiles_only_the_needs_that_changed(data):
    needs, _pool = data
    before = build_need_index(needs)
    edited = dataclasses.replace(needs[0], description="Nous cherchons un expert en biogaz.")
    added = dataclasses.replace(needs[1], id="new-need")
    after = build_need_index([edited, *needs[2:], added], previous=before)

    assert after.profiles[0] is not before.profiles[0]
    assert after.profiles[0].weights == need_profile(edited).weights
    assert all(after.profiles[i] is before.profiles[i + 1] for i in range(1, len(needs) - 1))
    assert after.profiles[-1] is not before.profiles[1]  # another id: another need
    assert after.needs[0].description == ""  # kept without its text (its profile is kept)
    # The same lexical keys as profiling the text again.
    fresh = build_need_index([edited, *needs[2:], added])
    names, fresh_names = list(after.vocabulary), list(fresh.vocabulary)
    for row in range(len(after)):
        assert after.keys(row, names) == fresh.keys(row, fresh_names)


def test_another_engine_s_profiles_are_not_reused(data, monkeypatch):
    needs, _pool = data
    before = build_need_index(needs)
    needs_index.engine_fingerprint.cache_clear()
    monkeypatch.setattr(needs_index, "_ENGINE", Path(__file__).parent / "matching_data")
    try:
        after = build_need_index(needs, previous=before)
    finally:
        needs_index.engine_fingerprint.cache_clear()
    assert after.fingerprint != before.fingerprint
    assert all(a is not b for a, b in zip(after.profiles, before.profiles, strict=True))


def test_a_need_id_given_twice_is_refused(data):
    needs, _pool = data
    with pytest.raises(ValueError, match="appears twice"):
        build_need_index([needs[0], needs[0]])


# The suggestions: the former code, kept here as the reference.


def former_scores(need, index, rows):
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


def former_candidates(need, ranked, index, areas):
    rows = [index.position[r.id] for r in ranked if r.id in index.position]
    mask = eligible(need, index)
    for area in areas:
        values = np.where(mask, index.values_by_area[index.area_column[area]], 0.0)
        best = np.argsort(-values, kind="stable")[:CANDIDATES_PER_AREA]
        rows += [int(r) for r in best if values[r] >= COVERED]
    seen: set[int] = set()
    return [r for r in rows if not (r in seen or seen.add(r))]


def test_the_suggestions_score_and_pick_candidates_as_before(data):
    needs, pool = data
    # Many look-alikes, so that an area has more candidates than are kept.
    crowd = [dataclasses.replace(v, id=f"{v.id}-{k}") for k in range(4) for v in pool]
    index = build_index(crowd)
    for need in needs:
        prepared = prepare(need, index)
        assert np.array_equal(prepared.rows, np.flatnonzero(eligible(need, index)))
        expected = former_scores(need, index, prepared.rows)
        assert np.array_equal(scores(need, index, prepared.rows, prepared.lexical), expected)
        assert np.array_equal(scores(need, index, prepared.rows), expected)
        ranked = rank(need, index, 15, 0.15, prepared=prepared)
        assert ranked == rank(need, index, 15, 0.15)
        areas = list(profile_of(need).weights)[:4]
        got = _candidates(ranked, index, areas, prepared.rows)
        assert got == former_candidates(need, ranked, index, areas)
        team = dataclasses.replace(need, team_size=3)
        assert propose_team(team, ranked, index, prepared=prepared) == propose_team(
            team, ranked, index
        )
