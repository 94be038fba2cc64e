"""Who may see the suggestions and the team builder of a mission, and "missions for me".

Coordinators read both pages and act on them; the mission's supervisor reads the
suggestions (not the team builder, which is for selecting). The organisation's members
know the mission but not who might join it: PermissionDenied. Anyone else: PermissionDenied
when the mission is published (it is public), Http404 otherwise.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.access import is_coordinator
from soscience.missions.access import mission_for_user
from soscience.missions.models import Mission


def _mission(user: object, pk: int) -> Mission:
    """``mission_for_user``, except that a published mission is known to everyone."""
    try:
        return mission_for_user(user, pk)
    except Http404:
        if Mission.objects.published().filter(pk=pk).exists():
            raise PermissionDenied(_("Only the coordination team sees suggestions.")) from None
        raise


def mission_for_suggestions(user: object, pk: int) -> Mission:
    """A mission's suggested volunteers: coordinators, and its supervisor (read only)."""
    mission = _mission(user, pk)
    if is_coordinator(user):
        return mission
    if mission.supervisor_id is not None and mission.supervisor_id == getattr(user, "pk", None):
        return mission
    raise PermissionDenied(_("Only the coordination team sees suggestions."))


def mission_for_team_builder(user: object, pk: int) -> Mission:
    """A mission's team builder: coordinators only (they select)."""
    mission = _mission(user, pk)
    if not is_coordinator(user):
        raise PermissionDenied(_("Only the coordination team builds teams."))
    return mission


def volunteer_for_me(user: object) -> User:
    """ "Missions for me" is everyone's own page: someone without a volunteer profile is
    told how to make one."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    return user  # type: ignore[return-value]
