from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.core.mail import mail_user
from soscience.core.models import Domain
from soscience.core.stored_files import atomic_with_files, store_file
from soscience.core.uploads import reencode_image, validate_document
from soscience.needs.models import Need, NeedAttachment, NeedEvent
from soscience.organisations.access import is_member
from soscience.organisations.models import Organisation

NEED_FIELDS = (
    "title", "problem", "context", "already_tried", "desired_outcome", "country", "city",
    "deadline",
)  # fmt: skip
MAX_ATTACHMENTS = 10


def _check_may_write(user: User, organisation: Organisation) -> None:
    if not (is_coordinator(user) or is_member(user, organisation)):
        raise DomainError(_("Only the organisation's members or the team can do this."))


def _add_attachments(need: Need, by: User, files: Sequence[UploadedFile]) -> None:
    if need.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise DomainError(
            _("A need can have at most %(n)d attachments.") % {"n": MAX_ATTACHMENTS},
            field="attachments",
        )
    for upload in files:
        content_type = validate_document(upload)
        upload = reencode_image(upload, content_type)
        attachment = NeedAttachment(
            need=need, original_name=(upload.name or "file")[:200],
            content_type=content_type, size=upload.size or 0, uploaded_by=by,
        )  # fmt: skip
        store_file(attachment, "file", upload, form_field="attachments")
        attachment.save()


def _event(need: Need, by: User, kind: str, detail: str = "") -> None:
    NeedEvent.objects.create(need=need, actor=by, kind=kind, detail=detail)


@atomic_with_files
def need_submit(
    *, organisation: Organisation, by: User, data: dict[str, Any],
    domains: Iterable[Domain], attachments: Sequence[UploadedFile] = (),
) -> Need:  # fmt: skip
    """Record a need described by an organisation member (or a coordinator for them)."""
    _check_may_write(by, organisation)
    if organisation.status == Organisation.Status.REJECTED:
        raise DomainError(
            _("This organisation's eligibility was rejected: update its details first.")
        )
    need = Need.objects.create(
        organisation=organisation, submitted_by=by, **{f: data[f] for f in NEED_FIELDS}
    )
    need.domains.set(domains)
    _add_attachments(need, by, attachments)
    _event(need, by, NeedEvent.Kind.SUBMITTED)
    for coordinator in User.objects.with_role(Role.COORDINATOR):
        mail_user(coordinator, "needs/mail/new_need",
                  {"need": need.title, "organisation": organisation.name,
                   "path": f"/needs/{need.pk}/"})  # fmt: skip
    return need


def _locked(need: Need) -> Need:
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not need.is_editable:
        raise TransitionRefused(
            _("This need has already been triaged by the team (%(status)s): it can no longer "
              "be changed.") % {"status": need.get_status_display()}
        )  # fmt: skip
    return need


@atomic_with_files
def need_update(
    *, need: Need, by: User, data: dict[str, Any], domains: Iterable[Domain],
    attachments: Sequence[UploadedFile] = (),
) -> Need:  # fmt: skip
    """Edit a need until the team triages it."""
    _check_may_write(by, need.organisation)
    need = _locked(need)
    for field in NEED_FIELDS:
        setattr(need, field, data[field])
    need.save()
    need.domains.set(domains)
    _add_attachments(need, by, attachments)
    _event(need, by, NeedEvent.Kind.EDITED)
    return need


@transaction.atomic
def need_withdraw(*, need: Need, by: User) -> Need:
    _check_may_write(by, need.organisation)
    need = _locked(need)
    need.status = Need.Status.WITHDRAWN
    need.save(update_fields=["status", "updated_at"])
    _event(need, by, NeedEvent.Kind.WITHDRAWN)
    return need


def _triage(need: Need, by: User, *, allowed: set[str]) -> Need:
    if not is_coordinator(by):
        raise DomainError(_("Only coordinators triage needs."))
    need = (
        Need.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=need.pk)
    )
    if need.status not in allowed:
        raise TransitionRefused(
            _("This need is “%(status)s”: that is not possible now.")
            % {"status": need.get_status_display()}
        )
    need.triaged_by = by
    need.triaged_at = timezone.now()
    return need


def _mail_organisation(need: Need, template: str, context: dict[str, Any]) -> None:
    for membership in need.organisation.memberships.select_related("user"):
        mail_user(membership.user, template,
                  {"need": need.title, "path": f"/needs/{need.pk}/", **context})  # fmt: skip


@transaction.atomic
def need_take_into_scoping(*, need: Need, by: User) -> Need:
    need = _triage(need, by, allowed={Need.Status.SUBMITTED})
    need.status = Need.Status.SCOPING
    need.save()
    _event(need, by, NeedEvent.Kind.SCOPING)
    _mail_organisation(need, "needs/mail/scoping", {})
    return need


@transaction.atomic
def need_decline(*, need: Need, by: User, reason: str, detail: str) -> Need:
    """Decline with a reason the organisation sees (not scientific, not social...)."""
    if reason not in Need.DeclineReason.values:
        raise DomainError(_("Choose a reason."), field="reason")
    if not detail.strip():
        raise DomainError(_("Explain the decision to the organisation."), field="detail")
    need = _triage(need, by, allowed={Need.Status.SUBMITTED, Need.Status.SCOPING})
    if need.missions.exclude(status="cancelled").exists():
        raise TransitionRefused(_("A mission order exists for this need: cancel it first."))
    need.status = Need.Status.DECLINED
    need.decline_reason = reason
    need.decline_detail = detail.strip()
    need.save()
    _event(need, by, NeedEvent.Kind.DECLINED, detail=need.decline_detail)
    _mail_organisation(need, "needs/mail/declined",
                       {"reason": need.get_decline_reason_display(),
                        "detail": need.decline_detail})  # fmt: skip
    return need


@transaction.atomic
def need_mark_duplicate(*, need: Need, by: User, original: Need) -> Need:
    if original.pk == need.pk:
        raise DomainError(_("A need cannot duplicate itself."), field="original")
    # Point at the first need of a chain, so duplicates never form a cycle.
    while original.duplicate_of_id is not None:
        original = original.duplicate_of  # type: ignore[assignment]
        if original.pk == need.pk:
            raise DomainError(_("That need is itself a duplicate of this one."), field="original")
    need = _triage(need, by, allowed={Need.Status.SUBMITTED})
    need.status = Need.Status.DUPLICATE
    need.duplicate_of = original
    need.save()
    _event(need, by, NeedEvent.Kind.DUPLICATE, detail=f"#{original.pk} {original.title}")
    _mail_organisation(
        need,
        "needs/mail/duplicate",
        {"original": original.title, "original_path": f"/needs/{original.pk}/"},
    )
    return need
