"""A deployment check: the figures cache must be shared by every process."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

# Its entries live in one process: a change made through one application server (or gunicorn
# worker) would not reach the figures another one cached until they expire.
PROCESS_LOCAL = "django.core.cache.backends.locmem.LocMemCache"


def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend != PROCESS_LOCAL:
        return []
    return [
        checks.Warning(
            "The default cache lives in each process: the impact figures one server caches "
            "are not invalidated by a change another server makes.",
            hint="Use a shared cache in production (DatabaseCache, as the settings do).",
            id="impact.W001",
        )
    ]


def register() -> None:
    checks.register(shared_cache, checks.Tags.caches, deploy=True)
