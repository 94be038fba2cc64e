"""Background work for the impact figures, run by the worker (docs/operations.md): stale
figures are recomputed here, not in a reader's request (soscience/impact/cache.py)."""

from __future__ import annotations

from django.tasks import task

from soscience.impact import cache


@task()
def refresh_figures(name: str, language: str) -> bool:
    """Recompute one stale entry of the figures cache (queued by the first reader who found
    it stale; that reader and the others meanwhile got the previous figures). Returns
    whether it computed (not when a reader or an earlier task already did)."""
    return cache.refresh(name, language)


@task()
def warm_figures() -> list[str]:
    """After a change: recompute the default dashboard, its filter choices and the public
    page in the languages they were read in, before anyone asks (queued once for a burst of
    changes). Returns the entries recomputed."""
    return cache.warm()
