from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.core.mail import mail_user
from soscience.core.stored_files import atomic_with_files, store_file
from soscience.core.uploads import reencode_image, validate_document
from soscience.organisations.access import is_member
from soscience.organisations.models import (
    MemberInvitation,
    Membership,
    Organisation,
    OrganisationEvent,
)
from soscience.privacy.audit import Action, audit

EDITABLE_FIELDS = (
    "name", "legal_form", "country", "city", "website", "social_mission", "beneficiaries",
    "siren", "siret", "rna",
)  # fmt: skip


def _attach_proof(organisation: Organisation, proof: UploadedFile) -> None:
    organisation.proof_content_type = validate_document(proof)
    proof = reencode_image(proof, organisation.proof_content_type)
    organisation.proof_name = (proof.name or "proof")[:200]
    store_file(organisation, "proof_document", proof, form_field="proof")


def _mail_coordinators(organisation: Organisation) -> None:
    """Tell the team an organisation awaits the verification of its eligibility."""
    for coordinator in User.objects.with_role(Role.COORDINATOR):
        mail_user(
            coordinator,
            "organisations/mail/to_review",
            {"organisation": organisation.name, "path": f"/organisations/{organisation.pk}/"},
        )


def _mail_members(organisation: Organisation, template: str, context: dict[str, Any]) -> None:
    for membership in organisation.memberships.select_related("user"):
        mail_user(membership.user, template, {"organisation": organisation.name, **context})


@atomic_with_files
def organisation_register(*, by: User, data: dict[str, Any], proof: UploadedFile) -> Organisation:
    """Register an organisation; ``by`` becomes its representative. It awaits review."""
    organisation = Organisation(created_by=by, **{f: data[f] for f in EDITABLE_FIELDS})
    _attach_proof(organisation, proof)
    organisation.save()
    Membership.objects.create(organisation=organisation, user=by, is_representative=True)
    OrganisationEvent.objects.create(
        organisation=organisation, actor=by, kind=OrganisationEvent.Kind.REGISTERED
    )
    _mail_coordinators(organisation)
    return organisation


@atomic_with_files
def organisation_update(
    *, organisation: Organisation, by: User, data: dict[str, Any], proof: UploadedFile | None
) -> Organisation:
    """Change the details; a rejected organisation goes back to the review queue."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.is_verified and not is_coordinator(by):
        raise TransitionRefused(
            _("A verified organisation's details are locked; ask the team to change them.")
        )
    for field in EDITABLE_FIELDS:
        setattr(organisation, field, data[field])
    if proof is not None:
        _attach_proof(organisation, proof)
    kind = None
    if organisation.status == Organisation.Status.REJECTED:
        organisation.status = Organisation.Status.PENDING
        organisation.submitted_at = timezone.now()
        kind = OrganisationEvent.Kind.UPDATED
    organisation.save()
    if kind:
        OrganisationEvent.objects.create(organisation=organisation, actor=by, kind=kind)
        _mail_coordinators(organisation)
    return organisation


_ORG_ACTIONS = {
    Organisation.Status.VERIFIED: Action.ORGANISATION_VERIFIED,
    Organisation.Status.REJECTED: Action.ORGANISATION_REJECTED,
}


def _decide(
    *, organisation: Organisation, by: User, status: str, kind: str, reason: str
) -> Organisation:
    if not is_coordinator(by):
        raise DomainError(_("Only coordinators decide on eligibility."))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status != Organisation.Status.PENDING:
        raise TransitionRefused(_("Only an organisation awaiting verification can be decided on."))
    organisation.status = status
    organisation.decision_reason = reason
    organisation.reviewed_by = by
    organisation.reviewed_at = timezone.now()
    organisation.save(update_fields=["status", "decision_reason", "reviewed_by", "reviewed_at"])
    OrganisationEvent.objects.create(organisation=organisation, actor=by, kind=kind, detail=reason)
    audit(_ORG_ACTIONS[status], actor=by, target=organisation, detail={"reason": reason})
    _mail_members(
        organisation,
        "organisations/mail/decision",
        {"verified": status == Organisation.Status.VERIFIED, "reason": reason,
         "path": f"/organisations/{organisation.pk}/"},
    )  # fmt: skip
    return organisation


@transaction.atomic
def organisation_verify(*, organisation: Organisation, by: User, note: str = "") -> Organisation:
    """Principle 1: the team checked the organisation creates social benefit."""
    return _decide(
        organisation=organisation, by=by, status=Organisation.Status.VERIFIED,
        kind=OrganisationEvent.Kind.VERIFIED, reason=note.strip(),
    )  # fmt: skip


@transaction.atomic
def organisation_reject(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    """Refuse eligibility; the reason is shown to the organisation, which may correct and
    resubmit."""
    if not reason.strip():
        raise DomainError(_("Say why, so the organisation can understand."), field="reason")
    return _decide(
        organisation=organisation, by=by, status=Organisation.Status.REJECTED,
        kind=OrganisationEvent.Kind.REJECTED, reason=reason.strip(),
    )  # fmt: skip


@transaction.atomic
def member_invite(*, organisation: Organisation, by: User, email: str) -> Membership | None:
    """Add a colleague: at once if they have an account, else when they sign up with
    that address and verify it."""
    email = email.strip().lower()
    if not (is_coordinator(by) or organisation.memberships.filter(user=by).exists()):
        raise DomainError(_("Only the organisation's members can add a colleague."))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if organisation.memberships.filter(user=existing).exists():
            raise DomainError(_("This person is already a member."), field="email")
        membership = Membership.objects.create(organisation=organisation, user=existing)
        OrganisationEvent.objects.create(
            organisation=organisation, actor=by, kind=OrganisationEvent.Kind.MEMBER_ADDED,
            detail=existing.email,
        )  # fmt: skip
        mail_user(existing, "organisations/mail/member_added",
                  {"organisation": organisation.name, "inviter": by.full_name,
                   "path": f"/organisations/{organisation.pk}/"})  # fmt: skip
        return membership
    MemberInvitation.objects.get_or_create(
        organisation=organisation, email=email, accepted_at=None, defaults={"invited_by": by}
    )
    mail_user(
        User(email=email, language=by.language),
        "organisations/mail/member_invited",
        {"organisation": organisation.name, "inviter": by.full_name, "path": "/accounts/signup/"},
    )
    return None


@transaction.atomic
def memberships_claim(*, user: User, email: str) -> int:
    """Turn open invitations for a just-verified address into memberships."""
    claimed = 0
    invitations = MemberInvitation.objects.select_for_update().filter(
        email__iexact=email, accepted_at__isnull=True
    )
    for invitation in invitations:
        _membership, created = Membership.objects.get_or_create(
            organisation=invitation.organisation, user=user
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        if created:
            OrganisationEvent.objects.create(
                organisation=invitation.organisation, actor=user,
                kind=OrganisationEvent.Kind.MEMBER_ADDED, detail=user.email,
            )  # fmt: skip
            claimed += 1
    user.__dict__.pop("roles", None)
    return claimed


@transaction.atomic
def organisation_set_news_frequency(
    *, organisation: Organisation, by: User, frequency: str
) -> Organisation:
    """A member (or a coordinator) chooses immediate or weekly mission news for all members.
    Not a detail the verification covers, so it stays open once verified."""
    if not (is_member(by, organisation) or is_coordinator(by)):
        raise PermissionDenied(_("Only the organisation's members choose how it gets news."))
    organisation.news_frequency = Organisation.NewsFrequency(frequency)
    organisation.save(update_fields=["news_frequency"])
    return organisation
