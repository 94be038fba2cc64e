"""The REST API, version 1 (django-ninja), mounted at /api/v1/ with its OpenAPI schema.

Every error is JSON: ``{"detail": "...", "code": "..."}``. See docs/api.md.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from soscience.api import feed, routes_me, routes_public
from soscience.api.auth import TokenRefused, optional_token
from soscience.api.schemas import ERRORS, Index

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="SoScience API",
    version="1",
    description=(
        "Open missions, events, impact figures and cases for anyone; a volunteer's or an "
        "organisation member's own data with a personal token (Authorization: Bearer). "
        "Documentation: /docs/api.md in the source repository."
    ),
    # Nested in the "api" namespace of soscience/urls.py: ninja reverses its own URLs
    # (the schema's paths) with this full name.
    urls_namespace="api:api-v1",
    # The interactive docs page loads its scripts from a CDN, which the site never does:
    # the schema is served, the page is not.
    docs_url=None,
)
api.add_router("/me", routes_me.router)
api.add_router("", feed.router)
api.add_router("", routes_public.router)


@api.get(
    "/", response={200: Index, **ERRORS}, auth=optional_token, operation_id="index",
    tags=["public"],
)  # fmt: skip
def index(request: HttpRequest) -> dict[str, Any]:
    """Where to start: the schema, the documentation and the feed."""
    return {
        "version": "1",
        "openapi": request.build_absolute_uri(reverse("api:api-v1:openapi-json")),
        "documentation": "docs/api.md",
        "feed": request.build_absolute_uri(reverse("api:api-v1:missions_feed")),
    }


def error(request: HttpRequest, status: int, code: str, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    code = exc.code if isinstance(exc, TokenRefused) else "token_missing"
    detail = str(exc) if isinstance(exc, TokenRefused) else _("A personal token is needed.")
    response = error(request, 401, code, detail)
    # RFC 6750: a missing token gets the bare challenge, a bad one says why.
    challenge = 'Bearer realm="soscience"'
    if code != "token_missing":
        challenge += ', error="invalid_token"'
    response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(TokenRefused)
def on_token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    return _unauthorised(request, exc)


@api.exception_handler(AuthenticationError)
def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _unauthorised(request, exc)


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = error(
        request, 429, "rate_limited", _("Too many requests: wait a minute and try again.")
    )
    if exc.wait is not None:
        response["Retry-After"] = str(max(1, int(exc.wait)))
    return response


@api.exception_handler(ValidationError)
def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # The details, without pydantic's "url" and "ctx" (which may hold non-JSON values).
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")}
        for e in exc.errors
    ]
    return error(request, 422, "invalid_input", _("Some parameters are not valid."), errors=errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same answer whether the object does not exist or the reader may not see it.
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, "forbidden", str(exc) or _("You may not do this."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(request, exc.status_code, "error", str(exc))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("API error on %s", request.path, exc_info=exc)
    return error(request, 500, "server_error", _("Something went wrong on our side."))
