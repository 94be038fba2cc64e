"""When the impact figures change: a data version kept in the shared cache.

The cached figures (:mod:`soscience.impact.cache`) are kept with the version they were
computed at and used only while it is the current one. Every committed change to what the
figures read replaces the version with a new random token (after the commit: a change rolled
back replaces nothing, and no one recomputes from data about to be committed). The model
signals of :mod:`soscience.impact.signals` call :func:`figures_changed`; so must any service
that writes those tables without signals (``QuerySet.update``, ``bulk_create``, raw SQL).

After each bump, the most read figures are recomputed in the background (debounced:
:func:`soscience.impact.cache.warm_later`).

This module imports no model, so any service may import it.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

VERSION_KEY = "impact:figures:version"


def new_version() -> str:
    """A fresh token: replacing, not incrementing, needs no atomic counter (the database
    cache has none) and never goes back to a value an old entry was computed at."""
    return secrets.token_hex(8)


def _bump() -> None:
    cache.set(VERSION_KEY, new_version(), timeout=None)
    from soscience.impact.cache import warm_later  # imports the pages, and so the models

    warm_later()


def _pending(connection: BaseDatabaseWrapper) -> bool:
    # Django keeps the callbacks of the transaction as (savepoint ids, callable, robust) and
    # drops those of a savepoint rolled back: a bump found here will run at the commit.
    return any(func is _bump for _ids, func, _robust in connection.run_on_commit)


def figures_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Something the figures read changed: a new version once the transaction commits
    (at once outside a transaction), one per transaction however many rows changed."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and _pending(connection):
        return
    transaction.on_commit(_bump, using=using)


def changed_in_this_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Inside a transaction that changed what the figures read and has not committed: the
    cached figures are older than what this transaction sees, and what it computes is not
    yet everyone's, so it neither reads nor fills the cache."""
    connection = transaction.get_connection(using)
    return connection.in_atomic_block and _pending(connection)


def current_version(found: str | None) -> str:
    """The version read from the cache (``found``), or a new one if the cache lost it (then
    every entry is stale: the cache forgetting it costs a recomputation, never old
    figures)."""
    if found is not None:
        return found
    cache.add(VERSION_KEY, new_version(), timeout=None)
    return cache.get(VERSION_KEY) or new_version()
