"""When visitors' pages change: a data version per group, in the shared cache.

Each cached page is kept with the versions of its groups read before it was rendered, and
used only while they are current. Every committed change to what a group's pages show
replaces its version with a new random token (after the commit: a change rolled back
replaces nothing, and no one renders data about to be committed). The model signals of
:mod:`soscience.core.page_cache_signals` call :func:`pages_changed`; so must any service that
writes the watched tables without signals (``QuerySet.update``, ``bulk_create``, raw SQL).

This module imports no model, so any service may import it.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Collection

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import DEFAULT_DB_ALIAS, transaction

GROUPS = ("catalogue", "teams", "events", "cases")
KEY_PREFIX = "page"
DEFAULT_VERSION_SECONDS = 1.0
# Data derived from a group's tables, kept beside its pages (see derived()).
DERIVED_SECONDS = 24 * 3600


def shared_cache() -> BaseCache:
    # A cache of their own when configured: page entries, many and easily minted, must not
    # evict the default cache's rate-limit counters or the impact figures.
    return caches["pages" if "pages" in settings.CACHES else "default"]


def version_key(group: str) -> str:
    return f"{KEY_PREFIX}:version:{group}"


def new_version() -> str:
    """A fresh token: replacing, not incrementing, needs no atomic counter (the database
    cache has none) and never goes back to a value an old entry was stored at."""
    return secrets.token_hex(8)


class Seen:
    """The versions this process read or wrote last, trusted for a second
    (``SOSCIENCE_PAGE_CACHE_VERSION_SECONDS``; 0: always ask the shared cache). A page this
    process keeps is then served without any round trip to the database; a change committed
    through another process reaches this one's visitors within that second (through this
    one, at once: its own bumps replace what it trusts)."""

    def __init__(self) -> None:
        self._versions: dict[str, tuple[str, float]] = {}

    def get(self, groups: Collection[str]) -> tuple[str, ...] | None:
        now = time.time()
        versions = []
        for group in groups:
            seen = self._versions.get(group)
            if seen is None or seen[1] <= now:
                return None
            versions.append(seen[0])
        return tuple(versions)

    def put(self, group: str, version: str) -> None:
        seconds = getattr(settings, "SOSCIENCE_PAGE_CACHE_VERSION_SECONDS", DEFAULT_VERSION_SECONDS)
        if seconds > 0:
            self._versions[group] = (version, time.time() + seconds)

    def clear(self) -> None:
        self._versions.clear()


seen = Seen()


def _bumper(group: str) -> Callable[[], None]:
    def bump() -> None:
        version = new_version()
        shared_cache().set(version_key(group), version, timeout=None)
        seen.put(group, version)

    bump.__qualname__ = f"bump_{group}"
    return bump


# One function per group: the pending check below recognises them by identity.
_BUMPS = {group: _bumper(group) for group in GROUPS}


def pending(group: str, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Inside a transaction that changed what ``group``'s pages show and has not committed:
    the cached pages are older than what it sees, and what it renders is not yet everyone's,
    so it neither reads nor fills the cache."""
    # Django keeps the transaction's callbacks as (savepoint ids, callable, robust) and drops
    # those of a savepoint rolled back: a bump found here runs at the commit.
    connection = transaction.get_connection(using)
    bump = _BUMPS[group]
    return connection.in_atomic_block and any(
        func is bump for _ids, func, _robust in connection.run_on_commit
    )


def pages_changed(*groups: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """What the pages of ``groups`` show changed: new versions once the transaction commits
    (at once outside one), one per group per transaction however many rows changed. A
    rollback replaces nothing."""
    for group in groups:
        if not pending(group, using):
            transaction.on_commit(_BUMPS[group], using=using)


def current(found: dict[str, object], groups: Collection[str]) -> tuple[str, ...]:
    """The groups' versions from ``found`` (read with the page), creating the ones the cache
    lost (every entry of that group is then stale: a lost version costs a rendering, never
    an old page), and remembered for :class:`Seen`."""
    versions = []
    for group in groups:
        value = found.get(version_key(group))
        if not isinstance(value, str):
            cache = shared_cache()
            cache.add(version_key(group), new_version(), timeout=None)
            value = cache.get(version_key(group)) or new_version()
        seen.put(group, value)
        versions.append(value)
    return tuple(versions)


def derived[T](group: str, name: str, build: Callable[[], T]) -> T:
    """``build()``, kept in the pages' cache while ``group``'s data version stays the same:
    for what several pages of the group compute from its tables (the catalogue's filter
    choices). Public data only, as the group's pages are; ``name`` tells apart what depends
    on more than the data (the language). Inside a transaction that changed the group, built
    afresh and not kept (read your own writes)."""
    if pending(group):
        return build()
    cache = shared_cache()
    version = seen.get((group,))
    if version is None:
        version = current(cache.get_many([version_key(group)]), (group,))
    key = f"{KEY_PREFIX}:derived:{group}:{name}:{version[0]}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, DERIVED_SECONDS)
    return value
