"""Who may see or act on applications and teams.

Volunteers see their own applications only (anyone else's: 404). The coordination team
reads and decides on every mission's applicants; the mission's supervisor reads along.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications.models import Application, TeamMember
from soscience.core.access import is_coordinator
from soscience.missions.models import Mission
from soscience.organisations.access import is_member


def _is_volunteer(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and Role.VOLUNTEER in user.roles)  # type: ignore[attr-defined]


def mission_to_apply(user: object, pk: int) -> Mission:
    """A published mission a volunteer may apply to.

    Http404 when the mission is not published (the public may not know it); PermissionDenied
    for signed-in people who are not volunteers. Campus rules are the service's: it says why.
    """
    mission = (
        Mission.objects.published()
        .select_related("organisation")
        .prefetch_related("campuses")
        .filter(pk=pk)
        .first()
    )
    if mission is None:
        raise Http404
    if not _is_volunteer(user):
        raise PermissionDenied(_("Only volunteers can apply to missions."))
    return mission


def application_for_volunteer(user: object, pk: int) -> Application:
    """One of the user's own applications; anyone else's does not exist for them (404)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    application = (
        Application.objects.select_related("mission", "volunteer")
        .filter(pk=pk, volunteer=user)
        .first()
    )
    if application is None:
        raise Http404
    return application


def mission_for_selection(user: object, pk: int, *, for_write: bool = False) -> Mission:
    """A mission's applicants and team.

    Coordinators read and decide; the mission's supervisor reads (deciding:
    PermissionDenied). Others get PermissionDenied when they may know the mission exists
    (it is published, or it is their organisation's), Http404 otherwise.
    """
    mission = Mission.objects.select_related("organisation", "supervisor").filter(pk=pk).first()
    if mission is None:
        raise Http404
    if is_coordinator(user):
        return mission
    supervisor = getattr(user, "is_authenticated", False) and mission.supervisor_id == user.pk  # type: ignore[attr-defined]
    if supervisor and not for_write:
        return mission
    if supervisor:
        raise PermissionDenied(_("Only the coordination team selects volunteers."))
    if mission.status == Mission.Status.OPEN or is_member(user, mission.organisation):
        raise PermissionDenied(_("Only the coordination team sees who applied."))
    raise Http404


def application_for_team(user: object, pk: int, *, for_write: bool = False) -> Application:
    """An application, for the people who may see its mission's applicants."""
    application = Application.objects.select_related("mission", "volunteer").filter(pk=pk).first()
    if application is None:
        raise Http404
    mission_for_selection(user, application.mission_id, for_write=for_write)
    return application


def team_member_for_team(user: object, pk: int, *, for_write: bool = False) -> TeamMember:
    """A team place, for the people who may see its mission's team."""
    member = (
        TeamMember.objects.select_related("mission", "volunteer", "application")
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404
    mission_for_selection(user, member.mission_id, for_write=for_write)
    return member


def volunteer_to_invite(user: object, *, pk: int | None, email: str = "") -> User | None:
    """The volunteer a coordinator names by id (from the suggestions) or by address.

    None when nobody matches: the form says so. Only coordinators invite.
    """
    if not is_coordinator(user):
        raise PermissionDenied(_("Only the coordination team invites volunteers."))
    people = User.objects.with_role(Role.VOLUNTEER)
    if pk is not None:
        return people.filter(pk=pk).first()
    return people.filter(email__iexact=email.strip()).first() if email.strip() else None
