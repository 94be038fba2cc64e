"""The personal tokens page (create, list, revoke) and the API's JSON 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from soscience.accounts.sudo import sudo_required, sudo_required_for_post
from soscience.api import services
from soscience.api.access import token_for_user
from soscience.api.forms import TokenCreateForm, TokenRevokeForm
from soscience.api.models import ApiToken
from soscience.core.errors import DomainError


def _render(request: HttpRequest, form: TokenCreateForm, **extra: Any) -> HttpResponse:
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "now": timezone.now(),
        **extra,
    }
    return render(request, "api/tokens.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@sudo_required_for_post
def tokens(request: HttpRequest) -> HttpResponse:
    """My personal API tokens: create one (its key is shown once, on this answer only, never
    stored or cached), see when each was used, revoke them. A token acts as its owner:
    creating one from an old session asks for the password first (sudo mode)."""
    if request.method != "POST":
        return _render(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.token_create(
                user=request.user, name=form.cleaned_data["name"],  # type: ignore[arg-type]
                valid_days=form.valid_days(),
            )  # fmt: skip
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _render(request, TokenCreateForm(), created=token, key=key)
    return _render(request, form)


@require_POST
@sudo_required
def token_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke one of my tokens (its id in the form): it stops working at once. Sudo mode too:
    a borrowed session must not cut off the owner's scripts."""
    form = TokenRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a token to revoke."))
        return redirect("api:tokens")
    token = token_for_user(request.user, form.cleaned_data["token"])
    try:
        services.token_revoke(token=token, by=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api:tokens")


@login_not_required
def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
