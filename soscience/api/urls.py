"""The API: personal tokens (pages) and version 1 (JSON, django-ninja)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path

from soscience.api import views
from soscience.api.api import api

app_name = "api"


def _public(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """The API answers every caller in JSON (a token or nothing, never a session), so
    LoginRequiredMiddleware must not send anyone to the login page."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns


_v1, _app, _namespace = api.urls
# Any other address under /api/v1/ is a JSON 404, not the site's HTML page.
_v1 = [*_public(_v1), path("<path:rest>", views.not_found, name="not_found")]

urlpatterns: list[URLPattern | URLResolver] = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/revoke/", views.token_revoke, name="token_revoke"),
    path("v1/", include((_v1, _namespace), namespace=_namespace)),
]
