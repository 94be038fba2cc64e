"""Applications and selection: every status change of an application, and the team's seats.

Each service locks what it changes, checks the transition, records an ApplicationEvent and
tells the people concerned with ``notify()`` (an inbox line and a mail, sent on commit).

Lock order, so two actions never wait for each other in a circle: the mission row first
(selection and removal, which touch the seats), then the application row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications import selectors
from soscience.applications.models import Application, ApplicationEvent, TeamMember
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.matching.services import team_changed as matching_team_changed
from soscience.missions.models import Mission
from soscience.notifications.services import notify
from soscience.privacy.audit import Action, audit
from soscience.volunteers.models import VolunteerProfile

Status = Application.Status
MAIL = "applications/mail/"

# A closed or cancelled mission keeps its team and applications as they were.
FINISHED = (Mission.Status.CLOSED, Mission.Status.CANCELLED)


# Helpers.


def _require_coordinator(user: User) -> None:
    if not is_coordinator(user):
        raise DomainError(_("Only the coordination team can do this."))


def _lock_mission(mission: Mission) -> Mission:
    return Mission.objects.select_for_update().get(pk=mission.pk)


def _lock(application: Application) -> Application:
    """The application as it is now in the database, locked until the transaction ends."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("mission", "volunteer")
        .get(pk=application.pk)
    )


def _event(application: Application, by: User | None, kind: str, detail: str = "") -> None:
    ApplicationEvent.objects.create(application=application, actor=by, kind=kind, detail=detail)


def _team_page(mission: Mission) -> str:
    return reverse("applications:mission_applications", kwargs={"pk": mission.pk})


def _mine() -> str:
    return reverse("applications:mine")


def team_recipients(mission: Mission, *, exclude: User | None = None) -> list[User]:
    """Who answers applicants: the coordinators and the mission's supervisor."""
    people = {u.pk: u for u in User.objects.with_role(Role.COORDINATOR).order_by("pk")}
    if mission.supervisor_id and mission.supervisor and mission.supervisor.is_active:
        people.setdefault(mission.supervisor_id, mission.supervisor)
    if exclude is not None:
        people.pop(exclude.pk, None)
    return list(people.values())


def _tell_team(mission: Mission, template: str, context: dict[str, Any], by: User | None) -> None:
    for person in team_recipients(mission, exclude=by):
        notify(person, MAIL + template, context, url=_team_page(mission))


def _check_reason(reason: str, choices: type[Any], detail: str) -> None:
    if reason not in choices.values:
        raise DomainError(_("Choose a reason from the list."), field="reason")
    if reason == choices.OTHER and not detail.strip():
        raise DomainError(_("Please say why in a few words."), field="detail")


def _decide(application: Application, by: User, status: str, **fields: Any) -> None:
    application.status = status
    application.decided_by = by
    application.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(application, name, value)
    application.save(
        update_fields=["status", "decided_by", "decided_at", "updated_at", *fields.keys()]
    )


# The volunteer's side.


@transaction.atomic
def application_submit(
    *, mission: Mission, volunteer: User, motivation: str, availability_confirmed: bool
) -> Application:
    """Apply to a published mission (or complete the team's invitation to apply).

    Once per mission; the motivation and the confirmation of availability are required.
    The application gets the date by which the team answers (see ``answer_by_for``).
    """
    mission = Mission.objects.prefetch_related("campuses").get(pk=mission.pk)
    existing = (
        Application.objects.select_for_update().filter(mission=mission, volunteer=volunteer).first()
    )
    invited = existing is not None and existing.status == Status.INVITED
    if existing is not None and not invited:
        raise TransitionRefused(_already_applied(existing))
    refusal = selectors.apply_refusal(mission, volunteer, invited=invited)
    if refusal:
        raise TransitionRefused(refusal)
    motivation = motivation.strip()
    if not motivation:
        raise DomainError(
            _("Tell the team why you want to join and what you would bring."), field="motivation"
        )
    if not availability_confirmed:
        raise DomainError(
            _("Confirm that you are available for the mission's dates and hours."),
            field="availability_confirmed",
        )
    application = existing or Application(mission=mission, volunteer=volunteer)
    application.status = Status.APPLIED
    application.motivation = motivation
    application.availability_confirmed = True
    application.applied_at = timezone.now()
    application.answer_by = selectors.answer_by_for(mission)
    try:
        with transaction.atomic():  # a double submit: the unique constraint says no
            application.save()
    except IntegrityError as exc:
        raise TransitionRefused(_("You already applied to this mission.")) from exc
    _event(application, volunteer, ApplicationEvent.Kind.APPLIED)
    context = {"mission": mission.title, "volunteer": volunteer.full_name,
               "answer_by": application.answer_by}  # fmt: skip
    notify(volunteer, MAIL + "received", context, url=_mine())
    _tell_team(mission, "applied", context, by=volunteer)
    return application


def _already_applied(existing: Application) -> str:
    if existing.status == Status.WITHDRAWN:
        return _("You withdrew your application to this mission: you cannot apply again.")
    return _("You already applied to this mission.")


@transaction.atomic
def application_withdraw(
    *, application: Application, by: User, reason: str, detail: str = ""
) -> Application:
    """The volunteer withdraws before selection (or turns down an invitation), saying why."""
    application = _lock(application)
    if application.volunteer_id != by.pk:
        raise DomainError(_("Only the volunteer can withdraw their application."))
    if application.status not in selectors.WITHDRAWABLE:
        raise TransitionRefused(_withdraw_refusal(application))
    _check_reason(reason, Application.WithdrawReason, detail)
    _decide(application, by, Status.WITHDRAWN, reason=reason, reason_detail=detail.strip())
    # The reason's code is on the application (counted by the impact figures).
    _event(application, by, ApplicationEvent.Kind.WITHDRAWN, detail.strip())
    _tell_team(
        application.mission, "withdrawn",
        {"mission": application.mission.title, "volunteer": by.full_name,
         "reason": Application.WithdrawReason(reason).label, "detail": detail.strip()},
        by=by,
    )  # fmt: skip
    return application


def _withdraw_refusal(application: Application) -> str:
    if application.status == Status.SELECTED:
        return _(
            "You are already on the team: write to the mission's supervisor if you can no "
            "longer take part."
        )
    if application.status == Status.WITHDRAWN:
        return _("You already withdrew this application.")
    return _("The team has already answered this application.")


# The team's side.


@transaction.atomic
def application_invite(*, mission: Mission, volunteer: User, by: User) -> Application:
    """A coordinator invites a volunteer to apply; the volunteer completes the application."""
    _require_coordinator(by)
    mission = _lock_mission(mission)
    if mission.status != Mission.Status.OPEN:
        raise TransitionRefused(_("Only a published mission can receive applications."))
    if not volunteer.is_active or not volunteer.has_role(Role.VOLUNTEER):
        raise DomainError(_("This person is not a volunteer."), field="volunteer")
    if Application.objects.filter(mission=mission, volunteer=volunteer).exists():
        raise TransitionRefused(
            _("%(name)s already applied or was already invited.") % {"name": volunteer.full_name}
        )
    application = Application.objects.create(
        mission=mission, volunteer=volunteer, status=Status.INVITED, invited_by=by
    )
    _event(application, by, ApplicationEvent.Kind.INVITED)
    notify(
        volunteer, MAIL + "invited", {"mission": mission.title},
        url=reverse("applications:apply", kwargs={"pk": mission.pk}),
    )  # fmt: skip
    return application


@transaction.atomic
def application_shortlist(*, application: Application, by: User) -> Application:
    """Put an application on the shortlist; the volunteer hears it is being considered."""
    _require_coordinator(by)
    application = _lock(application)
    if application.mission.status in FINISHED:
        raise TransitionRefused(_("The mission is over: its applicants can only be answered."))
    if application.status != Status.APPLIED:
        raise TransitionRefused(_not_open(application))
    application.status = Status.SHORTLISTED
    application.save(update_fields=["status", "updated_at"])
    _event(application, by, ApplicationEvent.Kind.SHORTLISTED)
    notify(
        application.volunteer, MAIL + "shortlisted",
        {"mission": application.mission.title, "answer_by": application.answer_by},
        url=_mine(),
    )  # fmt: skip
    return application


def _not_open(application: Application) -> str:
    return {
        Status.INVITED: _("%(name)s has not applied yet."),
        Status.SHORTLISTED: _("%(name)s is already on the shortlist."),
        Status.SELECTED: _("%(name)s is already on the team."),
        Status.DECLINED: _("%(name)s was already told they are not selected."),
        Status.WITHDRAWN: _("%(name)s withdrew their application."),
    }.get(application.status, _("This application cannot change now.")) % {
        "name": application.volunteer.full_name
    }


def _free_seat(mission: Mission) -> int:
    """The lowest seat number not taken, or a refusal saying the team is complete."""
    taken = set(
        TeamMember.objects.filter(mission=mission, seat__isnull=False).values_list(
            "seat", flat=True
        )
    )
    for seat in range(1, mission.team_size + 1):
        if seat not in taken:
            return seat
    raise TransitionRefused(
        _("The team is complete (%(taken)d of %(size)d).")
        % {"taken": len(taken), "size": mission.team_size}
    )


def _check_role(mission: Mission, volunteer: User, role: str) -> None:
    if role not in TeamMember.Role.values:
        raise DomainError(_("Choose a role in the team."), field="role")
    if role == TeamMember.Role.ADVISOR:
        kind = VolunteerProfile.objects.filter(user=volunteer).values_list("kind", flat=True)
        if list(kind) != [VolunteerProfile.Kind.RESEARCHER]:
            raise DomainError(_("Only a researcher can advise the team."), field="role")
    if role == TeamMember.Role.LEAD:
        lead = TeamMember.objects.filter(mission=mission, role=role).select_related("volunteer")
        if current := lead.first():
            raise DomainError(
                _("%(name)s already leads this team.") % {"name": current.volunteer.full_name},
                field="role",
            )


@transaction.atomic
def application_select(*, application: Application, by: User, role: str) -> TeamMember:
    """Select an applicant into the team with a role.

    A lead or member takes the lowest free seat, never more than the mission's team size:
    the mission row is locked so selections run one after the other, and the database's
    constraints (one volunteer per seat, seat within the team size) catch anything that
    slips through (SQLite without row locks, a race): that becomes a refusal, not an error.
    """
    _require_coordinator(by)
    mission = _lock_mission(application.mission)
    application = _lock(application)
    if mission.status != Mission.Status.OPEN:
        raise TransitionRefused(_("Only the team of a published mission can be chosen."))
    if application.status not in selectors.OPEN_STATUSES:
        raise TransitionRefused(_not_open(application))
    _check_role(mission, application.volunteer, role)
    seat = None if role == TeamMember.Role.ADVISOR else _free_seat(mission)
    try:
        with transaction.atomic():  # a savepoint: the outer transaction stays usable
            member = TeamMember.objects.create(
                mission=mission, application=application, volunteer=application.volunteer,
                role=role, seat=seat, capacity=mission.team_size,
            )  # fmt: skip
    except IntegrityError as exc:
        raise TransitionRefused(
            _("The team changed at the same moment (another selection): reload the page "
              "and check the team before selecting again.")
        ) from exc  # fmt: skip
    _decide(application, by, Status.SELECTED)
    role_label = str(TeamMember.Role(role).label)
    _event(application, by, ApplicationEvent.Kind.SELECTED, role_label)
    audit(Action.APPLICATION_SELECTED, actor=by, target=application, detail={"role": role})
    # The matching index knows who is busy when: mark it stale in this same transaction
    # (its rebuild is queued on commit).
    matching_team_changed(volunteer_id=application.volunteer_id)
    # The lazy label: notify() renders it in each recipient's language.
    context = {"mission": mission.title, "volunteer": application.volunteer.full_name,
               "role": TeamMember.Role(role).label}  # fmt: skip
    notify(application.volunteer, MAIL + "selected", context, url=_mine())
    if mission.supervisor_id and mission.supervisor_id != by.pk:
        notify(mission.supervisor, MAIL + "team_changed", context, url=_team_page(mission))  # type: ignore[arg-type]
    return member


@transaction.atomic
def application_decline(
    *, application: Application, by: User, reason: str, detail: str = ""
) -> Application:
    """Tell an applicant, kindly and with the reason, that they are not selected."""
    _require_coordinator(by)
    application = _lock(application)
    if application.status not in (Status.INVITED, *selectors.OPEN_STATUSES):
        raise TransitionRefused(_not_open(application))
    _check_reason(reason, Application.DeclineReason, detail)
    detail = detail.strip()
    _decide(application, by, Status.DECLINED, reason=reason, reason_detail=detail)
    _event(application, by, ApplicationEvent.Kind.DECLINED, detail)
    audit(Action.APPLICATION_DECLINED, actor=by, target=application, detail={"reason": reason})
    notify(
        application.volunteer, MAIL + "declined",
        {"mission": application.mission.title,
         "reason": Application.DeclineReason(reason).label, "detail": detail},
        url=reverse("missions:catalogue"),
    )  # fmt: skip
    return application


@transaction.atomic
def team_member_remove(*, member: TeamMember, by: User, detail: str = "") -> Application:
    """Take someone off the team: their seat is freed and their application goes back to
    the shortlist, so the team can select them again (another role) or decline them."""
    _require_coordinator(by)
    mission = _lock_mission(member.mission)
    if mission.status in FINISHED:
        raise TransitionRefused(_("The mission is over: its team can no longer change."))
    member = TeamMember.objects.select_for_update().filter(pk=member.pk).first()  # type: ignore[assignment]
    if member is None:
        raise TransitionRefused(_("This person is no longer on the team."))
    application = _lock(member.application)
    member.delete()
    matching_team_changed(volunteer_id=member.volunteer_id)
    application.status = Status.SHORTLISTED
    application.save(update_fields=["status", "updated_at"])
    _event(application, by, ApplicationEvent.Kind.REMOVED, detail.strip())
    notify(
        application.volunteer, MAIL + "removed",
        {"mission": mission.title, "detail": detail.strip()}, url=_mine(),
    )  # fmt: skip
    return application


# Reminders: no applicant is left without an answer.


def applications_remind_due(*, today: dt.date | None = None) -> int:
    """Tell each coordinator (and each supervisor, for their missions) which open
    applications are due within two days or late. Returns the number of people told."""
    today = today or timezone.localdate()
    per_mission: dict[int, list[Application]] = defaultdict(list)
    for application in selectors.due_applications(today):
        per_mission[application.mission_id].append(application)
    if not per_mission:
        return 0
    coordinators = list(User.objects.with_role(Role.COORDINATOR).order_by("pk"))
    lines_for: dict[int, list[dict[str, Any]]] = defaultdict(list)
    people: dict[int, User] = {}
    for applications in per_mission.values():
        mission = applications[0].mission
        line = _reminder_line(mission, applications, today)
        recipients = list(coordinators)
        if mission.supervisor and mission.supervisor.is_active:
            recipients.append(mission.supervisor)
        for person in recipients:
            people[person.pk] = person
            if line not in lines_for[person.pk]:
                lines_for[person.pk].append(line)
    for pk, lines in lines_for.items():
        _send_reminder(people[pk], lines)
    return len(lines_for)


def _reminder_line(mission: Mission, applications: list[Application], today: dt.date) -> dict:
    due = min(a.answer_by for a in applications if a.answer_by)
    return {
        "mission": mission.title,
        "count": len(applications),
        "late": sum(1 for a in applications if a.answer_by and a.answer_by < today),
        "answer_by": due,
        "path": _team_page(mission),
    }


@transaction.atomic
def _send_reminder(person: User, lines: list[dict[str, Any]]) -> None:
    # The inbox line links to the most urgent mission; the mail lists them all.
    total = sum(line["count"] for line in lines)
    notify(person, MAIL + "reminder", {"lines": lines, "total": total}, url=lines[0]["path"])
