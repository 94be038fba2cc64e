"""The index of published missions, for "missions for me": built by the worker, read from
disk by every web process.

Ranking the published missions for one volunteer used to profile each mission's text on
every page (10,000 missions: about five seconds). The worker profiles them once
(``engine.needs.build_need_index``) and pickles the result, with what the page filters on
(the campuses each mission is offered to, the date applications close), under
``MATCHING_INDEX_DIR`` with a new file name, recorded in the ``MatchingIndexState`` row
``MISSIONS``. A web process keeps the index it loaded while the row names the same file.

A change to a mission, its skills, domains or campuses, or to the skills' and domains'
names (``soscience.matching.signals``) marks the index dirty once committed and queues
``matching_missions_refresh``. A refresh reads every published mission again (a few
queries whatever their number) but profiles only those whose text changed: the others keep
their profile (same need, same engine). When nothing the page reads changed, no file is
written and no web process reloads.

The page never shows what the index got wrong meanwhile (see ``for_me``): the missions
published since the build are read and ranked live, and every mission shown is checked
live (still published, still offered to this volunteer, still taking applications).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import pickle  # nosec B403  # only reads the index file our own worker wrote (see _read)
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from soscience.matching.adapters import needs_where
from soscience.matching.engine import Need
from soscience.matching.engine.needs import NeedIndex, build_need_index, engine_fingerprint
from soscience.matching.models import MatchingIndexState
from soscience.missions.models import Mission

logger = logging.getLogger(__name__)

FILE_PREFIX = "missions-"
STATE = MatchingIndexState.MISSIONS
REFRESH_DELAY = dt.timedelta(seconds=5)  # changes closer together: one refresh
# A mission whose publication was saved up to this long before a build started may have
# been committed after the build read the database: the page reads such missions live.
FRESH_MARGIN = dt.timedelta(minutes=2)
_EPOCH = dt.date(2000, 1, 1)
NEVER_DATE = dt.date.max  # applications never close
FORMAT = 2  # of MissionIndex: a file of another format is rebuilt, not misread


def day(date: dt.date) -> int:
    return (date - _EPOCH).days


@dataclass
class MissionIndex:
    """The published missions as the engine reads them, one row each (``needs``), and what
    the page filters them on."""

    needs: NeedIndex
    built_at: dt.datetime  # when the build started reading the database
    # (mission id, published at) of the rows published within FRESH_MARGIN of the build:
    # the page's live read of new publications leaves these out.
    recent: list[tuple[int, dt.datetime]]
    everywhere: np.ndarray  # bool per row: no campus chosen, offered to every campus
    campuses: dict[int, np.ndarray]  # campus id -> the rows offered to it (besides)
    closes: np.ndarray  # int32 per row: the day applications close (date.max: never)
    content: bytes  # digest of all the above but built_at: "did anything change?"
    format: int = FORMAT

    def __len__(self) -> int:
        return len(self.needs)

    def mission_ids(self) -> list[int]:
        return [int(n.id) for n in self.needs.needs]

    def offered(self, campus_id: int | None, invited: Iterable[int], today: dt.date) -> np.ndarray:
        """Rows offered to a volunteer of ``campus_id`` invited to ``invited`` (mission
        ids), still taking applications ``today``: ``missions_offered``' rule."""
        mask = self.everywhere.copy()
        if campus_id is not None and campus_id in self.campuses:
            mask[self.campuses[campus_id]] = True
        for mission_id in invited:
            row = self.needs.position.get(str(mission_id))
            if row is not None:
                mask[row] = True
        return mask & (self.closes >= day(today))


# Building.


def _published() -> list[tuple[Need, dict[str, Any]]]:
    """Every published mission as the engine reads it, with the date its publication was
    saved and the date applications close (three queries)."""
    return needs_where(Q(status=Mission.Status.OPEN), "published_at", "applications_close_on")


def _campuses() -> dict[int, tuple[int, ...]]:
    """Mission id -> the campuses a published mission is offered to (one query)."""
    found: dict[int, list[int]] = {}
    links = (
        Mission.campuses.through.objects.filter(mission__status=Mission.Status.OPEN)
        .order_by("mission_id", "campus_id")
        .values_list("mission_id", "campus_id")
    )
    for mission_id, campus_id in links.iterator(chunk_size=5000):
        found.setdefault(mission_id, []).append(campus_id)
    return {mission_id: tuple(ids) for mission_id, ids in found.items()}


def _content(needs: NeedIndex, published: list, campuses: list, closes: list) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(needs.fingerprint.encode())
    for part in (needs.digests, published, campuses, closes):
        digest.update(repr(part).encode())
    return digest.digest()


def missions_index_build(previous: MissionIndex | None = None) -> MissionIndex:
    """The index of the published missions (reads only), taking the profiles of unchanged
    missions from ``previous``."""
    started = timezone.now()
    missions = _published()
    campuses = _campuses()
    kept = previous.needs if previous else None
    needs = build_need_index((need for need, _row in missions), kept)
    offered_to = [campuses.get(row["pk"], ()) for _need, row in missions]
    rows_of: dict[int, list[int]] = {}
    for row, campus_ids in enumerate(offered_to):
        for campus_id in campus_ids:
            rows_of.setdefault(campus_id, []).append(row)
    closes = [day(row["applications_close_on"] or NEVER_DATE) for _need, row in missions]
    published = [row["published_at"] for _need, row in missions]
    since = started - FRESH_MARGIN
    recent = [(row["pk"], at) for _need, row in missions if (at := row["published_at"])]
    return MissionIndex(
        needs=needs,
        built_at=started,
        recent=[(pk, at) for pk, at in recent if at >= since],
        everywhere=np.array([not ids for ids in offered_to], dtype=bool),
        campuses={c: np.array(rows, dtype=np.int64) for c, rows in rows_of.items()},
        closes=np.array(closes, dtype=np.int32),
        content=_content(needs, published, offered_to, closes),
    )


# The file.

_lock = threading.Lock()
# The file this process read and what it held (None: unreadable); one entry, the latest.
_held: tuple[str, MissionIndex | None] | None = None


def _directory() -> Path:
    return Path(settings.MATCHING_INDEX_DIR)


def _write(index: MissionIndex) -> str:
    """Pickle ``index`` under a new name (written aside, then renamed: a reader never sees
    half a file)."""
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{FILE_PREFIX}{uuid.uuid4().hex}.pickle"
    aside = directory / f".{name}.tmp"
    with aside.open("wb") as out:
        pickle.dump(index, out, protocol=pickle.HIGHEST_PROTOCOL)
    aside.replace(directory / name)
    return name


def _read(name: str) -> MissionIndex | None:
    try:
        with (_directory() / name).open("rb") as source:
            # Our own worker wrote this file, in a directory only the platform writes to.
            index = pickle.load(source)  # noqa: S301  # nosec B301  # our worker's file
    except Exception:  # missing or damaged, whatever the damage: rebuilt
        logger.warning("Missions index %s could not be read; it will be rebuilt.", name)
        return None
    if not isinstance(index, MissionIndex) or getattr(index, "format", None) != FORMAT:
        return None
    if index.needs.fingerprint != engine_fingerprint():
        return None  # another engine's: its profiles may differ from this one's
    return index


def missions_index_load(name: str) -> MissionIndex | None:
    """The index in file ``name`` (the state row's ``file``), loaded once per process and
    file; None when there is none, or it cannot be read, or another version of the engine
    made it."""
    global _held
    if not name:
        return None
    held = _held
    if held is not None and held[0] == name:
        return held[1]
    with _lock:
        if _held is None or _held[0] != name:
            _held = (name, _read(name))
        return _held[1]


def missions_index_current() -> MissionIndex | None:
    """The index the state row names (one query)."""
    return missions_index_load(MatchingIndexState.load(STATE).file)


def _prune(keep: set[str]) -> None:
    """Remove older index files; the previous one stays for readers that just read the
    state row before the new build was recorded."""
    for path in _directory().glob(f"{FILE_PREFIX}*.pickle"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


# Refreshing.


@dataclass(frozen=True)
class Refreshed:
    """What a refresh did: ``skipped`` when the index was up to date; ``written`` when
    a new file was written (otherwise the published missions were as indexed)."""

    version: int
    missions: int
    seconds: float = 0.0
    skipped: bool = False
    written: bool = False


def missions_index_refresh(*, force: bool = False) -> Refreshed:
    """Bring the index up to date if missions changed since the last build (or always,
    ``force``). The database is read outside any transaction (a long build holds no
    lock); only the state row is locked, briefly, to record the result. When the missions
    are as indexed, the file stays: web processes keep the index they hold."""
    state = MatchingIndexState.load(STATE)
    previous = missions_index_load(state.file)
    if not force and previous is not None and not state.is_dirty:
        return Refreshed(state.version, state.volunteers, skipped=True)
    clock = time.perf_counter()
    index = missions_index_build(previous)
    unchanged = previous is not None and previous.content == index.content
    name = state.file if unchanged else _write(index)
    seconds = time.perf_counter() - clock
    with transaction.atomic():
        state, _created = MatchingIndexState.objects.select_for_update().get_or_create(pk=STATE)
        if state.built_at and state.built_at >= index.built_at and _exists(state.file):
            # A build that started after this one was recorded first: it is fresher.
            if not unchanged:
                (_directory() / name).unlink(missing_ok=True)
            return Refreshed(state.version, state.volunteers, skipped=True)
        previous_file = state.file
        if name != previous_file:
            state.version += 1
        state.file, state.built_at, state.build_seconds = name, index.built_at, seconds
        state.volunteers = len(index)
        state.save()
    _prune(keep={name, previous_file})
    logger.info("Missions index v%d: %d missions in %.1f s.", state.version, len(index), seconds)
    return Refreshed(state.version, len(index), seconds, written=not unchanged)


def _exists(name: str) -> bool:
    return bool(name) and (_directory() / name).is_file()


_pending_until: dt.datetime | None = None  # when the refresh this process queued will run


def _mark_dirty() -> None:
    """Mark the index dirty and queue its refresh. With a backend that can defer, the
    refresh runs REFRESH_DELAY later, and a change committed before then needs neither a
    mark nor a task of its own: the queued refresh reads after it (a burst of changes,
    or every page shown while there is no index yet, costs one refresh)."""
    # Imported here: the task module imports this one.
    from soscience.matching.tasks import matching_missions_refresh

    global _pending_until
    task = matching_missions_refresh
    if task.get_backend().supports_defer:
        now = timezone.now()
        with _lock:
            if _pending_until is not None and now < _pending_until:
                return
            _pending_until = now + REFRESH_DELAY
        task = task.using(run_after=_pending_until)
    now = timezone.now()
    if not MatchingIndexState.objects.filter(pk=STATE).update(dirty_since=now):
        MatchingIndexState.objects.get_or_create(pk=STATE, defaults={"dirty_since": now})
    task.enqueue()


def missions_changed() -> None:
    """Published missions may have changed: once the change is committed (a rolled back
    one changes nothing), mark the index dirty and queue its refresh. After the commit,
    not within it: the user's transaction does not wait on the state row's lock."""
    transaction.on_commit(_mark_dirty)


def index_file_path(state: MatchingIndexState) -> Path | None:
    """Where the current index lives (for the operators' command)."""
    return _directory() / state.file if state.file else None
