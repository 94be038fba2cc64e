"""Issuing, revoking and reissuing certificates. Every write goes here.

A certificate copies what it certifies when it is issued (models.py): a later change to the
mission, the hours or the account never changes one already handed out; a coordinator
revokes it and issues a new one that ``replaces`` it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.applications.models import TeamMember
from soscience.certificates.codes import new_code
from soscience.certificates.models import Certificate
from soscience.closing.models import VolunteerSurvey
from soscience.core.errors import DomainError, TransitionRefused
from soscience.execution.models import HoursEntry
from soscience.missions.models import Mission
from soscience.notifications.services import notify
from soscience.privacy.audit import Action, audit

ZERO = Decimal("0.00")
LANGUAGES = ("fr", "en")


def mission_refusal(mission: Mission) -> str | None:
    """Why no certificate can be issued for this mission yet, or None."""
    if mission.status != Mission.Status.CLOSED:
        return _("Certificates are issued once the mission is closed; it is “%(status)s”.") % {
            "status": mission.get_status_display()
        }
    return None


def hours_refusal(name: str, validated: Decimal, pending: Decimal) -> str | None:
    """Only validated hours count: a certificate with none would certify nothing."""
    if validated > ZERO:
        return None
    if pending > ZERO:
        return _(
            "%(name)s has no validated hours on this mission: %(pending)s h await the "
            "supervisor's validation."
        ) % {"name": name, "pending": floatformat(pending, -2)}
    return _("%(name)s has no validated hours on this mission.") % {"name": name}


def volunteer_hours(mission: Mission, volunteer: User) -> tuple[Decimal, Decimal]:
    """(validated, pending) hours of one volunteer on one mission."""
    sums = HoursEntry.objects.filter(mission=mission, volunteer=volunteer).aggregate(
        validated=Sum("hours", filter=Q(validated_at__isnull=False)),
        pending=Sum("hours", filter=Q(validated_at__isnull=True)),
    )
    return sums["validated"] or ZERO, sums["pending"] or ZERO


def _skills(mission: Mission, volunteer: User, language: str) -> list[str]:
    """What the volunteer said they used in their closing survey; the skills the mission
    asked for when they did not answer it (or named none)."""
    label = "name_en" if language == "en" else "name_fr"
    survey = VolunteerSurvey.objects.filter(mission=mission, volunteer=volunteer).first()
    if survey is not None:
        used = sorted(getattr(skill, label) for skill in survey.skills_used.all())
        if used:
            return used
    needs = mission.skill_needs.select_related("skill")
    return [getattr(need.skill, label) for need in needs]


def _locked_mission(mission: Mission) -> Mission:
    # Two coordinators issuing at once: the second waits and then sees the first's rows.
    return (
        Mission.objects.select_for_update(of=("self",))
        .select_related("organisation", "supervisor")
        .get(pk=mission.pk)
    )


def _create(
    mission: Mission, volunteer: User, by: User, replaces: Certificate | None = None
) -> Certificate:
    """Check the rules for one volunteer, write the snapshot, tell the volunteer."""
    refusal = mission_refusal(mission)
    if refusal:
        raise TransitionRefused(refusal)
    name = volunteer.full_name or volunteer.email
    if not TeamMember.objects.filter(mission=mission, volunteer=volunteer).exists():
        raise DomainError(_("%(name)s is not on the mission's team.") % {"name": name})
    valid = Certificate.objects.filter(mission=mission, volunteer=volunteer, revoked_at=None)
    if existing := valid.first():
        raise TransitionRefused(
            _("%(name)s already has a valid certificate (%(code)s): revoke it first.")
            % {"name": name, "code": existing.code}
        )
    validated, pending = volunteer_hours(mission, volunteer)
    refusal = hours_refusal(name, validated, pending)
    if refusal:
        raise TransitionRefused(refusal)
    language = volunteer.language if volunteer.language in LANGUAGES else "fr"
    certificate = Certificate.objects.create(
        code=_unused_code(), mission=mission, volunteer=volunteer, language=language,
        volunteer_name=name, mission_title=mission.title,
        # The volunteer's own certificate names the organisation they worked for, even
        # for a discreet mission (docs/decisions.md, "Certificates").
        organisation_name=mission.organisation.name,
        supervisor_name=mission.supervisor.full_name if mission.supervisor else "",
        start_date=mission.kicked_off_on or mission.start_date,
        end_date=mission.end_date, hours=validated,
        skills=_skills(mission, volunteer, language), issued_by=by, replaces=replaces,
    )  # fmt: skip
    audit(
        Action.CERTIFICATE_REISSUED if replaces else Action.CERTIFICATE_ISSUED, actor=by,
        target=certificate, detail={"replaces": replaces.code} if replaces else None,
    )  # fmt: skip
    context = {"mission": certificate.mission_title, "code": certificate.code}
    template = "certificates/mail/reissued" if replaces else "certificates/mail/issued"
    notify(volunteer, template, context, url=reverse("certificates:mine"))
    return certificate


def _unused_code() -> str:
    # 60 random bits: a clash is next to impossible, but checking costs one query.
    while Certificate.objects.filter(code=(code := new_code())).exists():
        pass  # pragma: no cover
    return code


@transaction.atomic
def certificate_issue(*, mission: Mission, volunteer: User, by: User) -> Certificate:
    """Issue one team member's certificate for a closed mission."""
    return _create(_locked_mission(mission), volunteer, by)


@dataclass
class IssueResult:
    issued: list[Certificate] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one reason per volunteer left out


@transaction.atomic
def certificates_issue_for_mission(*, mission: Mission, by: User) -> IssueResult:
    """Issue a certificate to every team member who has none yet and validated hours.

    Those who cannot have one are left out with the reason; the others get theirs (one
    volunteer's missing validation does not hold back the rest of the team).
    """
    mission = _locked_mission(mission)
    refusal = mission_refusal(mission)
    if refusal:
        raise TransitionRefused(refusal)
    holders = set(
        Certificate.objects.filter(mission=mission, revoked_at=None).values_list(
            "volunteer_id", flat=True
        )
    )
    result = IssueResult()
    team = TeamMember.objects.filter(mission=mission).select_related("volunteer")
    for member in team.order_by("volunteer__full_name"):
        if member.volunteer_id in holders:
            continue
        try:
            result.issued.append(_create(mission, member.volunteer, by))
        except DomainError as error:
            result.refused.append(error.message)
    if not result.issued and not result.refused:
        raise TransitionRefused(_("Every member of the team already has a valid certificate."))
    return result


def _locked_certificate(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("mission", "volunteer")
        .get(pk=certificate.pk)
    )


def _revoke(certificate: Certificate, by: User, reason: str) -> None:
    if certificate.revoked_at is not None:
        raise TransitionRefused(_("This certificate was already revoked."))
    if not reason.strip():
        raise DomainError(_("Say why the certificate is revoked."), field="reason")
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Revoke a certificate: its verification page says so from now on."""
    certificate = _locked_certificate(certificate)
    _revoke(certificate, by, reason)
    audit(Action.CERTIFICATE_REVOKED, actor=by, target=certificate, detail={"reason": reason})
    context = {"mission": certificate.mission_title, "code": certificate.code, "reason": reason}
    notify(
        certificate.volunteer, "certificates/mail/revoked", context,
        url=reverse("certificates:mine"),
    )  # fmt: skip
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Revoke a certificate (if still valid) and issue a new one, with a new code, that
    replaces it: the hours, names and skills are read again as they are now."""
    certificate = _locked_certificate(certificate)
    if Certificate.objects.filter(replaces=certificate).exists():
        raise TransitionRefused(_("This certificate was already replaced by a newer one."))
    mission = _locked_mission(certificate.mission)
    if certificate.revoked_at is None:
        _revoke(certificate, by, reason)
    return _create(mission, certificate.volunteer, by, replaces=certificate)
