"""Erasing an account (on request, or after long inactivity): the person's own data goes, the
records that others rely on stay, attributed to "Former volunteer"."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import ERASED_NAME, User
from soscience.accounts.roles import Role
from soscience.core.errors import DomainError
from soscience.organisations.models import Membership
from soscience.privacy.audit import Action, audit

ERASED_DOMAIN = "invalid.soscience"


def erased_email(user: User) -> str:
    return f"erased-{user.pk}@{ERASED_DOMAIN}"


def erase_refusal(user: User) -> str | None:
    """Why ``user``'s account cannot be erased now, or None. The platform must keep someone to
    run it, and an organisation must keep someone to answer for its needs and missions."""
    if Role.COORDINATOR in user.roles:
        others = User.objects.with_role(Role.COORDINATOR).exclude(pk=user.pk)
        if not others.exists():
            return _(
                "You are the last coordinator: invite another coordinator before erasing "
                "your account."
            )
    alone_in = [
        membership.organisation.name
        for membership in Membership.objects.filter(user=user).select_related("organisation")
        if not Membership.objects.filter(organisation=membership.organisation_id)
        .exclude(user=user)
        .exists()
    ]
    if alone_in:
        return _(
            "You are the only member of %(names)s: add another member (or ask the team to "
            "close the organisation) before erasing your account."
        ) % {"names": ", ".join(sorted(alone_in))}
    return None


def _delete_sessions(user: User) -> None:
    """Sign the person out everywhere (the unusable password already invalidates the sessions'
    hash; removing them also removes what they held)."""
    pk = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == pk
    ]
    Session.objects.filter(pk__in=stale).delete()


def _delete_own_data(user: User) -> None:
    """What is only about the person: removed (the profile takes its skills and availability
    with it)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    from soscience.api.models import ApiToken
    from soscience.groups.models import GroupMember
    from soscience.matching.models import MissionAlert
    from soscience.network.models import CampusDigestSent
    from soscience.notifications.models import Notification, NotificationPreference
    from soscience.volunteers.models import Ambassadorship, VolunteerProfile

    for model, lookup in (
        (VolunteerProfile, "user"), (Notification, "user"), (NotificationPreference, "user"),
        (ApiToken, "user"), (EmailAddress, "user"), (Authenticator, "user"),
        (Ambassadorship, "user"), (Membership, "user"), (GroupMember, "user"),
        (MissionAlert, "volunteer"), (CampusDigestSent, "volunteer"), (UserSession, "user"),
    ):  # fmt: skip
        model._default_manager.filter(**{lookup: user}).delete()


def _anonymise_registrations(user: User) -> None:
    """Event registrations keep the attendance figures, without the name and address."""
    from soscience.events.models import Registration

    Registration.objects.filter(user=user).update(name=ERASED_NAME, email=erased_email(user))


@transaction.atomic
def account_erase(*, user: User, by: User | None = None) -> User:
    """Anonymise ``user``: name and address replaced, password unusable, account inactive,
    personal rows deleted, sessions ended. Applications, team places, hours, news and
    certificates stay as records of the missions (certificates still verify: their text was
    copied when issued). Refused with the reason when the account must stay. ``by`` is the
    person who asked (None: the retention job); the audit log keeps only the erased address."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.anonymised_at is not None:
        return user
    refusal = erase_refusal(user)
    if refusal is not None:
        raise DomainError(refusal)
    _delete_own_data(user)
    _anonymise_registrations(user)
    user.groups.clear()
    user.user_permissions.clear()
    user.full_name = ERASED_NAME
    user.email = erased_email(user)
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.anonymised_at = timezone.now()
    user.save()
    user.__dict__.pop("roles", None)
    _delete_sessions(user)
    audit(Action.ACCOUNT_ERASED, actor=user if by is not None else None, target=user)
    return user
