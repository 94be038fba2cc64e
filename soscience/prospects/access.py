"""Who may see and act on prospecting.

The pipeline is the coordination team's: every prospect page is theirs, and anyone else
signed in gets a 403 (the team's prospecting is no secret, its contents are). Ambassadors
may suggest organisations they found and follow the stage of the ones they suggested; the
contact log, kept by the team, stays the team's.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from soscience.accounts.roles import Role
from soscience.core.access import is_coordinator, require_coordinator
from soscience.prospects.models import Prospect


def is_ambassador(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and Role.AMBASSADOR in user.roles)  # type: ignore[attr-defined]


def pipeline_allowed(user: object) -> None:
    """The pipeline and creating prospects: coordinators (403 for others)."""
    require_coordinator(user)


def prospect_for_coordinator(user: object, pk: int) -> Prospect:
    """A prospect's page and its actions: coordinators (403 for others, 404 if none)."""
    require_coordinator(user)
    prospect = (
        Prospect.objects.select_related(
            "owner", "ambassador", "event", "organisation", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if prospect is None:
        raise Http404
    return prospect


def suggest_allowed(user: object) -> None:
    """Suggesting a prospect: ambassadors (and coordinators); 403 for others."""
    if not (is_ambassador(user) or is_coordinator(user)):
        raise PermissionDenied(_("Only ambassadors and the coordination team suggest prospects."))
