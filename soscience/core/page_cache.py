"""Whole pages for visitors, served from the shared cache without rendering anything.

``@visitor_page(*groups, params=..., free_text=..., htmx_targets=...)`` on a GET view that
returns a ``TemplateResponse``. A request is answered from the cache, or fills it, only when
every one of these holds (otherwise the view runs as if the decorator were not there):

- GET or HEAD, from someone not signed in, with no message waiting for them (peeked at, not
  consumed), and not inside a transaction that changed what the page shows (read your own
  writes);
- every query parameter is one the view reads (``params``), given once; a free-text
  parameter (``free_text``: a search) is empty. Unknown parameters (``utm_source``, a
  cache-buster) and searches are served uncached: their values are unbounded, and letting
  anyone mint entries at will would evict the pages that are read (and, in a shared cache,
  other users' entries such as rate-limit counters);
- an htmx request names one of ``htmx_targets`` (the fragment the view renders for it).

The key: the groups, scheme, host, path, the known parameters sorted by name (the view reads
them through ``request.GET``: order between names does not matter, and each is given once),
the active language and the htmx headers that change the answer (``HX-Request``,
``HX-Boosted``, ``HX-History-Restore-Request``, ``HX-Target``), hashed.

Only a 200 response that set no cookie, added no message, left the session unmodified and
was not marked :func:`uncacheable` by the view is stored, with the headers the view set and
the data versions of its groups read *before* rendering (a change committed while it renders
makes the entry stale at once). Each group has a version in the same cache, replaced after
every committed change to what its pages show (:func:`pages_changed`, called by the model
signals of :mod:`soscience.core.page_cache_signals`); an entry is used only while all its
groups' versions are current. The TTL (``SOSCIENCE_PAGE_CACHE_SECONDS``, 300 s) bounds what
time alone changes (an event that ended) and any write that bypassed both signals and
services.

Per-visitor holes. The page is rendered for storage with placeholders instead of the CSRF
token (the language form) and the CSP nonce (the ``<script>`` tags): they are put in the
template context over the context processors' values. Each response, the one that filled the
cache included, gets this visitor's values: ``get_token(request)`` (so the CSRF cookie goes
out with it) and the request's nonce (so the CSP header names it). A page whose rendering
still reached the real token or nonce (a tag calling ``get_token`` itself) is served but not
stored: no visitor's token or nonce is ever kept in the cache. The placeholders are derived
from ``SECRET_KEY``, so text written by users (a mission's description) cannot contain them
and have a visitor's token copied into a link.

One cache read per hit; nothing else touches the database unless the visitor sends a
session cookie (then the session, as on every page). Each process also keeps the pages it
served last (``SOSCIENCE_PAGE_CACHE_LOCAL_ENTRIES``, 200 by default, about 10 MB): when it
holds the page asked for, the read fetches only the groups' versions (a few bytes instead of
the page's 50 KB, which the database cache would otherwise send, and decode, every time) and
the kept copy is served if it was stored at those versions, so a change shows as soon as
with the shared cache alone. Otherwise the read fetches the versions and the page together.
This module imports no model, so any service may import :func:`pages_changed`.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import BaseCache, caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django_htmx.middleware import HtmxDetails

GROUPS = ("catalogue", "teams", "events", "cases")
DEFAULT_SECONDS = 300
DEFAULT_LOCAL_ENTRIES = 200
KEY_PREFIX = "page"
FORMAT = 2  # of Entry: raised when it changes, so entries of an older release are not read
SAFE_METHODS = ("GET", "HEAD")
# Headers the view sets that are not part of the page (the middleware adds its own after).
UNSTORED_HEADERS = frozenset({"content-length", "set-cookie"})

View = Callable[..., HttpResponse]


# Versions -------------------------------------------------------------------------------


def _cache() -> BaseCache:
    # A cache of their own when configured: page entries, many and easily minted, must not
    # evict the default cache's rate-limit counters or the impact figures.
    return caches["pages" if "pages" in settings.CACHES else "default"]


def version_key(group: str) -> str:
    return f"{KEY_PREFIX}:version:{group}"


def _bumper(group: str) -> Callable[[], None]:
    def bump() -> None:
        # A new random token rather than a counter: the database cache has no atomic
        # increment, and a replaced token never comes back to an old entry's value.
        _cache().set(version_key(group), secrets.token_hex(8), timeout=None)

    bump.__qualname__ = f"bump_{group}"
    return bump


# One function per group: the pending check below recognises them by identity.
_BUMPS = {group: _bumper(group) for group in GROUPS}


def _pending(group: str, using: str) -> bool:
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
    rollback replaces nothing. Services writing the watched tables without model signals
    (``QuerySet.update``, ``bulk_create``, raw SQL) call it themselves."""
    for group in groups:
        if not _pending(group, using):
            transaction.on_commit(_BUMPS[group], using=using)


def _versions(found: dict[str, object], groups: Collection[str]) -> tuple[str, ...]:
    """The groups' current versions, from ``found`` (one read with the page), creating the
    ones the cache lost (every entry of that group is then stale: a lost version costs a
    rendering, never an old page)."""
    versions = []
    for group in groups:
        value = found.get(version_key(group))
        if not isinstance(value, str):
            cache = _cache()
            cache.add(version_key(group), secrets.token_hex(8), timeout=None)
            value = cache.get(version_key(group)) or secrets.token_hex(8)
        versions.append(value)
    return tuple(versions)


# Holes ----------------------------------------------------------------------------------


@functools.cache
def _holes() -> tuple[str, str]:
    """The CSRF and nonce placeholders: alphanumeric (no escaping changes them), the same in
    every process sharing the cache, and unguessable without the secret key."""
    csrf = salted_hmac("soscience.page_cache", "csrf", algorithm="sha256").hexdigest()[:40]
    nonce = salted_hmac("soscience.page_cache", "nonce", algorithm="sha256").hexdigest()[:40]
    return f"pagecachecsrf{csrf}", f"pagecachenonce{nonce}"


def _fill(request: HttpRequest, body: bytes) -> bytes:
    """``body`` with this visitor's CSRF token and CSP nonce in the holes. The token is asked
    for only if the page has a form (the CSRF middleware then sets the cookie), the nonce
    only if the page has a script (the CSP middleware then names it in the header)."""
    csrf_hole, nonce_hole = (hole.encode() for hole in _holes())
    if csrf_hole in body:
        body = body.replace(csrf_hole, get_token(request).encode())
    if nonce_hole in body:
        nonce = get_nonce(request)  # generated here: falsy until then, so not "nonce or"
        body = body.replace(nonce_hole, ("" if nonce is None else str(nonce)).encode())
    return body


# Entries --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    versions: tuple[str, ...]  # of the page's groups, read before it was rendered
    headers: tuple[tuple[str, str], ...]  # those the view set: Content-Type, Vary...
    body: bytes  # with the placeholders
    expires: float  # time.time() after which it is not served, here as in the shared cache


class _Local:
    """The last pages this process served, by key (least recently used dropped first)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()  # threaded servers share the process's pages

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        size = getattr(settings, "SOSCIENCE_PAGE_CACHE_LOCAL_ENTRIES", DEFAULT_LOCAL_ENTRIES)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_local = _Local()


def uncacheable(response: HttpResponse) -> HttpResponse:
    """Mark a response the view knows should not be stored (a filter form with errors, a
    page number written another way): served, not kept."""
    response.page_cache_skip = True  # type: ignore[attr-defined]
    return response


def _seconds() -> int:
    return getattr(settings, "SOSCIENCE_PAGE_CACHE_SECONDS", DEFAULT_SECONDS)


def _query(request: HttpRequest, params: Collection[str], free_text: Collection[str]) -> str | None:
    """The query string as the view reads it, or None when it must not be cached."""
    items = []
    for name, values in sorted(request.GET.lists()):
        if name not in params or len(values) != 1:
            return None
        if name in free_text:
            if values[0].strip():
                return None
            continue  # an empty search is no search
        items.append((name, values[0]))
    return urlencode(items)


def _htmx(request: HttpRequest, targets: Collection[str]) -> str | None:
    """The htmx headers that change the answer, or None for a target the view does not
    render alone."""
    htmx = getattr(request, "htmx", None) or HtmxDetails(request)
    if not htmx:
        return ""
    target = htmx.target or ""
    if target not in targets:
        return None
    return f"htmx:{int(htmx.boosted)}{int(htmx.history_restore_request)}:{target}"


def _key(request: HttpRequest, groups: Collection[str], query: str, htmx: str) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    parts = (request.scheme, request.get_host(), request.path, query, language, htmx)
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=20).hexdigest()
    return f"{KEY_PREFIX}:{'+'.join(groups)}:{FORMAT}:{digest}"


def _for_visitor(request: HttpRequest) -> bool:
    if request.method not in SAFE_METHODS:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # len() loads the stored messages without marking them read: they stay for the page.
    return not (hasattr(request, "_messages") and len(get_messages(request)))


def _storable(response: HttpResponse) -> bool:
    """Before rendering: a page whose content is the template's alone."""
    if not isinstance(response, TemplateResponse) or response.is_rendered:
        return False
    if response.status_code != 200 or getattr(response, "page_cache_skip", False):
        return False
    return not response.cookies


def _still_storable(request: HttpRequest, response: HttpResponse) -> bool:
    """After rendering: nothing of this visitor went into the page or out with it."""
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # something asked for the real CSRF token: it may be in the page
    if get_nonce(request):
        return False  # the real nonce was generated: it may be in the page
    if getattr(response, "page_cache_skip", False) or response.cookies:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and storage.added_new:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and getattr(session, "modified", False))


def _render_with_holes(response: TemplateResponse) -> None:
    csrf_hole, nonce_hole = _holes()
    # The view's context sits above the context processors': these win over theirs.
    context = dict(response.context_data or {})
    context.update(csrf_token=csrf_hole, csp_nonce=nonce_hole)
    response.context_data = context
    response.render()


def _served(request: HttpRequest, entry: Entry) -> HttpResponse:
    response = HttpResponse(_fill(request, entry.body))
    for name, value in entry.headers:
        response.headers[name] = value
    return response


def _store_and_serve(
    request: HttpRequest, response: HttpResponse, key: str, versions: tuple[str, ...]
) -> HttpResponse:
    _render_with_holes(response)  # type: ignore[arg-type]
    if _still_storable(request, response):
        headers = tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in UNSTORED_HEADERS
        )
        seconds = _seconds()
        entry = Entry(versions, headers, response.content, time.time() + seconds)
        _cache().set(key, entry, seconds)
        _local.put(key, entry)
    response.content = _fill(request, response.content)
    return response


def _lookup(key: str, groups: Collection[str]) -> tuple[Entry | None, tuple[str, ...]]:
    """The page stored under ``key`` if it is current, and the groups' versions: one read
    of the shared cache, without the page when this process holds a copy of it."""
    keys = [version_key(group) for group in groups]
    kept = _local.get(key)
    found = _cache().get_many(keys if kept is not None else [*keys, key])
    versions = _versions(found, groups)
    if kept is not None and _current(kept, versions):
        return kept, versions
    # This process's copy is older than the data: another may have stored a newer page.
    entry = found.get(key) if kept is None else _cache().get(key)
    if not (isinstance(entry, Entry) and _current(entry, versions)):
        return None, versions
    _local.put(key, entry)
    return entry, versions


def _current(entry: Entry, versions: tuple[str, ...]) -> bool:
    # getattr: an entry pickled by an older release may lack a field (the key's FORMAT is
    # raised when Entry changes; this keeps a forgotten raise from breaking pages).
    return (
        getattr(entry, "versions", None) == versions and getattr(entry, "expires", 0) > time.time()
    )


def visitor_page(
    *groups: str,
    params: Collection[str] = (),
    free_text: Collection[str] = (),
    htmx_targets: Collection[str] = (),
) -> Callable[[View], View]:
    """Serve the view's page to visitors from the cache while ``groups``' data is unchanged
    (see the module's docstring)."""
    unknown = set(groups) - set(GROUPS)
    if not groups or unknown:
        raise ValueError(f"visitor_page needs groups among {GROUPS}, not {sorted(unknown)}")
    known = frozenset(params) | frozenset(free_text)

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            query = _query(request, known, free_text)
            htmx = _htmx(request, htmx_targets) if query is not None else None
            if (
                htmx is None
                or not _for_visitor(request)
                or any(_pending(group, DEFAULT_DB_ALIAS) for group in groups)
            ):
                return view(request, *args, **kwargs)
            key = _key(request, groups, query, htmx)  # type: ignore[arg-type]
            entry, versions = _lookup(key, groups)
            if entry is not None:
                return _served(request, entry)
            response = view(request, *args, **kwargs)
            if not _storable(response):
                return response
            return _store_and_serve(request, response, key, versions)

        return wrapped

    return decorator


__all__ = ["GROUPS", "pages_changed", "uncacheable", "visitor_page"]
