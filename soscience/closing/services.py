"""Delivery, acceptance, closing and cancelling of a mission (its state machine after the
work is done), and the closing surveys and note.

Each service is one transaction that locks the mission row first, checks who acts and the
transition, records a MissionEvent (the timeline), and tells the people concerned with
``notify()`` (written in the same transaction, mailed once it commits).

    in_progress --deliver--> delivered --accept--> accepted --close--> closed
         ^                        |
         +------ask changes-------+
    any status before closed --cancel--> cancelled
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications.models import Application
from soscience.applications.services import application_decline
from soscience.closing.access import is_org_member, may_deliver
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.missions.models import Mission, MissionEvent
from soscience.notifications.services import notify

MAIL = "closing/mail/"
FINISHED = (Mission.Status.CLOSED, Mission.Status.CANCELLED)
# Applications still waiting for an answer when a mission is cancelled: each is declined
# with the reason "the mission was cancelled", as the applications app words it.
WAITING = (Application.Status.INVITED, Application.Status.APPLIED, Application.Status.SHORTLISTED)


def _lock(mission: Mission) -> Mission:
    return (
        Mission.objects.select_for_update(of=("self",))
        .select_related("organisation", "supervisor")
        .get(pk=mission.pk)
    )


def _event(mission: Mission, by: User, kind: str, detail: str = "") -> None:
    MissionEvent.objects.create(mission=mission, actor=by, kind=kind, detail=detail)


def space_path(mission: Mission) -> str:
    return reverse("execution:space", kwargs={"pk": mission.pk})


# Who is told.


def _org_members(mission: Mission) -> list[User]:
    return [m.user for m in mission.organisation.memberships.select_related("user")]


def _team_side(mission: Mission) -> list[User]:
    """The volunteers on the team and the supervisor."""
    people = [m.volunteer for m in mission.team.select_related("volunteer")]
    if mission.supervisor is not None:
        people.append(mission.supervisor)
    return people


def _coordinators() -> list[User]:
    return list(User.objects.with_role(Role.COORDINATOR).order_by("pk"))


def _tell(
    people: Iterable[User], mission: Mission, template: str, by: User, **context: Any
) -> None:
    """Tell each person once, never the one who acted."""
    seen = {by.pk}
    context = {"mission": mission.title, "actor": by.full_name, **context}
    for person in people:
        if person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        notify(person, MAIL + template, context, url=space_path(mission))


def _refuse_status(mission: Mission, wanted: str, message: str) -> None:
    if mission.status != wanted:
        raise TransitionRefused(message)


# The state machine.


def deliver_refusal(mission: Mission) -> str | None:
    """Why the team cannot mark ``mission`` delivered now, or None when it can."""
    if mission.status != Mission.Status.IN_PROGRESS:
        if mission.status == Mission.Status.DELIVERED:
            return _("The mission is already delivered: the organisation is reviewing it.")
        return _("Only a mission in progress can be marked delivered.")
    if not mission.delivered_files.exists():
        return _("Deliver at least one file on the deliverables page before marking the "
                 "mission delivered.")  # fmt: skip
    return None


@transaction.atomic
def mission_deliver(*, mission: Mission, by: User) -> Mission:
    """The team hands its work over: in progress -> delivered; the organisation is told."""
    mission = _lock(mission)
    if not may_deliver(by, mission):
        raise DomainError(_("Only the mission's team and its supervisor mark it delivered."))
    refusal = deliver_refusal(mission)
    if refusal is not None:
        raise TransitionRefused(refusal)
    mission.status = Mission.Status.DELIVERED
    mission.delivered_at = timezone.now()
    mission.save(update_fields=["status", "delivered_at", "updated_at"])
    _event(mission, by, MissionEvent.Kind.DELIVERED)
    _tell(_org_members(mission), mission, "delivered", by)
    return mission


def _decide_delivery(mission: Mission, by: User) -> Mission:
    mission = _lock(mission)
    if not is_org_member(by, mission):
        raise DomainError(_("Only the organisation's members accept the deliverables."))
    _refuse_status(
        mission, Mission.Status.DELIVERED,
        _("The team has not marked the mission delivered: there is nothing to accept yet."),
    )  # fmt: skip
    return mission


@transaction.atomic
def delivery_accept(*, mission: Mission, by: User) -> Mission:
    """The organisation accepts the deliverables: delivered -> accepted. The team, its
    supervisor and the coordinators (who close the mission) are told."""
    mission = _decide_delivery(mission, by)
    mission.status = Mission.Status.ACCEPTED
    mission.accepted_at = timezone.now()
    mission.save(update_fields=["status", "accepted_at", "updated_at"])
    _event(mission, by, MissionEvent.Kind.DELIVERY_ACCEPTED)
    _tell([*_team_side(mission), *_coordinators()], mission, "accepted", by,
          organisation=mission.organisation.name)  # fmt: skip
    return mission


@transaction.atomic
def delivery_ask_changes(*, mission: Mission, by: User, comment: str) -> Mission:
    """The organisation asks for changes: delivered -> in progress again, with its comment
    on the timeline; the team and its supervisor are told."""
    comment = comment.strip()
    mission = _decide_delivery(mission, by)
    if not comment:
        raise DomainError(_("Say what should change in the deliverables."), field="comment")
    mission.status = Mission.Status.IN_PROGRESS
    # Delivered again later, it gets the date of that delivery; the first one stays on
    # the timeline.
    mission.delivered_at = None
    mission.save(update_fields=["status", "delivered_at", "updated_at"])
    _event(mission, by, MissionEvent.Kind.DELIVERY_CHANGES, comment)
    _tell(_team_side(mission), mission, "changes_asked", by,
          organisation=mission.organisation.name, comment=comment)  # fmt: skip
    return mission


@transaction.atomic
def mission_close(*, mission: Mission, by: User) -> Mission:
    """A coordinator closes an accepted mission. Surveys not answered yet stay open (the
    panel warns the coordinator); everyone in the mission is told, with the survey's link."""
    mission = _lock(mission)
    if not is_coordinator(by):
        raise DomainError(_("Only the coordination team closes a mission."))
    _refuse_status(
        mission, Mission.Status.ACCEPTED,
        _("Only a mission whose deliverables the organisation accepted can be closed."),
    )  # fmt: skip
    mission.status = Mission.Status.CLOSED
    mission.closed_at = timezone.now()
    mission.save(update_fields=["status", "closed_at", "updated_at"])
    _event(mission, by, MissionEvent.Kind.CLOSED)
    _tell([*_org_members(mission), *_team_side(mission)], mission, "closed", by)
    return mission


@transaction.atomic
def mission_cancel(*, mission: Mission, by: User, reason: str) -> Mission:
    """A coordinator cancels the mission at any stage before it is closed, with a reason.

    The team, its supervisor and the organisation are told; applications still waiting
    for an answer are declined ("the mission was cancelled") and their volunteers told.
    """
    reason = reason.strip()
    mission = _lock(mission)
    if not is_coordinator(by):
        raise DomainError(_("Only the coordination team cancels a mission."))
    if mission.status in FINISHED:
        raise TransitionRefused(
            _("A %(status)s mission cannot be cancelled.")
            % {"status": mission.get_status_display().lower()}
        )
    if not reason:
        raise DomainError(_("Say why the mission is cancelled."), field="reason")
    mission.status = Mission.Status.CANCELLED
    mission.cancelled_at = timezone.now()
    mission.cancel_reason = reason
    mission.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    _event(mission, by, MissionEvent.Kind.CANCELLED, reason)
    for application in mission.applications.filter(status__in=WAITING).order_by("pk"):
        application_decline(
            application=application, by=by, reason=Application.DeclineReason.MISSION_CANCELLED
        )
    _tell([*_org_members(mission), *_team_side(mission)], mission, "cancelled", by,
          reason=reason)  # fmt: skip
    return mission
