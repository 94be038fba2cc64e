"""Access to accounts: team management is for coordinators; an invitation is reached by its
secret token only."""

from __future__ import annotations

from soscience.accounts.models import Invitation
from soscience.core.access import require_coordinator

__all__ = ["invitation_for_token", "require_coordinator"]


def invitation_for_token(token: str) -> Invitation | None:
    """The usable invitation this token names, or None (the page answers 410 Gone)."""
    invite = Invitation.objects.filter(token=token).first()
    return invite if invite is not None and invite.is_usable else None
