"""Personal tokens for the API: how a request is identified, authenticated and rate limited.

A token is sent as ``Authorization: Bearer <token>``. Only its sha256 is stored, so a leaked
database does not leak usable tokens. Every request is counted against a per-minute budget:
per token when one is given, per client address otherwise (see docs/api.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError, Throttled
from ninja.security import HttpBearer

from soscience.accounts.models import User
from soscience.api.models import ApiToken
from soscience.api.services import hash_key, token_touch

WINDOW_SECONDS = 60
DEFAULT_RATE_ANON = 60
DEFAULT_RATE_TOKEN = 600


class TokenRefused(HttpError):
    """401 with a machine-readable ``code`` (missing, invalid, revoked or expired token)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(401, message)
        self.code = code


@dataclass(frozen=True)
class Caller:
    """Who is calling: a token's owner, or an anonymous client."""

    user: User | AnonymousUser
    token: ApiToken | None = None


def client_address(request: HttpRequest) -> str:
    """The caller's address. Behind the reverse proxy (production trusts its headers, see
    SECURE_PROXY_SSL_HEADER) every request comes from the proxy: the address it appended last
    to X-Forwarded-For is the client's; earlier entries are whatever the client sent."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _throttle(ident: str, limit: int) -> None:
    """A fixed one-minute window per ``ident`` in the cache; Throttled past ``limit``."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{ident}:{window}"
    # add() is a no-op when the key exists, so concurrent first requests do not reset it.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        raise Throttled(wait=int((window + 1) * WINDOW_SECONDS - now) + 1)


def _rate(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _token_from_header(request: HttpRequest) -> str | None:
    """The token of an ``Authorization: Bearer`` header; "" for another scheme or garbage."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return ""
    return value.strip()


def _valid_token(key: str) -> ApiToken:
    """The live token ``key`` names, or TokenRefused saying why not."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), user__is_active=True)
        .first()
    )
    if token is None:
        raise TokenRefused("token_invalid", _("This API token is not valid."))
    if token.revoked_at is not None:
        raise TokenRefused("token_revoked", _("This API token was revoked."))
    if token.expires_at is not None and token.expires_at <= timezone.now():
        raise TokenRefused("token_expired", _("This API token has expired."))
    return token


def identify(request: HttpRequest, *, required: bool) -> Caller:
    """Authenticate and count the request. A bad token is refused even on public endpoints:
    the client meant to be someone, and should learn that its token no longer works."""
    key = _token_from_header(request)
    if key is None and not required:
        _throttle(
            f"ip:{client_address(request)}", _rate("SOSCIENCE_API_RATE_ANON", DEFAULT_RATE_ANON)
        )
        return Caller(user=AnonymousUser())
    if not key:
        # Failed attempts count against the address, so guessing tokens is slow too.
        _throttle(
            f"ip:{client_address(request)}", _rate("SOSCIENCE_API_RATE_ANON", DEFAULT_RATE_ANON)
        )
        raise TokenRefused(
            "token_missing", _("Send your personal token: Authorization: Bearer <token>.")
        )
    try:
        token = _valid_token(key)
    except TokenRefused:
        _throttle(
            f"ip:{client_address(request)}", _rate("SOSCIENCE_API_RATE_ANON", DEFAULT_RATE_ANON)
        )
        raise
    _throttle(f"token:{token.pk}", _rate("SOSCIENCE_API_RATE_TOKEN", DEFAULT_RATE_TOKEN))
    token_touch(token=token)
    return Caller(user=token.user, token=token)


class TokenAuth(HttpBearer):
    """Endpoints that need a personal token (declared as a bearer scheme in the schema)."""

    def __call__(self, request: HttpRequest) -> Caller:
        return identify(request, required=True)

    def authenticate(self, request: HttpRequest, token: str) -> Caller:  # pragma: no cover
        return identify(request, required=True)


def optional_token(request: HttpRequest) -> Caller:
    """Public endpoints: anyone, counted per address, or per token when one is sent. A plain
    function, so the schema does not declare these endpoints as needing a token."""
    return identify(request, required=False)


def caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined,no-any-return]
