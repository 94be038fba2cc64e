from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import Invitation, User
from soscience.accounts.roles import TEAM_ROLES, Role
from soscience.core.errors import DomainError
from soscience.core.mail import mail_user
from soscience.privacy.audit import Action, audit
from soscience.privacy.consents import consent_record
from soscience.privacy.models import Consent


def role_grant(*, user: User, role: Role, by: User | None = None) -> None:
    """Give ``user`` a group-based role (idempotent). ``by``: who gave it, for the audit log
    (None: the platform), which records only a real change."""
    group, _created = Group.objects.get_or_create(name=role.value)
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        audit(Action.ROLE_GRANTED, actor=by, target=user, detail={"role": role.value})
    user.__dict__.pop("roles", None)


def role_revoke(*, user: User, role: Role, by: User | None = None) -> None:
    """Take a group-based role away from ``user`` (idempotent, audited as ``role_grant``)."""
    groups = list(user.groups.filter(name=role.value))
    if groups:
        user.groups.remove(*groups)
        audit(Action.ROLE_REVOKED, actor=by, target=user, detail={"role": role.value})
    user.__dict__.pop("roles", None)


def user_after_signup(*, user: User, joining_as: str) -> None:
    """Roles given at sign-up: a volunteer says so; an organisation member becomes one by
    registering (or joining) an organisation."""
    # The privacy notice shown on the sign-up form, recorded with its version.
    consent_record(user=user, purpose=Consent.Purpose.PRIVACY, given=True)
    if joining_as == "volunteer":
        role_grant(user=user, role=Role.VOLUNTEER, by=user)


@transaction.atomic
def invitation_create(*, email: str, role: str, by: User) -> Invitation:
    """Invite someone to the coordination team; the mail holds a single-use link."""
    if not by.is_coordinator:
        raise DomainError(_("Only coordinators can invite team members."))
    if role not in TEAM_ROLES:
        raise DomainError(_("This role cannot be given by invitation."), field="role")
    email = email.strip().lower()
    invitation = Invitation.objects.create(email=email, role=role, invited_by=by)
    existing = User.objects.filter(email=email).first()
    recipient = existing or User(email=email, full_name="", language=by.language)
    mail_user(
        recipient,
        "accounts/mail/invitation",
        {
            "inviter": by.full_name,
            "role": Role(role).label,
            "path": f"/invitation/{invitation.token}/",
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, user: User | None = None, full_name: str = "", password: str = ""
) -> User:
    """Use an invitation: an existing account gains the role, or a new one is made.

    The invitation proves the address (it was mailed there), so a new account's email
    is marked verified.
    """
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_usable:
        raise DomainError(_("This invitation is no longer valid. Ask the team for a new one."))
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise DomainError(_("An account already uses this address: log in to accept."))
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif user.email.lower() != invitation.email:
        raise DomainError(_("This invitation was sent to another address."))
    role_grant(user=user, role=Role(invitation.role), by=invitation.invited_by)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
