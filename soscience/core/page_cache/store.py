"""The pages kept: in the shared cache and, for the last ones served, in this process; the
per-visitor holes (CSRF token, CSP nonce) of their bodies."""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

from soscience.core.page_cache import versions as page_versions

DEFAULT_SECONDS = 300
DEFAULT_LOCAL_BYTES = 16 * 1024 * 1024
FORMAT = 2  # of Entry: raised when it changes, so entries of an older release are not read


@dataclass(frozen=True, slots=True)
class Entry:
    versions: tuple[str, ...]  # of the page's groups, read before it was rendered
    headers: tuple[tuple[str, str], ...]  # those the view set: Content-Type, Vary...
    body: bytes  # with the placeholders
    expires: float  # time.time() after which it is not served, here as in the shared cache


class Local:
    """The last pages this process served, by key, up to ``SOSCIENCE_PAGE_CACHE_LOCAL_BYTES``
    of bodies (16 MB: some 2,000 mission pages or 350 catalogue pages); the least recently
    used go first."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # threaded servers share the process's pages

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        limit = getattr(settings, "SOSCIENCE_PAGE_CACHE_LOCAL_BYTES", DEFAULT_LOCAL_BYTES)
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body)
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while self._bytes > limit and self._entries:
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


local = Local()


@functools.cache
def holes() -> tuple[str, str]:
    """The CSRF and nonce placeholders: alphanumeric (no escaping changes them), the same in
    every process sharing the cache, and unguessable without the secret key."""
    csrf = salted_hmac("soscience.page_cache", "csrf", algorithm="sha256").hexdigest()[:40]
    nonce = salted_hmac("soscience.page_cache", "nonce", algorithm="sha256").hexdigest()[:40]
    return f"pagecachecsrf{csrf}", f"pagecachenonce{nonce}"


def fill(request: HttpRequest, body: bytes) -> bytes:
    """``body`` with this visitor's CSRF token and CSP nonce in the holes. The token is asked
    for only if the page has a form (the CSRF middleware then sets the cookie), the nonce
    only if the page has a script (the CSP middleware then names it in the header)."""
    csrf_hole, nonce_hole = (hole.encode() for hole in holes())
    if csrf_hole in body:
        body = body.replace(csrf_hole, get_token(request).encode())
    if nonce_hole in body:
        nonce = get_nonce(request)  # generated here: falsy until then, so not "nonce or"
        body = body.replace(nonce_hole, ("" if nonce is None else str(nonce)).encode())
    return body


def _current(entry: object, versions: tuple[str, ...]) -> bool:
    # getattr: an entry pickled by an older release may lack a field (the key's FORMAT is
    # raised when Entry changes; this keeps a forgotten raise from breaking pages).
    return (
        isinstance(entry, Entry)
        and getattr(entry, "versions", None) == versions
        and getattr(entry, "expires", 0) > time.time()
    )


def lookup(key: str, groups: Collection[str]) -> tuple[Entry | None, tuple[str, ...]]:
    """The page stored under ``key`` if it is current, and the groups' versions: none or
    one read of the shared cache (see :class:`.versions.Seen`), without the page when this
    process holds a copy of it."""
    kept = local.get(key)
    seen = page_versions.seen.get(groups) if kept is not None else None
    if seen is not None and _current(kept, seen):
        return kept, seen
    cache = page_versions.shared_cache()
    keys = [page_versions.version_key(group) for group in groups]
    found = cache.get_many(keys if kept is not None else [*keys, key])
    versions = page_versions.current(found, groups)
    if _current(kept, versions):
        return kept, versions
    # This process's copy is older than the data: another may have stored a newer page.
    entry = found.get(key) if kept is None else cache.get(key)
    if not _current(entry, versions):
        return None, versions
    local.put(key, entry)  # type: ignore[arg-type]
    return entry, versions  # type: ignore[return-value]


def keep(key: str, versions: tuple[str, ...], headers: tuple[tuple[str, str], ...],
         body: bytes) -> None:  # fmt: skip
    """Store a page rendered with its holes, in the shared cache and in this process."""
    seconds = getattr(settings, "SOSCIENCE_PAGE_CACHE_SECONDS", DEFAULT_SECONDS)
    entry = Entry(versions, headers, body, time.time() + seconds)
    page_versions.shared_cache().set(key, entry, seconds)
    local.put(key, entry)
