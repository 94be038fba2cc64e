"""The impact pages' figures, cached in the shared cache; nobody waits for a recomputation
when figures exist.

What is cached: the coordinators' dashboard (figures and charts) per set of filters, the
public impact page (figures, map, testimonials) and the filter choices, each per language
(labels, country and domain names are translated). Not the exports nor the annual report:
they compute fresh, from the same figures API.

Nothing here depends on who asks: the dashboard is the same for every coordinator (the
access check runs in the view, before) and the public page for everyone. Each entry is kept
under a stable key with the data version it was computed at (:mod:`.freshness`) and is
*current* while that version is and it is younger than ``SOSCIENCE_IMPACT_CACHE_SECONDS``
(the safety net for a write that bypassed both signals and services, a manual SQL fix).

A reader finding its entry:
- current: gets it;
- stale (a committed change since, or too old): gets it all the same, dated ("Figures as of
  14:05", marked as being recomputed), and the first such reader queues ONE background task
  (:func:`soscience.impact.tasks.refresh_figures`) that recomputes and replaces it; a mark in
  the shared cache (``cache.add``) keeps the others from queueing a second one;
- missing (the first load of a set of filters, or an entry expired or culled): computes it
  in the request, since there is nothing to show meanwhile.

After each bump of the version, one task (debounced by another mark: a burst of changes
queues one) refreshes the entries most read, the default dashboard, its filter choices and the
public page, in each language they were read in (:func:`warm`): their next reader finds them
current. Entries are overwritten, not orphaned: the shared cache's size does not grow with
the number of changes.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from soscience.impact import figures, pages
from soscience.impact.freshness import VERSION_KEY, changed_in_this_transaction, current_version

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 3600
# How long an entry of a filtered dashboard is kept after it was computed: a set of filters
# nobody reads again leaves the cache (the entries warmed after every change never do).
KEEP_SECONDS = 7 * 24 * 3600
# How long the mark of a queued or running recomputation keeps other readers from queueing
# another one: a worker that died (or a queue that is hours late) is retried after this.
COMPUTING_SECONDS = 120
# The debounce of the warm-up after a change: while one is queued, changes queue no other.
WARM_MARK = "impact:warm-queued"
WARM_SECONDS = 300


@dataclass(frozen=True)
class Entry:
    """What the cache holds: the version the value was computed at, and when."""

    version: str
    computed_at: dt.datetime
    value: Any


@dataclass(frozen=True)
class Cached[T]:
    value: T
    computed_at: dt.datetime  # when the figures were read from the database
    from_cache: bool
    stale: bool = False  # older than the data: newer figures are being computed


def _seconds() -> int:
    return getattr(settings, "SOSCIENCE_IMPACT_CACHE_SECONDS", DEFAULT_SECONDS)


def _language() -> str:
    # Keys carry the language (labels are translated); only a known code, nothing typed.
    language = translation.get_language() or settings.LANGUAGE_CODE
    return re.sub(r"[^a-z-]", "", language.lower())[:10]


def _key(name: str) -> str:
    return f"impact:{name}:{_language()}"


def _mark(key: str) -> str:
    return f"{key}:computing"


# --- what each entry is ------------------------------------------------------------------


def _filters_key(filters: figures.Filters) -> str:
    # Slugs and a country code, validated by the form: safe in a cache key, and without ':'.
    parts = (filters.year, filters.campus, filters.domain, filters.country)
    return ":".join("" if part is None else str(part) for part in parts)


def _filters_from(key: str) -> figures.Filters:
    year, campus, domain, country = key.split(":")
    return figures.Filters(
        year=int(year) if year else None,
        campus=campus or None,
        domain=domain or None,
        country=country or None,
    )


DEFAULT_DASHBOARD = f"dashboard:{_filters_key(figures.Filters())}"
# Refreshed after every change, in each language they were read in: the pages most read.
WARMED = (DEFAULT_DASHBOARD, "choices", "public")


def _computation(name: str) -> Callable[[], Any]:
    """What computes the entry called ``name`` (a name is what a task is given)."""
    if name == "public":
        return pages.public_page
    if name == "choices":
        return pages.filter_choices
    kind, _sep, filters = name.partition(":")
    if kind != "dashboard":
        raise ValueError(f"no impact figures called {name!r}")
    parsed = _filters_from(filters)
    return lambda: pages.dashboard_page(parsed)


# --- reading -----------------------------------------------------------------------------


def _current(entry: Entry, version: str) -> bool:
    age = timezone.now() - entry.computed_at
    return entry.version == version and age < dt.timedelta(seconds=_seconds())


def cached(name: str) -> Cached[Any]:
    """The entry ``name``: from the cache whenever it holds one (see the module's
    docstring), computed here only when it holds none. One cache read (the version and the
    entry together); a stale entry adds a mark and a task, a missing one a write."""
    compute = _computation(name)
    if changed_in_this_transaction():  # read your own writes; keep them out of the cache
        return Cached(compute(), timezone.now(), from_cache=False)
    key = _key(name)
    found = cache.get_many([VERSION_KEY, key])
    version = current_version(found.get(VERSION_KEY))
    entry = found.get(key)
    if not isinstance(entry, Entry):
        return _compute(name, key, version, compute)
    if _current(entry, version):
        return Cached(entry.value, entry.computed_at, from_cache=True)
    _refresh_later(name, key, version)
    return Cached(entry.value, entry.computed_at, from_cache=True, stale=True)


def _refresh_later(name: str, key: str, version: str) -> None:
    """Queue the recomputation of a stale entry, unless one is queued or running."""
    if not cache.add(_mark(key), version, COMPUTING_SECONDS):
        return
    from soscience.impact import tasks  # the tasks module imports this one

    try:
        tasks.refresh_figures.enqueue(name, _language())
    except Exception:  # a queue that is down must not take the page with it
        cache.delete(_mark(key))
        logger.exception("could not queue the recomputation of the impact figures %s", name)


def _compute[T](name: str, key: str, version: str, compute: Callable[[], T]) -> Cached[T]:
    # The version was read before computing: a change committed meanwhile bumps it, so what
    # is stored here is never taken for newer than it is.
    computed_at = timezone.now()
    value = compute()
    timeout = None if name in WARMED else KEEP_SECONDS
    cache.set(key, Entry(version, computed_at, value), timeout)
    return Cached(value, computed_at, from_cache=False)


# --- recomputing in the background (run by the worker: soscience/impact/tasks.py) ---------


def refresh(name: str, language: str, *, only_cached: bool = False) -> bool:
    """Recompute the entry ``name`` in ``language`` unless it is current (a task queued
    twice, or a reader that filled it meanwhile, costs nothing). ``only_cached``: leave it
    missing if nobody read it. Returns whether it computed. Takes the mark away at the end."""
    with translation.override(language):
        key = _key(name)
        try:
            found = cache.get_many([VERSION_KEY, key])
            version = current_version(found.get(VERSION_KEY))
            entry = found.get(key)
            if isinstance(entry, Entry) and _current(entry, version):
                return False
            if only_cached and not isinstance(entry, Entry):
                return False
            _compute(name, key, version, _computation(name))
            return True
        finally:
            cache.delete(_mark(key))


def warm() -> list[str]:
    """Refresh the stale entries among the most read ones (``WARMED``), in each language
    they were read in; one being recomputed by a reader's task is left to it. Returns the
    entries recomputed, as ``name:language``."""
    cache.delete(WARM_MARK)  # a change from now on queues the next warm-up
    done = []
    for language, _label in settings.LANGUAGES:
        for name in WARMED:
            with translation.override(language):
                mark = _mark(_key(name))
            if not cache.add(mark, "warm", COMPUTING_SECONDS):
                continue
            if refresh(name, language, only_cached=True):
                done.append(f"{name}:{language}")
    return done


def warm_later() -> None:
    """After a change: queue the warm-up, unless one is already queued (debounced)."""
    if not cache.add(WARM_MARK, "queued", WARM_SECONDS):
        return
    from soscience.impact import tasks

    try:
        tasks.warm_figures.enqueue()
    except Exception:  # the change is committed: a queue that is down must not fail it
        cache.delete(WARM_MARK)
        logger.exception("could not queue the warm-up of the impact figures")


# --- the pages' entries ------------------------------------------------------------------


def dashboard(filters: figures.Filters) -> Cached[pages.DashboardPage]:
    return cached(f"dashboard:{_filters_key(filters)}")


def public() -> Cached[pages.PublicPage]:
    return cached("public")


def filter_choices() -> pages.FilterChoices:
    return cached("choices").value
