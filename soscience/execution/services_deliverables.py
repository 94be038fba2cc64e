"""Delivering a file to the organisation: checked from its content, stored privately."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.errors import DomainError, TransitionRefused
from soscience.core.stored_files import atomic_with_files, store_file
from soscience.core.uploads import reencode_image, validate_deliverable
from soscience.execution.access_deliverables import may_deliver
from soscience.execution.models_deliverables import Deliverable
from soscience.missions.models import Mission
from soscience.notifications.services import notify


def deliverables_path(mission: Mission) -> str:
    return reverse("deliverables:list", kwargs={"pk": mission.pk})


def max_deliverable_bytes() -> int:
    return settings.SOSCIENCE_MAX_DELIVERABLE_BYTES


def upload_refusal(mission: Mission) -> str | None:
    """Why nothing can be delivered on this mission now, or None when it can."""
    if mission.status == Mission.Status.IN_PROGRESS:
        return None
    if mission.status == Mission.Status.CANCELLED:
        return _("The mission was cancelled: no file can be delivered any more.")
    if mission.status == Mission.Status.OPEN:
        return _("Files can be delivered once the mission has started.")
    return _("Files can be delivered only while the mission is in progress.")


@atomic_with_files
def deliverable_upload(
    *, mission: Mission, by: User, title: str, kind: str, file: UploadedFile,
    description: str = "",
) -> Deliverable:  # fmt: skip
    """Store a deliverable of a running mission; the supervisor and the organisation are told.

    Every check comes before the file is written, so a refused upload stores nothing; the
    file is removed again if the action fails after it (a full disk, the database lost).
    """
    mission = (
        # Lock the mission row only: PostgreSQL cannot lock the nullable side of the
        # supervisor's outer join.
        Mission.objects.select_for_update(of=("self",))
        .select_related("organisation", "supervisor")
        .get(pk=mission.pk)
    )
    if not may_deliver(by, mission):
        raise DomainError(_("Only the mission's team and its supervisor deliver files."))
    refusal = upload_refusal(mission)
    if refusal is not None:
        raise TransitionRefused(refusal)
    if not title.strip():
        raise DomainError(_("Give the file a title."), field="title")
    if kind not in Deliverable.Kind.values:
        raise DomainError(_("Choose what kind of file it is."), field="kind")
    try:
        content_type = validate_deliverable(file)
        # Images are written again (metadata and anything glued after the picture dropped).
        file = reencode_image(file, content_type)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="file") from None
    deliverable = Deliverable(
        mission=mission, title=title.strip(), kind=kind, description=description.strip(),
        original_name=(file.name or "file")[:200], content_type=content_type,
        size=file.size or 0, uploaded_by=by,
    )  # fmt: skip
    store_file(deliverable, "file", file, form_field="file")
    deliverable.save()
    _tell_about_deliverable(deliverable)
    return deliverable


def _tell_about_deliverable(deliverable: Deliverable) -> None:
    """The supervisor and the organisation's members, never the person who delivered it."""
    mission = deliverable.mission
    members = {m.user.pk: m.user for m in mission.organisation.memberships.select_related("user")}
    readers: dict[int, User] = {}
    if mission.supervisor_id is not None and mission.supervisor_id not in members:
        readers[mission.supervisor_id] = mission.supervisor  # type: ignore[assignment]
    context = {
        "mission": mission.title,
        "title": deliverable.title,
        "author": str(deliverable.uploaded_by),
        "name": deliverable.original_name,
    }
    # The organisation's members get it as the news it is (weekly if their organisation
    # chose so); the supervisor at once, or as they chose.
    for people, news_from in ((members, mission.organisation), (readers, None)):
        people.pop(deliverable.uploaded_by_id, None)
        for user in people.values():
            notify(user, "execution/mail/deliverable_uploaded", context,
                   url=deliverables_path(mission), news_from=news_from)  # fmt: skip
