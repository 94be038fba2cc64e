"""Background work for matching: keeping the volunteers' index up to date."""

from __future__ import annotations

from django.tasks import task

from soscience.matching.services import index_rebuild


@task()
def matching_index_rebuild() -> dict[str, object]:
    """Rebuild the index if profiles changed since the last build (a no-op otherwise, so
    the tasks queued by a burst of saves cost one rebuild)."""
    built = index_rebuild()
    return {
        "version": built.version,
        "volunteers": built.volunteers,
        "seconds": round(built.seconds, 3),
        "skipped": built.skipped,
    }
