"""A deployment check: the visitors' page cache must be shared by every process."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

# The groups' versions live in that cache: kept in one process, a change made through one
# application server (or gunicorn worker) would not reach the pages the others serve until
# they expire (five minutes).
PROCESS_LOCAL = "django.core.cache.backends.locmem.LocMemCache"


def shared_page_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    alias = "pages" if "pages" in settings.CACHES else "default"
    if settings.CACHES.get(alias, {}).get("BACKEND", "") != PROCESS_LOCAL:
        return []
    return [
        checks.Warning(
            f"The cache of visitors' pages (CACHES[{alias!r}]) lives in each process: a "
            "change made through one server does not reach the pages another one serves "
            "until they expire.",
            hint="Use a shared cache in production (DatabaseCache, as the settings do).",
            id="core.W001",
        )
    ]


def register() -> None:
    checks.register(shared_page_cache, checks.Tags.caches, deploy=True)
