"""Who may see and deliver a mission's files.

Everyone in the mission space (team, supervisor, coordinators, the organisation's members)
reads the deliverables: they are made for the organisation. Only those doing the work
deliver them: the team and its supervisor. Coordinators and the organisation read along
(403 on upload: they know the page). Anyone else: 404, as for the space itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from soscience.execution.access import (
    in_mission,
    is_supervisor,
    is_team_member,
    mission_space_for_user,
)
from soscience.execution.models_deliverables import Deliverable
from soscience.missions.models import Mission


@dataclass(frozen=True)
class DeliverablesPage:
    mission: Mission
    may_upload: bool  # the user is one of those who deliver (whatever the mission's status)


def may_deliver(user: object, mission: Mission) -> bool:
    return is_team_member(user, mission) or is_supervisor(user, mission)


def deliverables_page(user: object, pk: int) -> DeliverablesPage:
    """The list of a mission's deliverables: anyone in the mission space, else 404."""
    mission = mission_space_for_user(user, pk)
    return DeliverablesPage(mission=mission, may_upload=may_deliver(user, mission))


def deliverable_upload(user: object, pk: int) -> DeliverablesPage:
    """Delivering a file: the team and its supervisor (403 for the rest of the space)."""
    page = deliverables_page(user, pk)
    if not page.may_upload:
        raise PermissionDenied(_("Only the mission's team and its supervisor deliver files."))
    return page


def deliverable_for_user(user: object, pk: int) -> Deliverable:
    """A deliverable to download: 404 for anyone who may not see its mission."""
    deliverable = (
        Deliverable.objects.select_related("mission__organisation", "mission__supervisor")
        .filter(pk=pk)
        .first()
    )
    if deliverable is None or not in_mission(user, deliverable.mission):
        raise Http404
    return deliverable
