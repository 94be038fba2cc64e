"""A small limit on failed verifications, per client address.

Codes have 60 random bits (codes.py): guessing is hopeless anyway. The limit keeps a script
from hammering the database and makes any attempt visible. Only misses count, so a
school checking many genuine certificates is never held up.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

MAX_MISSES = 20
WINDOW_SECONDS = 10 * 60


def _key(request: HttpRequest) -> str:
    # allauth's view of the client address: honours the same trusted proxy settings as
    # its login limits.
    try:
        ip = get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all: one shared bucket
        ip = "unknown"
    return f"certificates:verify-misses:{ip}"


def blocked(request: HttpRequest) -> bool:
    return int(cache.get(_key(request), 0)) >= MAX_MISSES


def record_miss(request: HttpRequest) -> None:
    key = _key(request)
    # add() starts the window only once; incr() keeps its expiry.
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, WINDOW_SECONDS)
