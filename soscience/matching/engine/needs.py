"""The other direction at scale: many needs laid out once, ranked for one volunteer at a
time ("missions for me" over every published mission).

`rank_needs(volunteer, needs)` profiles every need's text on each call: about half a
millisecond a need, five seconds for 10,000. `build_need_index(needs)` keeps each need's
profile (what it asks, area by area) as one row of a matrix, with its dates, hours,
languages, place and lexical keys, so that `NeedRanker(volunteer).best(...)` checks the
hard constraints and scores every need with array operations, then explains the few shown.

The result is exactly `rank_needs`' (same needs, order, scores, reasons and gaps): the
vectorised score only selects the candidates, each of which is then scored by the very
code `rank_needs` runs (see `NeedRanker.best` for why no need that belongs in the top can
be missed). The tests compare both on every volunteer of the samples.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .index import build_index
from .lexicon import load
from .model import Need, Volunteer
from .profiles import NeedProfile, need_profile
from .ranking import LEXICAL_WEIGHT, SECONDARY_WEIGHT, Ranked, combine, explain
from .text import NEGATIONS, lexical_key

_EPOCH = dt.date(2000, 1, 1)
# The vectorised score and the exact one differ only by the order in which float32 sums
# are added: a few units of 1e-5 at worst (76 areas, values and weights at most 1). Every
# need within this margin of the cut is scored exactly.
MARGIN = 1e-3
_ENGINE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """A digest of the engine's code and lexicon: profiles made by another version are
    not reused."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted([*_ENGINE.glob("*.py"), *_ENGINE.glob("data/*.toml")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _digest(need: Need) -> bytes:
    return hashlib.blake2b(repr(need).encode(), digest_size=16).digest()


def _day(date: dt.date) -> int:
    return (date - _EPOCH).days


@dataclass(slots=True)
class NeedIndex:
    needs: list[Need]  # without their description: `profiles` keeps what it asks
    profiles: list[NeedProfile]  # without their words: `key_ids` keeps their lexical keys
    digests: list[bytes]  # of each need as given, to reuse its profile when unchanged
    fingerprint: str  # engine_fingerprint() of the code that made the profiles
    position: dict[str, int]  # need id -> row
    area_ids: list[str]
    demand: np.ndarray  # float32 (needs, areas): what each need asks of each area
    start: np.ndarray  # int32 days since 2000
    end: np.ndarray
    hours: np.ndarray  # float64 hours per week
    remote: np.ndarray  # bool
    country_code: dict[str, int]
    country: np.ndarray  # int32
    language_column: dict[str, int]
    speaks: np.ndarray  # bool (needs, languages)
    vocabulary: dict[str, int]  # lexical key -> id, ids in insertion order
    key_ptr: np.ndarray  # int64 (needs + 1): need i's keys are key_ids[key_ptr[i]:key_ptr[i+1]]
    key_ids: np.ndarray  # int32
    key_needs_ptr: np.ndarray  # int64 (keys + 1): the needs with key k are at
    key_needs: np.ndarray  # int32, key_needs[key_needs_ptr[k]:key_needs_ptr[k+1]]

    def __len__(self) -> int:
        return len(self.needs)

    def keys(self, row: int, names: list[str]) -> list[str]:
        """The lexical keys of need `row` (`names`: `list(self.vocabulary)`)."""
        return [names[k] for k in self.key_ids[self.key_ptr[row] : self.key_ptr[row + 1]].tolist()]


def _profiled(need: Need) -> tuple[NeedProfile, list[str]]:
    """What `need` asks (its profile without the words) and the lexical keys of its words,
    as `LexicalIndex` counts them (negations left out)."""
    full = need_profile(need)
    keys = sorted({lexical_key(t) for t in full.words if t.folded not in NEGATIONS})
    return NeedProfile(full.weights, full.demand, full.via, full.language), keys


def build_need_index(needs: Iterable[Need], previous: NeedIndex | None = None) -> NeedIndex:
    """Profile every need (or take its profile from `previous` when the need is unchanged
    and the engine the same) and lay them out for vectorised ranking."""
    fingerprint = engine_fingerprint()
    known: dict[bytes, int] = {}
    names: list[str] = []
    if previous is not None and previous.fingerprint == fingerprint:
        known = {d: row for row, d in enumerate(previous.digests)}
        names = list(previous.vocabulary)
    shells, profiles, digests, key_lists = [], [], [], []
    position: dict[str, int] = {}
    for row, need in enumerate(needs):
        if need.id in position:
            raise ValueError(f"need id {need.id!r} appears twice")
        position[need.id] = row
        digest = _digest(need)
        old = known.get(digest)
        if old is not None and previous is not None:
            profile, keys = previous.profiles[old], previous.keys(old, names)
        else:
            profile, keys = _profiled(need)
        shells.append(dataclasses.replace(need, description=""))
        profiles.append(profile)
        digests.append(digest)
        key_lists.append(keys)
    return _lay_out(shells, profiles, digests, key_lists, position, fingerprint)


def _lay_out(
    needs: list[Need], profiles: list[NeedProfile], digests: list[bytes],
    key_lists: list[list[str]], position: dict[str, int], fingerprint: str,
) -> NeedIndex:  # fmt: skip
    area_ids = sorted(load().areas)
    area_column = {a: i for i, a in enumerate(area_ids)}
    demand = np.zeros((len(needs), len(area_ids)), dtype=np.float32)
    for row, profile in enumerate(profiles):
        for area, weight in profile.demand.items():
            demand[row, area_column[area]] = weight
    languages = sorted({code for n in needs for code in n.languages})
    language_column = {code: i for i, code in enumerate(languages)}
    speaks = np.zeros((len(needs), len(languages)), dtype=bool)
    for row, need in enumerate(needs):
        speaks[row, [language_column[c] for c in need.languages]] = True
    country_code: dict[str, int] = {}
    country = [
        country_code.setdefault(n.location.country.upper(), len(country_code)) for n in needs
    ]
    vocabulary: dict[str, int] = {}
    key_ids = np.array(
        [vocabulary.setdefault(k, len(vocabulary)) for keys in key_lists for k in keys],
        dtype=np.int32,
    )
    key_ptr = np.concatenate([[0], np.cumsum([len(k) for k in key_lists])]).astype(np.int64)
    # The same pairs by key: the needs sharing a word with a volunteer, from their words.
    owners = np.repeat(np.arange(len(needs), dtype=np.int32), np.diff(key_ptr))
    by_key = np.argsort(key_ids, kind="stable")
    counts = np.bincount(key_ids, minlength=len(vocabulary))
    return NeedIndex(
        needs=needs,
        profiles=profiles,
        digests=digests,
        fingerprint=fingerprint,
        position=position,
        area_ids=area_ids,
        demand=demand,
        start=np.array([_day(n.start) for n in needs], dtype=np.int32),
        end=np.array([_day(n.end) for n in needs], dtype=np.int32),
        hours=np.array([n.hours_per_week for n in needs], dtype=np.float64),
        remote=np.array([n.remote for n in needs], dtype=bool),
        country_code=country_code,
        country=np.array(country, dtype=np.int32),
        language_column=language_column,
        speaks=speaks,
        vocabulary=vocabulary,
        key_ptr=key_ptr,
        key_ids=key_ids,
        key_needs_ptr=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        key_needs=owners[by_key],
    )


@dataclass(frozen=True, slots=True)
class Hit:
    """A need ranked for the volunteer: where it is, and its score (as `rank_needs`')."""

    id: str
    score: float
    index: NeedIndex
    row: int


class NeedRanker:
    """One volunteer against indexes of needs: `best()` ranks, `explain()` says why."""

    def __init__(self, volunteer: Volunteer) -> None:
        self.volunteer = volunteer
        # The same one-volunteer index `rank_needs` scores with: the exact scores and the
        # reasons come from it.
        self.own = build_index([volunteer])
        self.values = self.own.values_by_area[:, 0]
        self.areas = np.flatnonzero(self.values)
        self.words = set(self.own.lexical.vocabulary)
        self._exact: dict[tuple[object, ...], float] = {}

    def eligible(self, index: NeedIndex) -> np.ndarray:
        """The needs whose hard constraints this volunteer meets (`index.eligible`, the
        other way round: the volunteer's windows against every need's period)."""
        person, n = self.volunteer, len(index)
        available = np.zeros(n, dtype=bool)
        half = 0.5 * (index.end - index.start)
        for window in person.available:
            start, end = _day(window.start), _day(window.end)
            overlap = np.minimum(index.end, end) - np.maximum(index.start, start)
            available |= (overlap >= half) & (window.hours_per_week >= index.hours)
        columns = [index.language_column[c] for c in person.languages if c in index.language_column]
        shares = index.speaks[:, columns].any(axis=1) if columns else np.zeros(n, dtype=bool)
        here = index.country == index.country_code.get(person.location.country, -1)
        return available & shares & (index.remote | here)

    def shares_words(self, index: NeedIndex, rows: np.ndarray) -> np.ndarray:
        """Whether each need at `rows` has a lexical key in the volunteer's profile: the
        lexical part of `rank_needs`' score is then 1 (normalised over one volunteer), else 0."""
        starts, ends = index.key_needs_ptr[:-1], index.key_needs_ptr[1:]
        found = np.zeros(len(index), dtype=bool)
        for key in (index.vocabulary.get(w) for w in self.words):
            if key is not None:
                found[index.key_needs[starts[key] : ends[key]]] = True
        return found[rows]

    def _approximate(self, index: NeedIndex, rows: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        block = index.demand[np.ix_(rows, self.areas)] * self.values[self.areas]
        primary = block.max(axis=1, initial=0.0)
        secondary = np.minimum(block.sum(axis=1) - primary, 1.0)
        return primary + SECONDARY_WEIGHT * secondary + LEXICAL_WEIGHT * lexical

    def exact(self, index: NeedIndex, row: int, shares: bool) -> float:
        """`rank_needs`' score: `combine` on the one-volunteer index, as `scores` calls it.
        Needs asking the same areas in the same order score the same: computed once."""
        profile = index.profiles[row]
        key = (tuple(profile.demand.items()), shares)
        if key not in self._exact:
            lexical = np.full(1, 1.0 if shares else 0.0, dtype=np.float32)
            value = combine(profile, self.own, np.zeros(1, dtype=np.int64), lexical)
            self._exact[key] = float(value[0])
        return self._exact[key]

    def best(
        self, sources: Sequence[tuple[NeedIndex, np.ndarray | None]], top: int = 10,
        min_score: float = 0.15,
    ) -> list[Hit]:  # fmt: skip
        """The `top` needs of `sources` (each an index and a mask of the rows allowed, None
        for all) this volunteer is eligible for, scoring at least `min_score`, best first,
        ties by id: `rank_needs`' order.

        Why no need is missed: the approximate score `a` and the exact one `s` differ by
        less than MARGIN / 4. Let T be the top-th best approximate score. A need left out
        has `a < max(T, min_score) - MARGIN`: either `s < min_score`, or at least `top`
        needs score above it by more than MARGIN / 2 (far beyond the rounding to six
        decimals that the order uses), so it could not be among the `top`.
        """
        if top <= 0:
            return []
        found: list[tuple[NeedIndex, np.ndarray, np.ndarray, np.ndarray]] = []
        for index, allowed in sources:
            mask = self.eligible(index)
            if allowed is not None:
                mask &= allowed
            rows = np.flatnonzero(mask)
            shares = self.shares_words(index, rows)
            found.append((index, rows, shares, self._approximate(index, rows, shares)))
        every = np.concatenate([f[3] for f in found]) if found else np.zeros(0, dtype=np.float32)
        cut = float(min_score)
        if len(every) >= top:
            cut = max(cut, float(np.partition(every, len(every) - top)[len(every) - top]))
        hits = []
        for index, rows, shares, approximate in found:
            for j in np.flatnonzero(approximate >= cut - MARGIN).tolist():
                score = self.exact(index, int(rows[j]), bool(shares[j]))
                if score >= min_score:
                    hits.append(Hit(index.needs[rows[j]].id, score, index, int(rows[j])))
        hits.sort(key=lambda h: (-round(h.score, 6), h.id))
        return hits[:top]

    def explain(self, hit: Hit, language: str | None = None) -> Ranked:
        """The reasons and gaps `rank_needs` gives for this need."""
        need, profile = hit.index.needs[hit.row], hit.index.profiles[hit.row]
        r = explain(need, self.own, 0, hit.score, language, profile=profile)
        return Ranked(need.id, r.score, r.reasons, r.gaps, r.areas, r.fit)


def rank_needs_indexed(
    volunteer: Volunteer, index: NeedIndex, top: int = 10, min_score: float = 0.15,
    language: str | None = None,
) -> list[Ranked]:  # fmt: skip
    """`rank_needs(volunteer, needs, ...)` over an index of the needs: the same result."""
    ranker = NeedRanker(volunteer)
    return [ranker.explain(h, language) for h in ranker.best([(index, None)], top, min_score)]
