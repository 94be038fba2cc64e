from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.core.mail import mail_user
from soscience.core.models import Domain
from soscience.matching.tasks import tell_matching_volunteers
from soscience.missions.models import (
    ORDER_FIELDS,
    Mission,
    MissionEvent,
    MissionOrderVersion,
    MissionSkill,
)
from soscience.missions.rules import order_errors
from soscience.needs.models import Need
from soscience.organisations.access import is_member
from soscience.volunteers.models import Campus, Skill

SkillNeeds = Sequence[tuple[Skill, int]]


def _require_coordinator(user: User) -> None:
    if not is_coordinator(user):
        raise DomainError(_("Only the coordination team can change a mission order."))


def _check_rules(data: dict[str, Any]) -> None:
    errors = order_errors(
        start_date=data.get("start_date"), end_date=data.get("end_date"),
        team_size=data.get("team_size"), hours_per_week=data.get("hours_per_week"),
    )  # fmt: skip
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)


def _check_supervisor(supervisor: User | None) -> None:
    if supervisor is not None and not supervisor.is_supervisor:
        raise DomainError(_("The supervisor must be a member of the team."), field="supervisor")


def _set_relations(mission: Mission, domains: Iterable[Domain], skills: SkillNeeds) -> None:
    mission.domains.set(domains)
    mission.skill_needs.all().delete()
    MissionSkill.objects.bulk_create(
        [MissionSkill(mission=mission, skill=skill, level=level) for skill, level in skills]
    )


def _event(mission: Mission, by: User | None, kind: str, **extra: Any) -> MissionEvent:
    return MissionEvent.objects.create(mission=mission, actor=by, kind=kind, **extra)


def _lock(mission: Mission) -> Mission:
    return (
        Mission.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=mission.pk)
    )


def _mail_members(mission: Mission, template: str, context: dict[str, Any]) -> None:
    for membership in mission.organisation.memberships.select_related("user"):
        mail_user(membership.user, template,
                  {"mission": mission.title, "path": f"/missions/{mission.pk}/manage/",
                   **context})  # fmt: skip


@transaction.atomic
def mission_create_from_need(
    *, need: Need, by: User, data: dict[str, Any], domains: Iterable[Domain],
    skills: SkillNeeds, supervisor: User | None, origin: str = "",
) -> Mission:  # fmt: skip
    """Draft a mission order from a need the team took into scoping. ``origin`` says on the
    timeline where the order came from (a past mission it was started from)."""
    _require_coordinator(by)
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != Need.Status.SCOPING:
        raise TransitionRefused(_("Take the need into scoping before drafting its mission order."))
    _check_rules(data)
    _check_supervisor(supervisor)
    mission = Mission.objects.create(
        need=need, organisation=need.organisation, created_by=by, supervisor=supervisor,
        **{f: data[f] for f in ORDER_FIELDS},
    )  # fmt: skip
    _set_relations(mission, domains, skills)
    _event(mission, by, MissionEvent.Kind.CREATED, detail=origin)
    return mission


@transaction.atomic
def mission_update(
    *, mission: Mission, by: User, data: dict[str, Any], domains: Iterable[Domain],
    skills: SkillNeeds, supervisor: User | None,
) -> Mission:  # fmt: skip
    """Edit the order. An approved or pending order goes back to draft: the organisation
    must approve the new version; the earlier versions stay as they were."""
    _require_coordinator(by)
    mission = _lock(mission)
    if not mission.is_editable:
        raise TransitionRefused(
            _("A %(status)s mission cannot be edited. Withdraw it from the catalogue first.")
            % {"status": mission.get_status_display().lower()}
        )
    _check_rules(data)
    _check_supervisor(supervisor)
    for field in ORDER_FIELDS:
        setattr(mission, field, data[field])
    mission.supervisor = supervisor
    mission.versions.filter(status=MissionOrderVersion.Status.PENDING).update(
        status=MissionOrderVersion.Status.SUPERSEDED
    )
    if mission.status in {Mission.Status.AWAITING_APPROVAL, Mission.Status.APPROVED}:
        mission.status = Mission.Status.DRAFT
    mission.save()
    _set_relations(mission, domains, skills)
    _event(mission, by, MissionEvent.Kind.EDITED)
    return mission


def order_snapshot(mission: Mission) -> dict[str, Any]:
    """Exactly what the organisation approves: every order field, in plain JSON values."""
    content: dict[str, Any] = {}
    for field in ORDER_FIELDS:
        value = getattr(mission, field)
        if isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif field == "country":
            value = value.code
        content[field] = value
    content["domains"] = [{"slug": d.slug, "fr": d.name_fr, "en": d.name_en}
                          for d in mission.domains.all()]  # fmt: skip
    content["skills"] = [
        {"slug": s.skill.slug, "fr": s.skill.name_fr, "en": s.skill.name_en, "level": s.level}
        for s in mission.skill_needs.select_related("skill")
    ]
    content["supervisor"] = mission.supervisor.full_name if mission.supervisor else ""
    return content


@transaction.atomic
def mission_submit_for_approval(*, mission: Mission, by: User) -> MissionOrderVersion:
    """Freeze the current order as a new version and ask the organisation to approve it."""
    _require_coordinator(by)
    mission = _lock(mission)
    if mission.status not in {Mission.Status.DRAFT, Mission.Status.CHANGES_REQUESTED}:
        raise TransitionRefused(_("Only a draft mission order can be sent for approval."))
    if mission.supervisor_id is None:
        raise DomainError(_("Choose a supervisor before sending the order."), field="supervisor")
    if not mission.skill_needs.exists():
        raise DomainError(_("Name at least one skill the mission needs."), field="skills")
    last = mission.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = MissionOrderVersion.objects.create(
        mission=mission, number=last + 1, content=order_snapshot(mission), created_by=by
    )
    mission.status = Mission.Status.AWAITING_APPROVAL
    mission.save(update_fields=["status", "updated_at"])
    _event(mission, by, MissionEvent.Kind.SUBMITTED, version=version)
    _mail_members(mission, "missions/mail/approval_requested", {"version": version.number})
    return version


def _pending_version(mission: Mission, number: int) -> MissionOrderVersion:
    if mission.status != Mission.Status.AWAITING_APPROVAL:
        raise TransitionRefused(_("This mission order is not awaiting your approval."))
    version = (
        mission.versions.select_for_update()
        .filter(status=MissionOrderVersion.Status.PENDING)
        .first()
    )
    if version is None or version.number != number:
        raise TransitionRefused(
            _("The order changed while you were reading it: read the latest version first.")
        )
    return version


def _decide(mission: Mission, by: User, number: int) -> tuple[Mission, MissionOrderVersion]:
    mission = _lock(mission)
    if not is_member(by, mission.organisation):
        raise DomainError(_("Only the organisation's members can approve its mission order."))
    version = _pending_version(mission, number)
    version.decided_by = by
    version.decided_at = timezone.now()
    return mission, version


def _mail_team(mission: Mission, template: str, context: dict[str, Any]) -> None:
    recipients = {mission.created_by}
    if mission.supervisor:
        recipients.add(mission.supervisor)
    for user in recipients:
        mail_user(user, template,
                  {"mission": mission.title, "path": f"/missions/{mission.pk}/manage/",
                   "organisation": mission.organisation.name, **context})  # fmt: skip


@transaction.atomic
def mission_approve(*, mission: Mission, by: User, version_number: int) -> MissionOrderVersion:
    """The organisation approves exactly version ``version_number`` of the order."""
    mission, version = _decide(mission, by, version_number)
    version.status = MissionOrderVersion.Status.APPROVED
    version.save()
    mission.status = Mission.Status.APPROVED
    mission.save(update_fields=["status", "updated_at"])
    _event(mission, by, MissionEvent.Kind.APPROVED, version=version)
    _mail_team(mission, "missions/mail/approved", {"version": version.number})
    return version


@transaction.atomic
def mission_request_changes(
    *, mission: Mission, by: User, version_number: int, comment: str
) -> MissionOrderVersion:
    if not comment.strip():
        raise DomainError(_("Say what should change."), field="comment")
    mission, version = _decide(mission, by, version_number)
    version.status = MissionOrderVersion.Status.CHANGES_REQUESTED
    version.comment = comment.strip()
    version.save()
    mission.status = Mission.Status.CHANGES_REQUESTED
    mission.save(update_fields=["status", "updated_at"])
    _event(mission, by, MissionEvent.Kind.CHANGES_REQUESTED, version=version,
           detail=version.comment)  # fmt: skip
    _mail_team(mission, "missions/mail/changes_requested", {"comment": version.comment})
    return version


@transaction.atomic
def mission_publish(*, mission: Mission, by: User, campuses: Sequence[Campus]) -> Mission:
    """Open an approved mission to the volunteers of the chosen campuses."""
    _require_coordinator(by)
    mission = _lock(mission)
    if mission.status != Mission.Status.APPROVED:
        raise TransitionRefused(_("Only an approved mission order can be published."))
    if not mission.organisation.is_verified:
        raise TransitionRefused(
            _("The organisation's eligibility has not been verified: it cannot have a "
              "published mission yet.")
        )  # fmt: skip
    if not campuses:
        raise DomainError(_("Choose at least one campus."), field="campuses")
    mission.status = Mission.Status.OPEN
    mission.published_at = timezone.now()
    mission.save(update_fields=["status", "published_at", "updated_at"])
    mission.campuses.set(campuses)
    _event(mission, by, MissionEvent.Kind.PUBLISHED,
           detail=", ".join(str(c) for c in campuses))  # fmt: skip
    _mail_members(mission, "missions/mail/published", {})
    transaction.on_commit(partial(tell_matching_volunteers.enqueue, mission_id=mission.pk))
    return mission


@transaction.atomic
def mission_unpublish(*, mission: Mission, by: User, reason: str) -> Mission:
    """Take a mission out of the catalogue (to correct it, for example)."""
    _require_coordinator(by)
    if not reason.strip():
        raise DomainError(_("Say why the mission leaves the catalogue."), field="reason")
    mission = _lock(mission)
    if mission.status != Mission.Status.OPEN:
        raise TransitionRefused(_("Only a published mission can be withdrawn from the catalogue."))
    mission.status = Mission.Status.APPROVED
    mission.save(update_fields=["status", "updated_at"])
    _event(mission, by, MissionEvent.Kind.UNPUBLISHED, detail=reason.strip())
    return mission
