"""Who may see or change a need."""

from __future__ import annotations

from django.http import Http404

from soscience.core.access import is_coordinator
from soscience.needs.models import Need, NeedAttachment
from soscience.organisations.access import is_member


def need_for_user(user: object, pk: int) -> Need:
    """The need ``pk`` for coordinators and members of its organisation; Http404 otherwise.

    Which changes are allowed (edit, withdraw, triage) is decided by the services, which
    refuse with a reason.
    """
    need = Need.objects.select_related("organisation").filter(pk=pk).first()
    if need is None:
        raise Http404
    if not (is_coordinator(user) or is_member(user, need.organisation)):
        raise Http404
    return need


def attachment_for_user(user: object, need_pk: int, pk: int) -> NeedAttachment:
    need = need_for_user(user, need_pk)
    attachment = need.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment
