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
every committed change to what its pages show (:mod:`.versions`: :func:`pages_changed`,
called by the model signals of :mod:`soscience.core.page_cache_signals`); an entry is used
only while all its groups' versions are current. The TTL (``SOSCIENCE_PAGE_CACHE_SECONDS``,
300 s) bounds what time alone changes (an event that ended) and any write that bypassed both
signals and services.

Per-visitor holes. The page is rendered for storage with placeholders instead of the CSRF
token (the language form) and the CSP nonce (the ``<script>`` tags): they are put in the
template context over the context processors' values. Each response, the one that filled the
cache included, gets this visitor's values: ``get_token(request)`` (so the CSRF cookie goes
out with it) and the request's nonce (so the CSP header names it). A page whose rendering
still reached the real token or nonce (a tag calling ``get_token`` itself) is served but not
stored: no visitor's token or nonce is ever kept in the cache. The placeholders are derived
from ``SECRET_KEY``, so text written by users (a mission's description) cannot contain them
and have a visitor's token copied into a link.

Cost of a hit. Each process keeps the pages it served last (``SOSCIENCE_PAGE_CACHE_LOCAL_BYTES``,
16 MB by default) and the versions it read or wrote in the last second
(``SOSCIENCE_PAGE_CACHE_VERSION_SECONDS``): a page it holds,
stored at versions read less than a second ago, is served with no database round trip at all
(the trade-off: a change committed through another process reaches this one's visitors up to
a second later; through this process, at once). Past that second the versions are read again
(a few bytes: one query), and the kept copy is served if it was stored at them. A process
without a copy reads the versions and the page together (one query), or renders it. Nothing
else touches the database unless the visitor sends a session cookie (then the session, as on
every page). This package imports no model, so any service may import :func:`pages_changed`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Collection
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.template.response import TemplateResponse
from django.utils import translation
from django_htmx.middleware import HtmxDetails

from soscience.core.page_cache import store
from soscience.core.page_cache.versions import (
    GROUPS,
    KEY_PREFIX,
    derived,
    pages_changed,
    pending,
    seen,
)

SAFE_METHODS = ("GET", "HEAD")
# Headers the view sets that are not part of the page (the middleware adds its own after).
UNSTORED_HEADERS = frozenset({"content-length", "set-cookie"})

View = Callable[..., HttpResponse]


def uncacheable(response: HttpResponse) -> HttpResponse:
    """Mark a response the view knows should not be stored (a filter form with errors, a
    page number written another way): served, not kept."""
    response.page_cache_skip = True  # type: ignore[attr-defined]
    return response


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
    return f"{KEY_PREFIX}:{'+'.join(groups)}:{store.FORMAT}:{digest}"


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
    csrf_hole, nonce_hole = store.holes()
    # The view's context sits above the context processors': these win over theirs.
    context = dict(response.context_data or {})
    context.update(csrf_token=csrf_hole, csp_nonce=nonce_hole)
    response.context_data = context
    response.render()


def _served(request: HttpRequest, entry: store.Entry) -> HttpResponse:
    response = HttpResponse(store.fill(request, entry.body))
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
        store.keep(key, versions, headers, response.content)
    response.content = store.fill(request, response.content)
    return response


def visitor_page(
    *groups: str,
    params: Collection[str] = (),
    free_text: Collection[str] = (),
    htmx_targets: Collection[str] = (),
) -> Callable[[View], View]:
    """Serve the view's page to visitors from the cache while ``groups``' data is unchanged
    (see the package's docstring)."""
    unknown = set(groups) - set(GROUPS)
    if not groups or unknown:
        raise ValueError(f"visitor_page needs groups among {GROUPS}, not {sorted(unknown)}")
    known = frozenset(params) | frozenset(free_text)

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            query = _query(request, known, free_text)
            htmx = _htmx(request, htmx_targets) if query is not None else None
            if htmx is None or not _for_visitor(request) or any(map(pending, groups)):
                return view(request, *args, **kwargs)
            key = _key(request, groups, query, htmx)  # type: ignore[arg-type]
            entry, versions = store.lookup(key, groups)
            if entry is not None:
                return _served(request, entry)
            response = view(request, *args, **kwargs)
            if not _storable(response):
                return response
            return _store_and_serve(request, response, key, versions)

        return wrapped

    return decorator


def empty_caches() -> None:
    """Every cache: the shared ones (figures, pages, derived data, rate limits) and this
    process's copies of pages and of the versions they were stored at. For a restore, a
    benchmark's cold request and the tests; other processes re-read the versions within a
    second (versions.Seen) and find them gone."""
    from django.core.cache import caches

    for each in caches.all():
        each.clear()
    store.local.clear()
    seen.clear()


__all__ = ["GROUPS", "derived", "empty_caches", "pages_changed", "uncacheable", "visitor_page"]
