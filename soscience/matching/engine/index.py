"""The precomputed side of matching: one row per volunteer of area values, availability
windows, languages and country as numpy arrays, and the lexical index. Ranking a mission
then filters the hard constraints and scores the remaining volunteers with array operations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .lexical import LexicalIndex
from .lexicon import load
from .model import Need, Volunteer, Window
from .profiles import VolunteerProfile, volunteer_profile

_EPOCH = dt.date(2000, 1, 1)


def _day(date: dt.date) -> int:
    return (date - _EPOCH).days


@dataclass(slots=True)
class Index:
    volunteers: list[Volunteer]
    position: dict[str, int]  # volunteer id -> row
    area_ids: list[str]
    area_column: dict[str, int]
    values_by_area: np.ndarray  # float32 (areas, volunteers): a row per area, fast to slice
    window_owner: np.ndarray  # int32, one entry per availability window
    window_start: np.ndarray
    window_end: np.ndarray
    window_hours: np.ndarray
    language_column: dict[str, int]
    speaks: np.ndarray  # bool (volunteers, languages)
    country_code: dict[str, int]
    country: np.ndarray  # int32 (volunteers,)
    researcher: np.ndarray  # bool (volunteers,)
    lexical: LexicalIndex

    def __len__(self) -> int:
        return len(self.volunteers)

    def profile(self, row: int) -> VolunteerProfile:
        """The full profile of one volunteer (recomputed from cached sentences: reasons
        are needed for a page of results, not for the whole pool). Read only: shared."""
        return _profile(self.volunteers[row])


# The people a page explains are often the same from one page to the next (the best of an
# area, the volunteer reading "missions for me"): their profiles are kept, by value.
_profile = lru_cache(maxsize=4096)(volunteer_profile)


def build_index(volunteers: Iterable[Volunteer]) -> Index:
    """Profile every volunteer once and lay the result out for vectorised ranking."""
    people = list(volunteers)
    position: dict[str, int] = {}
    for row, person in enumerate(people):
        if person.id in position:
            raise ValueError(f"volunteer id {person.id!r} appears twice in the pool")
        position[person.id] = row
    lexicon = load()
    area_ids = sorted(lexicon.areas)
    area_column = {a: i for i, a in enumerate(area_ids)}
    values = np.zeros((len(area_ids), len(people)), dtype=np.float32)
    documents = []
    for row, person in enumerate(people):
        profile = volunteer_profile(person)
        for area, evidence in profile.areas.items():
            values[area_column[area], row] = evidence.value
        documents.append(profile.words)
    owners, starts, ends, hours = _windows(people)
    languages = sorted({code for p in people for code in p.languages})
    language_column = {code: i for i, code in enumerate(languages)}
    speaks = np.zeros((len(people), len(languages)), dtype=bool)
    for row, person in enumerate(people):
        speaks[row, [language_column[c] for c in person.languages]] = True
    country_code: dict[str, int] = {}
    country = np.array(
        [country_code.setdefault(p.location.country, len(country_code)) for p in people],
        dtype=np.int32,
    )
    return Index(
        volunteers=people,
        position=position,
        area_ids=area_ids,
        area_column=area_column,
        values_by_area=values,
        window_owner=owners,
        window_start=starts,
        window_end=ends,
        window_hours=hours,
        language_column=language_column,
        speaks=speaks,
        country_code=country_code,
        country=country,
        researcher=np.array([p.kind == "researcher" for p in people], dtype=bool),
        lexical=LexicalIndex(documents),
    )


def _windows(people: Sequence[Volunteer]) -> tuple[np.ndarray, ...]:
    owners, starts, ends, hours = [], [], [], []
    for row, person in enumerate(people):
        for w in person.available:
            owners.append(row)
            starts.append(_day(w.start))
            ends.append(_day(w.end))
            hours.append(w.hours_per_week)
    return (
        np.array(owners, dtype=np.int32),
        np.array(starts, dtype=np.int32),
        np.array(ends, dtype=np.int32),
        np.array(hours, dtype=np.float64),
    )


# ---------------------------------------------------------------------------- constraints
def window_fits(window: Window, need: Need) -> bool:
    """The README's rule: the window overlaps at least half of the need's period (in days)
    and offers at least the hours per week the need asks."""
    duration = (need.end - need.start).days
    overlap = (min(need.end, window.end) - max(need.start, window.start)).days
    return overlap >= 0.5 * duration and window.hours_per_week >= need.hours_per_week


def violations(volunteer: Volunteer, need: Need) -> list[str]:
    """Which hard constraints one volunteer breaks: "availability", "language", "location"."""
    out = []
    if not any(window_fits(w, need) for w in volunteer.available):
        out.append("availability")
    if not set(volunteer.languages) & set(need.languages):
        out.append("language")
    if not need.remote and volunteer.location.country != need.location.country.upper():
        out.append("location")
    return out


def eligible(need: Need, index: Index) -> np.ndarray:
    """Boolean mask of the volunteers who meet the three hard constraints (vectorised form
    of `violations`, which the tests compare it with)."""
    n = len(index)
    start, end = _day(need.start), _day(need.end)
    overlap = np.minimum(end, index.window_end) - np.maximum(start, index.window_start)
    fits = (overlap >= 0.5 * (end - start)) & (index.window_hours >= need.hours_per_week)
    available = np.zeros(n, dtype=bool)
    available[index.window_owner[fits]] = True
    columns = [index.language_column[c] for c in need.languages if c in index.language_column]
    shares = index.speaks[:, columns].any(axis=1) if columns else np.zeros(n, dtype=bool)
    mask = available & shares
    if not need.remote:
        code = index.country_code.get(need.location.country.upper(), -1)
        mask &= index.country == code
    return mask
