"""Who may see or change a campus."""

from __future__ import annotations

from django.http import Http404

from soscience.core.access import require_coordinator
from soscience.volunteers.models import Campus


def campus_for_user(user: object, pk: int, *, for_write: bool = False) -> Campus:
    """The campus ``pk`` for the coordination team's pages.

    Campuses are managed by coordinators only: anyone else gets PermissionDenied (the list
    of partner campuses is no secret). ``for_write`` asks for the same, and is kept so that
    every app's access functions read alike. Http404 when there is no such campus.
    """
    require_coordinator(user)
    campus = Campus.objects.filter(pk=pk).first()
    if campus is None:
        raise Http404
    return campus
