"""Who may enter a mission's space, and what they may read there."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from soscience.accounts.roles import Role
from soscience.applications.models import TeamMember
from soscience.core.access import asked_once, is_coordinator
from soscience.execution.models import Milestone, ProgressUpdate, UpdateAttachment
from soscience.missions.models import Mission
from soscience.organisations.access import is_member


def is_team_member(user: object, mission: Mission) -> bool:
    return asked_once(
        user,
        mission,
        "team",
        lambda: TeamMember.objects.filter(mission=mission, volunteer=user).exists(),
    )


def is_supervisor(user: object, mission: Mission) -> bool:
    return bool(getattr(user, "is_authenticated", False) and mission.supervisor_id == user.pk)  # type: ignore[attr-defined]


def can_read_internal(user: object, mission: Mission) -> bool:
    """Internal news is for the team, its supervisor and coordinators: not the organisation."""
    return is_coordinator(user) or is_supervisor(user, mission) or is_team_member(user, mission)


def in_mission(user: object, mission: Mission) -> bool:
    return can_read_internal(user, mission) or is_member(user, mission.organisation)


def mission_space_for_user(user: object, pk: int) -> Mission:
    """The mission space: its team, supervisor, coordinators, the organisation's members.

    Anyone else gets Http404: they may not know the mission's working life exists.
    """
    mission = Mission.objects.select_related("organisation", "supervisor").filter(pk=pk).first()
    if mission is None or not in_mission(user, mission):
        raise Http404
    return mission


def update_for_user(user: object, pk: int) -> ProgressUpdate:
    """An update the reader may see: internal ones only for the team's side."""
    update = ProgressUpdate.objects.select_related("mission__organisation").filter(pk=pk).first()
    if update is None or not _may_read(user, update):
        raise Http404
    return update


def attachment_for_user(user: object, update_pk: int, pk: int) -> UpdateAttachment:
    update = update_for_user(user, update_pk)
    attachment = update.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def _may_read(user: object, update: ProgressUpdate) -> bool:
    mission = update.mission
    if update.visibility == ProgressUpdate.Visibility.INTERNAL:
        return can_read_internal(user, mission)
    return in_mission(user, mission)


# What each side may do in the space; the others see the space but may not act (403).
ACTIONS = {
    "kick_off": lambda user, mission: is_coordinator(user) or is_supervisor(user, mission),
    "extend": lambda user, mission: is_coordinator(user),
    "milestones": can_read_internal,
    "post": is_team_member,
}
REFUSALS = {
    "kick_off": _("Only a coordinator or the mission's supervisor can kick it off."),
    "extend": _("Only the coordination team can extend a mission."),
    "milestones": _("Only the mission's team, supervisor or coordinators keep its milestones."),
    "post": _("Only the mission's team can post progress updates."),
}


def mission_for_action(user: object, pk: int, action: str) -> Mission:
    """The mission space for someone who wants to act in it (``action`` from ACTIONS)."""
    mission = mission_space_for_user(user, pk)
    if not ACTIONS[action](user, mission):
        raise PermissionDenied(REFUSALS[action])
    return mission


def milestone_for_user(user: object, pk: int) -> Milestone:
    milestone = Milestone.objects.select_related("mission").filter(pk=pk).first()
    if milestone is None:
        raise Http404
    mission_for_action(user, milestone.mission_id, "milestones")
    return milestone


def require_supervision(user: object) -> None:
    """Supervisors and coordinators only; the page exists for everyone (403, not 404)."""
    if is_coordinator(user) or Role.SUPERVISOR in getattr(user, "roles", ()):
        return
    raise PermissionDenied(_("Only supervisors and coordinators follow missions here."))
