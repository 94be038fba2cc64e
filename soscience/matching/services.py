"""The index of matchable volunteers: built by the worker, read by every web process.

A profile change marks the index dirty and queues ``matching_index_rebuild``; the task
rebuilds only while the index is dirty, so a burst of saves costs one rebuild. The build
reads the database in a fixed number of queries, pickles the engine's index under
``settings.MATCHING_INDEX_DIR`` with a new file name, and records it in
``MatchingIndexState``. A web process keeps the index it loaded, keyed by that file name,
and reloads only when the row names another file.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle  # nosec B403  # only reads index files our own worker wrote (see _read)
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from soscience.matching import engine
from soscience.matching.adapters import matchable, volunteers_where
from soscience.matching.models import MatchingIndexState
from soscience.volunteers.models import VolunteerProfile

logger = logging.getLogger(__name__)

# Below this many matchable profiles a page may build a missing index itself (about a
# second); above, it asks the worker and says the suggestions are being prepared.
SMALL_POOL = 5000
# Saves closer together than this are folded into one rebuild (when the task backend can
# defer a task; the immediate backend of the tests runs it at once).
REBUILD_DELAY = dt.timedelta(seconds=5)
FILE_PREFIX = "index-"

_lock = threading.Lock()
_loaded: dict[str, engine.Index] = {}  # file name -> index; one entry, the latest


@dataclass(frozen=True)
class Built:
    """What a rebuild did: ``skipped`` when the index was already up to date."""

    version: int
    volunteers: int
    seconds: float = 0.0
    skipped: bool = False


def _directory() -> Path:
    return Path(settings.MATCHING_INDEX_DIR)


def _exists(name: str) -> bool:
    return bool(name) and (_directory() / name).is_file()


def _write(index: engine.Index) -> str:
    """Pickle ``index`` under a new name (written aside, then renamed: a reader never sees
    half a file)."""
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{FILE_PREFIX}{uuid.uuid4().hex}.pickle"
    partial_path = directory / f".{name}.tmp"
    with partial_path.open("wb") as out:
        pickle.dump(index, out, protocol=pickle.HIGHEST_PROTOCOL)
    partial_path.replace(directory / name)
    return name


def _read(name: str) -> engine.Index | None:
    try:
        with (_directory() / name).open("rb") as source:
            # Our own worker wrote this file, in a directory only the platform writes to.
            index = pickle.load(source)  # noqa: S301  # nosec B301  # our own worker's file
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        logger.warning("Matching index %s could not be read; it will be rebuilt.", name)
        return None
    return index if isinstance(index, engine.Index) else None


def _remember(name: str, index: engine.Index) -> None:
    with _lock:
        _loaded.clear()
        _loaded[name] = index


def _prune(keep: set[str]) -> None:
    """Remove older index files; the previous one stays for readers that just read the
    state row before the new build was recorded."""
    for path in _directory().glob(f"{FILE_PREFIX}*.pickle"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def index_build() -> engine.Index:
    """The engine's index of every matchable volunteer (reads only)."""
    return engine.build_index(volunteers_where(matchable()))


def index_rebuild(*, force: bool = False) -> Built:
    """Rebuild the index if profiles changed since the last build (or always, ``force``).

    The database is read outside any transaction (a long build holds no lock); only the
    state row is locked, briefly, to record the result. ``built_at`` is the moment the
    build started reading, so a profile saved during the build keeps the index dirty.
    """
    state = MatchingIndexState.load()
    if not force and not state.is_dirty and _exists(state.file):
        return Built(state.version, state.volunteers, skipped=True)
    started, clock = timezone.now(), time.perf_counter()
    index = index_build()
    name = _write(index)
    seconds = time.perf_counter() - clock
    with transaction.atomic():
        state, _created = MatchingIndexState.objects.select_for_update().get_or_create(pk=1)
        if state.built_at and state.built_at >= started and _exists(state.file):
            # A build that started after this one was recorded first: it is fresher.
            (_directory() / name).unlink(missing_ok=True)
            return Built(state.version, state.volunteers, skipped=True)
        previous = state.file
        state.version += 1
        state.file, state.built_at, state.build_seconds = name, started, seconds
        state.volunteers = len(index)
        state.save()
    _prune(keep={name, previous})
    # Not kept in this process: the worker would hold a second large index between builds;
    # a web process loads it from the file on its next page.
    logger.info("Matching index v%d: %d volunteers in %.1f s.", state.version, len(index), seconds)
    return Built(state.version, len(index), seconds)


def index_current() -> tuple[MatchingIndexState, engine.Index | None]:
    """The state row and the index it names, loaded once per process and file (one query
    when this process already holds it)."""
    state = MatchingIndexState.load()
    if not state.file:
        return state, None
    with _lock:
        held = _loaded.get(state.file)
    if held is not None:
        return state, held
    index = _read(state.file)
    if index is not None:
        _remember(state.file, index)
    return state, index


@dataclass(frozen=True)
class Pool:
    """The index a page ranks with, or None while the worker prepares it."""

    index: engine.Index | None
    state: MatchingIndexState

    @property
    def preparing(self) -> bool:
        return self.index is None

    @property
    def updating(self) -> bool:
        """Profiles changed since this index was built; a newer one is on its way."""
        return self.index is not None and self.state.is_dirty


def pool_for_pages() -> Pool:
    """The current index; when there is none yet, built here for a small pool, otherwise
    asked of the worker (the page then says to come back in a minute)."""
    state, index = index_current()
    if index is not None:
        return Pool(index, state)
    if VolunteerProfile.objects.filter(matchable()).count() < SMALL_POOL:
        index_rebuild(force=True)
        state, index = index_current()
        return Pool(index, state)
    index_mark_dirty()
    return Pool(None, state)


# Keeping the index up to date.


_pending_until: dt.datetime | None = None  # when the rebuild this process queued will run


def _enqueue_rebuild() -> None:
    """Queue the rebuild. With a backend that can defer, it runs REBUILD_DELAY later and
    a change saved before then needs no task of its own (a merge of skills touching a
    thousand profiles queues one task, not a thousand)."""
    # Imported here: the task module imports this one.
    from soscience.matching.tasks import matching_index_rebuild

    global _pending_until
    task = matching_index_rebuild
    if task.get_backend().supports_defer:
        now = timezone.now()
        with _lock:
            if _pending_until is not None and now < _pending_until:
                return
            _pending_until = now + REBUILD_DELAY
        task = task.using(run_after=_pending_until)
    task.enqueue()


@transaction.atomic
def index_mark_dirty() -> None:
    """Say the index no longer reflects the profiles, and queue its rebuild (on commit).

    Every change queues a task; the task does nothing when an earlier one already rebuilt
    after this change, so a burst of saves costs one rebuild.
    """
    now = timezone.now()
    if not MatchingIndexState.objects.filter(pk=1).update(dirty_since=now):
        MatchingIndexState.objects.get_or_create(pk=1, defaults={"dirty_since": now})
    transaction.on_commit(_enqueue_rebuild)


def volunteer_changed(profile_id: int) -> None:
    """A volunteer profile was saved (skills, availability, consent...)."""
    index_mark_dirty()


def team_changed(*, volunteer_id: int) -> None:
    """Someone joined or left a team: their busy periods changed."""
    index_mark_dirty()


def index_file_path(state: MatchingIndexState) -> Path | None:
    """Where the current index lives (for the operators' command)."""
    return _directory() / state.file if state.file else None


def index_size_bytes(state: MatchingIndexState) -> int:
    path = index_file_path(state)
    return path.stat().st_size if path and path.is_file() else 0
