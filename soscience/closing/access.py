"""Who may deliver, accept, close or cancel a mission, and answer its closing surveys.

Everyone goes through the mission space first: anyone outside the mission (not on its team,
not its supervisor, not a coordinator, not a member of its organisation) gets Http404, as
for the space itself. Inside, each action belongs to one side; the others know the mission
but may not act (PermissionDenied).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from soscience.core.access import is_coordinator
from soscience.execution.access import is_supervisor, is_team_member, mission_space_for_user
from soscience.missions.models import Mission
from soscience.organisations.access import is_member


def may_deliver(user: object, mission: Mission) -> bool:
    """Those doing the work hand it over: the team and its supervisor."""
    return is_team_member(user, mission) or is_supervisor(user, mission)


def is_org_member(user: object, mission: Mission) -> bool:
    return is_member(user, mission.organisation)


# Who may do what; the key is the action's name in the URLs and the panel.
ACTIONS: dict[str, Callable[[object, Mission], bool]] = {
    "deliver": may_deliver,
    "accept": is_org_member,
    "ask_changes": is_org_member,
    "close": lambda user, mission: is_coordinator(user),
    "cancel": lambda user, mission: is_coordinator(user),
    "org_survey": is_org_member,
    "volunteer_survey": is_team_member,
    "closing_note": is_supervisor,
}
REFUSALS = {
    "deliver": _("Only the mission's team and its supervisor mark it delivered."),
    "accept": _("Only the organisation's members accept the deliverables."),
    "ask_changes": _("Only the organisation's members ask for changes to the deliverables."),
    "close": _("Only the coordination team closes a mission."),
    "cancel": _("Only the coordination team cancels a mission."),
    "org_survey": _("Only the organisation's members answer its closing survey."),
    "volunteer_survey": _("Only the volunteers on the team answer the volunteers' survey."),
    "closing_note": _("Only the mission's supervisor writes the closing note."),
}


def mission_for_closing(user: object, pk: int, action: str) -> Mission:
    """The mission, for someone who wants to do ``action`` (a key of ACTIONS) on it.

    Http404 for anyone outside the mission; PermissionDenied for the wrong side inside it.
    """
    mission = mission_space_for_user(user, pk)
    if not ACTIONS[action](user, mission):
        raise PermissionDenied(REFUSALS[action])
    return mission


def closing_rights(user: object, mission: Mission) -> dict[str, bool]:
    """Which closing actions ``user`` may take on ``mission`` whatever its status (for the
    panel, which adds the status rules). Each predicate is asked once: the panel is on
    every view of the mission space."""
    team = is_team_member(user, mission)
    supervisor = is_supervisor(user, mission)
    member = is_org_member(user, mission)
    coordinator = is_coordinator(user)
    return {
        "deliver": team or supervisor,
        "accept": member,
        "ask_changes": member,
        "close": coordinator,
        "cancel": coordinator,
        "org_survey": member,
        "volunteer_survey": team,
        "closing_note": supervisor,
    }
