"""Who may see, download, issue or revoke certificates.

Coordinators issue, revoke and reissue. A certificate's PDF is the volunteer's own: only
they and coordinators download it; anyone else gets 404 (they may not know it exists).
Verification by code is public (views.py): the unguessable code is the secret.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from soscience.certificates.models import Certificate
from soscience.core.access import is_coordinator, require_coordinator
from soscience.missions.models import Mission


def mission_for_certificates(user: object, pk: int) -> Mission:
    """A mission's certificates page and the issue button: coordinators only (403)."""
    require_coordinator(user)
    mission = Mission.objects.select_related("organisation", "supervisor").filter(pk=pk).first()
    if mission is None:
        raise Http404
    return mission


def certificate_to_manage(user: object, pk: int) -> Certificate:
    """A certificate to read in full, revoke or reissue: coordinators only (403)."""
    require_coordinator(user)
    certificate = (
        Certificate.objects.select_related("mission", "volunteer", "replaces", "revoked_by")
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


def certificate_for_download(user: object, pk: int) -> Certificate:
    """The PDF: its volunteer and coordinators; 404 for anyone else.

    A revoked certificate is no longer the volunteer's to hand out (403, they know it);
    coordinators may still download it for the record.
    """
    certificate = Certificate.objects.filter(pk=pk).first()
    if certificate is None:
        raise Http404
    coordinator = is_coordinator(user)
    own = getattr(user, "is_authenticated", False) and certificate.volunteer_id == user.pk  # type: ignore[attr-defined]
    if not (coordinator or own):
        raise Http404
    if certificate.revoked_at is not None and not coordinator:
        raise PermissionDenied(_("This certificate was revoked: it can no longer be used."))
    return certificate
