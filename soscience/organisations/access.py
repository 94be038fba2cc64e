"""Who may see or change an organisation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from soscience.core.access import asked_once, is_coordinator
from soscience.organisations.models import Membership, Organisation


def is_member(user: object, organisation: Organisation) -> bool:
    return asked_once(
        user,
        organisation,
        "member",
        lambda: Membership.objects.filter(organisation=organisation, user=user).exists(),
    )


def organisation_for_user(user: object, pk: int, *, for_write: bool = False) -> Organisation:
    """The organisation ``pk`` if ``user`` may see it (coordinators, its members).

    Raises Http404 for anyone else, so the organisation's existence is not revealed.
    With ``for_write``, members may change it only while it is not yet verified.
    """
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    coordinator = is_coordinator(user)
    member = is_member(user, organisation)
    if not (coordinator or member):
        raise Http404
    if for_write and not coordinator and organisation.is_verified:
        raise PermissionDenied(
            _("A verified organisation's details are locked; ask the team to change them.")
        )
    return organisation
