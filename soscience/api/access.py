"""Who may see or change a personal API token: its owner only."""

from __future__ import annotations

from django.http import Http404

from soscience.api.models import ApiToken


def token_for_user(user: object, pk: int) -> ApiToken:
    """One of ``user``'s own tokens; anyone else's does not exist for them (Http404)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    token = ApiToken.objects.filter(pk=pk, user=user).first()
    if token is None:
        raise Http404
    return token
