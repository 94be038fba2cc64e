"""Who may see a campus's dashboard, share a mission, or print a share link's poster.

Every check reads the database on each request (no cached role, no session flag): a
coordinator who removes an ambassador takes the dashboard and the share kit away at once.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from soscience.core.access import is_coordinator
from soscience.missions.models import Mission
from soscience.network.models import ShareLink
from soscience.volunteers.models import Campus


def campuses_of_ambassador(user: object) -> QuerySet[Campus]:
    """The campuses ``user`` is an ambassador of today (none for a visitor)."""
    if not getattr(user, "is_authenticated", False):
        return Campus.objects.none()
    return Campus.objects.filter(ambassadors__user=user).order_by("name")


def campus_for_dashboard(user: object, slug: str) -> Campus:
    """The campus ``slug`` for its dashboard: coordinators see any campus, an ambassador the
    campuses they are an ambassador of. Http404 when there is no such campus;
    PermissionDenied for anyone else (the list of partner campuses is no secret)."""
    campus = Campus.objects.filter(slug=slug).first()
    if campus is None:
        raise Http404
    if is_coordinator(user):
        return campus
    if campuses_of_ambassador(user).filter(pk=campus.pk).exists():
        return campus
    raise PermissionDenied(_("Only the campus's ambassadors and the coordination team see this."))


def share_campuses(user: object, mission: Mission) -> QuerySet[Campus]:
    """The campuses through which ``user`` may share ``mission``: those of ``user``'s
    ambassadorships to which the mission is offered (a mission offered to no campus in
    particular is offered to every campus)."""
    mine = campuses_of_ambassador(user)
    if mission.campuses.exists():
        mine = mine.filter(pk__in=mission.campuses.values("pk"))
    return mine


def mission_to_share(user: object, pk: int) -> Mission:
    """A published mission for its share kit: coordinators, and the ambassadors of a campus
    it is offered to. Http404 when it is not published (nobody outside the team may know
    it); PermissionDenied for anyone else (the mission is public)."""
    mission = (
        Mission.objects.published()
        .select_related("organisation")
        .prefetch_related("campuses")
        .filter(pk=pk)
        .first()
    )
    if mission is None:
        raise Http404
    if is_coordinator(user):
        return mission
    if share_campuses(user, mission).exists():
        return mission
    raise PermissionDenied(
        _("Only the ambassadors of a campus this mission is offered to share it.")
    )


def link_for_poster(user: object, code: str) -> ShareLink:
    """A share link for its printable poster: coordinators, and the ambassador who owns the
    link while still an ambassador of its campus. Anyone else may not know the code:
    Http404. A link whose mission is no longer published has no poster either."""
    link = (
        ShareLink.objects.select_related("mission__organisation", "event", "campus")
        .filter(code=code)
        .filter(Q(mission__isnull=True) | Q(mission__status=Mission.Status.OPEN))
        .first()
    )
    if link is None:
        raise Http404
    if is_coordinator(user):
        return link
    owner = getattr(user, "pk", None) is not None and link.ambassador_id == user.pk  # type: ignore[attr-defined]
    if owner and campuses_of_ambassador(user).filter(pk=link.campus_id).exists():
        return link
    raise Http404


def link_to_follow(code: str) -> ShareLink:
    """A short link anyone may follow (the code is what they hold). Http404 when unknown."""
    link = ShareLink.objects.select_related("mission", "event").filter(code=code).first()
    if link is None:
        raise Http404
    return link
