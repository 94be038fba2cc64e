"""Who may see and act on a mission's equipment requests and hours.

Team members request material and log their own hours; the mission's supervisor decides
requests and validates hours; coordinators may do everything. The organisation's members
read the equipment page (the budget is part of the order they approved) but not the
volunteers' time sheets (403). Anyone else: 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from soscience.applications.models import TeamMember
from soscience.core.access import is_coordinator
from soscience.execution.models import EquipmentRequest, HoursEntry, Loan
from soscience.missions.models import Mission
from soscience.organisations.access import is_member


@dataclass(frozen=True)
class Rights:
    mission: Mission
    coordinator: bool
    supervisor: bool
    team: bool
    organisation: bool

    @property
    def decides(self) -> bool:
        return self.coordinator or self.supervisor


def _rights(user: object, pk: int) -> Rights:
    mission = Mission.objects.select_related("organisation", "supervisor").filter(pk=pk).first()
    if mission is None or not getattr(user, "is_authenticated", False):
        raise Http404
    rights = Rights(
        mission=mission,
        coordinator=is_coordinator(user),
        supervisor=mission.supervisor_id == user.pk,  # type: ignore[attr-defined]
        team=TeamMember.objects.filter(mission=mission, volunteer=user).exists(),
        organisation=is_member(user, mission.organisation),
    )
    if not (rights.coordinator or rights.supervisor or rights.team or rights.organisation):
        raise Http404
    return rights


def equipment_page(user: object, pk: int) -> Rights:
    return _rights(user, pk)


def equipment_request_create(user: object, pk: int) -> Rights:
    rights = _rights(user, pk)
    if not rights.team:
        raise PermissionDenied(_("Only the mission's team can request equipment."))
    return rights


def hours_page(user: object, pk: int) -> Rights:
    rights = _rights(user, pk)
    if not (rights.team or rights.decides):
        raise PermissionDenied(_("Hours are for the team, its supervisor and coordinators."))
    return rights


def hours_log(user: object, pk: int) -> Rights:
    rights = _rights(user, pk)
    if not rights.team:
        raise PermissionDenied(_("Only the mission's team members log hours."))
    return rights


def hours_validate(user: object, pk: int) -> Rights:
    rights = _rights(user, pk)
    if not rights.decides:
        raise PermissionDenied(_("Only the supervisor or a coordinator validates hours."))
    return rights


def _entry(user: object, pk: int) -> tuple[HoursEntry, Rights]:
    entry = HoursEntry.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    rights = _rights(user, entry.mission_id)
    entry.mission = rights.mission
    return entry, rights


def hours_entry_own(user: object, pk: int) -> tuple[HoursEntry, Rights]:
    """A volunteer's own entry, to correct or delete. The supervisor and coordinators see
    it on the hours page (403); others do not know it exists (404)."""
    entry, rights = _entry(user, pk)
    if entry.volunteer_id != user.pk:  # type: ignore[attr-defined]
        if rights.decides:
            raise PermissionDenied(_("Only the volunteer who logged these hours changes them."))
        raise Http404
    return entry, rights


def hours_entry_validation(user: object, pk: int) -> tuple[HoursEntry, Rights]:
    """An entry whose validation the supervisor or a coordinator may withdraw."""
    entry, rights = _entry(user, pk)
    if not rights.decides:
        raise PermissionDenied(_("Only the supervisor or a coordinator validates hours."))
    return entry, rights


def equipment_request_for(user: object, pk: int, action: str) -> tuple[EquipmentRequest, Rights]:
    """The request and what the user may do. ``action``: decide, coordinate, progress
    (ordered / received) or cancel."""
    request = EquipmentRequest.objects.select_related("requested_by").filter(pk=pk).first()
    if request is None:
        raise Http404
    rights = _rights(user, request.mission_id)
    request.mission = rights.mission
    own = request.requested_by_id == user.pk  # type: ignore[attr-defined]
    allowed = {
        "decide": rights.decides,
        "coordinate": rights.coordinator,
        "progress": rights.decides or own,
        "cancel": rights.decides or own,
    }[action]
    if not allowed:
        raise PermissionDenied(_("You cannot do this on this request."))
    return request, rights


def loan_manage(user: object, pk: int) -> Rights:
    """Those running the mission (team, supervisor, coordinators) record loans."""
    rights = _rights(user, pk)
    if not (rights.team or rights.decides):
        raise PermissionDenied(_("Only the people running the mission record loans."))
    return rights


def loan_for(user: object, pk: int) -> tuple[Loan, Rights]:
    loan = Loan.objects.filter(pk=pk).first()
    if loan is None:
        raise Http404
    return loan, loan_manage(user, loan.mission_id)
