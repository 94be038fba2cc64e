"""The impact pages' figures, cached in the shared cache until something they read changes.

What is cached: the coordinators' dashboard (figures and charts) per set of filters, the
public impact page (figures, map, testimonials) and the filter choices, each per language
(labels, country and domain names are translated). Not the exports nor the annual report:
they compute fresh, from the same figures API.

Nothing here depends on who asks: the dashboard is the same for every coordinator (the
access check runs in the view, before) and the public page for everyone. Each entry is kept
under a stable key with the data version it was computed at (:mod:`.freshness`) and is used
only while that version is current: a committed change anywhere the figures read makes every
entry stale at once, and the next load recomputes and replaces it (entries are overwritten,
not orphaned: the shared cache's size does not grow with the number of changes); readers
arriving while it recomputes get the previous figures, with their time. The TTL is a safety
net for a write that bypassed both signals and services (a manual SQL fix).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from soscience.impact import figures, pages
from soscience.impact.freshness import VERSION_KEY, changed_in_this_transaction, current_version

DEFAULT_SECONDS = 3600
# How long a reader recomputing stale figures keeps the others on the previous ones at most.
COMPUTING_SECONDS = 120


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


def _seconds() -> int:
    return getattr(settings, "SOSCIENCE_IMPACT_CACHE_SECONDS", DEFAULT_SECONDS)


def _language() -> str:
    # Keys carry the language (labels are translated); only a known code, nothing typed.
    language = translation.get_language() or settings.LANGUAGE_CODE
    return re.sub(r"[^a-z-]", "", language.lower())[:10]


def cached[T](key: str, compute: Callable[[], T]) -> Cached[T]:
    """``compute()``'s value, from the cache if it was computed at the current version.
    One cache read (the version and the entry together), a write or two on a miss."""
    if changed_in_this_transaction():  # read your own writes; keep them out of the cache
        return Cached(compute(), timezone.now(), from_cache=False)
    key = f"impact:{key}:{_language()}"
    found = cache.get_many([VERSION_KEY, key])
    version = current_version(found.get(VERSION_KEY))
    entry = found.get(key)
    if not isinstance(entry, Entry):
        return _compute(key, version, compute)
    if entry.version == version:
        return Cached(entry.value, entry.computed_at, from_cache=True)
    # Stale. One reader recomputes; those arriving while it does (a busy public page just
    # after a change) get the previous figures, dated, rather than all running the same
    # heavy queries at once. The mark expires if that reader dies.
    if not cache.add(f"{key}:computing", version, COMPUTING_SECONDS):
        return Cached(entry.value, entry.computed_at, from_cache=True)
    try:
        return _compute(key, version, compute)
    finally:
        cache.delete(f"{key}:computing")


def _compute[T](key: str, version: str, compute: Callable[[], T]) -> Cached[T]:
    # The version was read before computing: a change committed meanwhile bumps it, so what
    # is stored here is never taken for newer than it is.
    computed_at = timezone.now()
    value = compute()
    cache.set(key, Entry(version, computed_at, value), _seconds())
    return Cached(value, computed_at, from_cache=False)


def _filters_key(filters: figures.Filters) -> str:
    # Slugs and a country code, validated by the form: safe in a cache key.
    parts = (filters.year, filters.campus, filters.domain, filters.country)
    return ":".join("" if part is None else str(part) for part in parts)


def dashboard(filters: figures.Filters) -> Cached[pages.DashboardPage]:
    return cached(f"dashboard:{_filters_key(filters)}", lambda: pages.dashboard_page(filters))


def public() -> Cached[pages.PublicPage]:
    return cached("public", pages.public_page)


def filter_choices() -> pages.FilterChoices:
    return cached("choices", pages.filter_choices).value
