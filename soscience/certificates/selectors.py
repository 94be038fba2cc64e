"""Reads for the certificates pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from soscience.accounts.models import User
from soscience.applications.models import TeamMember
from soscience.certificates.models import Certificate
from soscience.certificates.services import ZERO, hours_refusal, mission_refusal
from soscience.execution.services_hours import hours_totals
from soscience.missions.models import Mission


@dataclass(frozen=True)
class TeamRow:
    """One team member on the coordinator's certificates page."""

    volunteer: User
    validated: Decimal
    pending: Decimal
    certificate: Certificate | None  # the valid one, if any
    refusal: str | None  # why none can be issued now


def mission_certificates(mission: Mission) -> dict[str, object]:
    """The team with their hours and certificates, and every certificate of the mission
    (revoked ones too), in five queries whatever the team's size."""
    _totals, per_volunteer = hours_totals(mission)
    hours = {row["volunteer_id"]: row for row in per_volunteer}
    certificates = list(
        Certificate.objects.filter(mission=mission).select_related("volunteer", "replaces")
    )
    valid = {c.volunteer_id: c for c in certificates if c.revoked_at is None}
    closed_refusal = mission_refusal(mission)
    rows = []
    team = TeamMember.objects.filter(mission=mission).select_related("volunteer")
    for member in team.order_by("volunteer__full_name"):
        volunteer = member.volunteer
        sums = hours.get(volunteer.pk, {})
        validated, pending = sums.get("validated", ZERO), sums.get("pending", ZERO)
        name = volunteer.full_name or volunteer.email
        row = TeamRow(
            volunteer=volunteer, validated=validated, pending=pending,
            certificate=valid.get(volunteer.pk),
            refusal=closed_refusal or hours_refusal(name, validated, pending),
        )  # fmt: skip
        rows.append(row)
    return {
        "rows": rows,
        "certificates": certificates,
        "mission_refusal": closed_refusal,
        "may_issue": closed_refusal is None
        and any(r.certificate is None and r.refusal is None for r in rows),
    }


def certificates_of(user: User) -> QuerySet[Certificate]:
    """A volunteer's certificates, newest first, revoked ones included (marked)."""
    return Certificate.objects.filter(volunteer=user).select_related("replaced_by")


def certificate_by_code(code: str) -> Certificate | None:
    return Certificate.objects.filter(code=code).select_related("replaced_by").first()


def replacement_of(certificate: Certificate) -> Certificate | None:
    return Certificate.objects.filter(replaces=certificate).first()
