"""Small predicates shared by every app's access module."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from soscience.accounts.roles import Role


def is_coordinator(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and Role.COORDINATOR in user.roles)  # type: ignore[attr-defined]


def require_coordinator(user: object) -> None:
    """Raise PermissionDenied unless ``user`` is a coordinator."""
    if not is_coordinator(user):
        raise PermissionDenied(_("Only the coordination team can do this."))
