"""Who may see or change a case of the solutions library.

A published case is public, and so are the deliverables its coordinator chose to offer:
anyone, visitors included, reads and downloads them. Everything else about cases (drafts,
withdrawn cases, the editing pages) is the coordination team's: 403 for the signed-in rest
(the library is public, so its existence is no secret), 404 for an object that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from soscience.cases.models import Case
from soscience.core.access import is_coordinator, require_coordinator
from soscience.execution.models_deliverables import Deliverable
from soscience.missions.models import Mission


def public_cases() -> QuerySet[Case]:
    """Cases anyone may read: published, and the organisation's consent still given (if it
    takes it back in its closing survey, the page goes at once, without waiting for a
    coordinator to withdraw it)."""
    return Case.objects.filter(
        status=Case.Status.PUBLISHED, mission__organisation_survey__case_consent=True
    )


def case_public(user: object, slug: str) -> Case:
    """The public page of a case: published cases for everyone; coordinators also see a
    draft or withdrawn case there (to check it before publishing). Http404 otherwise."""
    cases = Case.objects.all() if is_coordinator(user) else public_cases()
    case = (
        cases.select_related("mission__organisation")
        .prefetch_related("mission__domains")
        .filter(slug=slug)
        .first()
    )
    if case is None:
        raise Http404
    return case


def case_file_public(slug: str, pk: int) -> Deliverable:
    """A deliverable offered on a published case: anyone may download it; a deliverable the
    case does not offer, or any file of an unpublished case, is Http404 for everyone
    (coordinators download deliverables from the mission space)."""
    case = public_cases().filter(slug=slug).first()
    if case is None:
        raise Http404
    deliverable = case.files.filter(pk=pk).first()
    if deliverable is None:
        raise Http404
    return deliverable


def case_for_coordinator(user: object, pk: int) -> Case:
    """A case to edit, publish or withdraw: coordinators only (PermissionDenied for others),
    Http404 if there is no such case."""
    require_coordinator(user)
    case = Case.objects.select_related("mission__organisation").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def past_mission_for_coordinator(user: object, pk: int) -> Mission:
    """A mission to make a case of, or to start a new order from: coordinators only
    (PermissionDenied for others), Http404 if there is no such mission. Whether the
    mission may serve (closed, consent) is the services' decision, with a reason."""
    require_coordinator(user)
    mission = Mission.objects.select_related("organisation").filter(pk=pk).first()
    if mission is None:
        raise Http404
    return mission
