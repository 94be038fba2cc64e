"""Who may see or change a mission."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from soscience.core.access import is_coordinator
from soscience.missions.models import Mission
from soscience.organisations.access import is_member


def mission_public(pk: int) -> Mission:
    """A mission anyone may read: only published ones exist for the public."""
    mission = (
        Mission.objects.published()
        .select_related("organisation")
        .prefetch_related("domains", "campuses", "skill_needs__skill")
        .filter(pk=pk)
        .first()
    )
    if mission is None:
        raise Http404
    return mission


def mission_for_user(user: object, pk: int, *, for_write: bool = False) -> Mission:
    """The mission's working page: coordinators, its supervisor, its organisation's members.

    Anyone else gets Http404. ``for_write`` (editing the order, publishing) is for
    coordinators only: others get PermissionDenied.
    """
    mission = (
        Mission.objects.select_related("organisation", "supervisor", "need").filter(pk=pk).first()
    )
    if mission is None:
        raise Http404
    coordinator = is_coordinator(user)
    supervisor = getattr(user, "is_authenticated", False) and mission.supervisor_id == user.pk  # type: ignore[attr-defined]
    member = is_member(user, mission.organisation)
    if not (coordinator or supervisor or member):
        raise Http404
    if for_write and not coordinator:
        raise PermissionDenied(_("Only the coordination team can change a mission order."))
    return mission


def mission_for_approval(user: object, pk: int) -> Mission:
    """The organisation approves its own mission orders; the team cannot do it for them."""
    mission = mission_for_user(user, pk)
    if not is_member(user, mission.organisation):
        raise PermissionDenied(_("Only the organisation's members can approve its mission order."))
    return mission
