"""Running a mission: kick-off, extension, milestones, progress news and replies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.core.models import PlatformSettings
from soscience.core.stored_files import atomic_with_files, store_file
from soscience.core.uploads import reencode_image, validate_document
from soscience.execution.access import can_read_internal, is_supervisor, is_team_member
from soscience.execution.models import Milestone, ProgressUpdate, UpdateAttachment, UpdateReply
from soscience.missions.models import Mission, MissionEvent
from soscience.notifications.services import notify
from soscience.organisations.access import is_member

# Principle 2 keeps missions time-limited; an extension may go beyond the usual maximum
# by half of it, never more, so a mission cannot become open-ended by repeated extensions.
EXTENSION_FACTOR = 1.5
MAX_ATTACHMENTS = 5


def space_path(mission: Mission) -> str:
    return reverse("execution:space", kwargs={"pk": mission.pk})


def _lock(mission: Mission) -> Mission:
    return (
        Mission.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=mission.pk)
    )


def _require_running_side(user: User, mission: Mission) -> None:
    """Milestones are kept by the team, its supervisor and coordinators."""
    if not can_read_internal(user, mission):
        raise DomainError(_("Only the mission's team, supervisor or coordinators can do this."))


@transaction.atomic
def mission_kick_off(*, mission: Mission, by: User, on: dt.date | None = None) -> Mission:
    """The mission starts: OPEN -> IN_PROGRESS, with at least one volunteer on the team."""
    mission = _lock(mission)
    if not (is_coordinator(by) or is_supervisor(by, mission)):
        raise DomainError(_("Only a coordinator or the mission's supervisor can kick it off."))
    if mission.status != Mission.Status.OPEN:
        raise TransitionRefused(_("Only a published mission can be kicked off."))
    if not mission.team.exists():
        raise TransitionRefused(_("The mission has no team yet: select a volunteer first."))
    mission.status = Mission.Status.IN_PROGRESS
    mission.kicked_off_on = on or timezone.localdate()
    mission.save(update_fields=["status", "kicked_off_on", "updated_at"])
    MissionEvent.objects.create(mission=mission, actor=by, kind=MissionEvent.Kind.KICKED_OFF)
    return mission


@transaction.atomic
def mission_extend(*, mission: Mission, by: User, new_end: dt.date, reason: str) -> Mission:
    """Move the end date later: coordinators only, with a reason, within the limit."""
    mission = _lock(mission)
    if not is_coordinator(by):
        raise DomainError(_("Only the coordination team can extend a mission."))
    if mission.status not in (Mission.Status.OPEN, Mission.Status.IN_PROGRESS):
        raise TransitionRefused(_("Only a published or running mission can be extended."))
    if not reason.strip():
        raise DomainError(_("Say why the mission is extended."), field="reason")
    if new_end <= mission.end_date:
        raise DomainError(_("The new end date must be after the current one."), field="new_end")
    weeks = PlatformSettings.load().max_mission_weeks * EXTENSION_FACTOR
    if (new_end - mission.start_date).days > weeks * 7:
        raise DomainError(
            _("A mission cannot last more than %(weeks)s weeks, even extended.")
            % {"weeks": f"{weeks:g}"},
            field="new_end",
        )
    old_end = mission.end_date
    mission.end_date = new_end
    mission.save(update_fields=["end_date", "updated_at"])
    MissionEvent.objects.create(
        mission=mission, actor=by, kind=MissionEvent.Kind.EXTENDED,
        detail=f"{old_end.isoformat()} → {new_end.isoformat()}: {reason.strip()}",
    )  # fmt: skip
    return mission


@transaction.atomic
def milestone_add(*, mission: Mission, by: User, title: str, planned_on: dt.date) -> Milestone:
    _require_running_side(by, mission)
    if not title.strip():
        raise DomainError(_("Give the milestone a title."), field="title")
    return Milestone.objects.create(mission=mission, title=title.strip(), planned_on=planned_on)


@transaction.atomic
def milestone_done(*, milestone: Milestone, by: User, on: dt.date | None = None) -> Milestone:
    _require_running_side(by, milestone.mission)
    if milestone.done_on is not None:
        raise TransitionRefused(_("This milestone is already done."))
    milestone.done_on = on or timezone.localdate()
    milestone.save(update_fields=["done_on"])
    return milestone


def _checked(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Every file checked before anything is written, so a bad one stores nothing."""
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError(
            _("At most %(n)d files per update.") % {"n": MAX_ATTACHMENTS}, field="attachments"
        )
    checked = []
    for upload in files:
        try:
            content_type = validate_document(upload)
            checked.append((reencode_image(upload, content_type), content_type))
        except ValidationError as error:
            raise DomainError(f"{upload.name}: {error.messages[0]}", field="attachments") from None
    return checked


@atomic_with_files
def update_post(
    *, mission: Mission, author: User, body: str, visibility: str,
    attachments: Sequence[UploadedFile] = (),
) -> ProgressUpdate:  # fmt: skip
    """A volunteer's news; the supervisor is always told, the organisation if shared."""
    if not is_team_member(author, mission):
        raise DomainError(_("Only the mission's team can post progress updates."))
    if mission.status != Mission.Status.IN_PROGRESS:
        raise TransitionRefused(_("News can be posted once the mission has started."))
    if not body.strip():
        raise DomainError(_("Write the news."), field="body")
    if visibility not in ProgressUpdate.Visibility.values:
        raise DomainError(_("Choose who can read it."), field="visibility")
    checked = _checked(attachments)
    update = ProgressUpdate.objects.create(
        mission=mission, author=author, body=body.strip(), visibility=visibility
    )
    for upload, content_type in checked:
        attachment = UpdateAttachment(
            update=update, original_name=(upload.name or "file")[:200],
            content_type=content_type, size=upload.size or 0,
        )  # fmt: skip
        store_file(attachment, "file", upload, form_field="attachments")
        attachment.save()
    _tell_about_update(update)
    return update


def _tell_about_update(update: ProgressUpdate) -> None:
    mission = update.mission
    context = {"mission": mission.title, "author": str(update.author), "body": update.body}
    members: dict[int, User] = {}
    if update.visibility == ProgressUpdate.Visibility.SHARED:
        organisation = mission.organisation
        members = {m.user.pk: m.user for m in organisation.memberships.select_related("user")}
    team_side: dict[int, User] = {}
    if mission.supervisor is not None and mission.supervisor.pk not in members:
        team_side[mission.supervisor.pk] = mission.supervisor
    for readers, news_from in ((members, mission.organisation), (team_side, None)):
        readers.pop(update.author_id, None)
        for user in readers.values():
            notify(user, "execution/mail/update_posted", context, url=space_path(mission),
                   news_from=news_from)  # fmt: skip


@transaction.atomic
def update_reply(*, update: ProgressUpdate, author: User, body: str) -> UpdateReply:
    """The organisation answers shared news; the team's side answers any. The author of
    the update and the team are told."""
    mission = update.mission
    if not can_read_internal(author, mission):
        if not is_member(author, mission.organisation):
            raise DomainError(_("Only people taking part in the mission can reply."))
        if update.visibility != ProgressUpdate.Visibility.SHARED:
            raise DomainError(_("This update is internal to the team: it cannot be answered."))
    if not body.strip():
        raise DomainError(_("Write your reply."), field="body")
    reply = UpdateReply.objects.create(update=update, author=author, body=body.strip())
    readers = {update.author_id: update.author}
    if mission.supervisor is not None:
        readers[mission.supervisor.pk] = mission.supervisor
    for member in mission.team.select_related("volunteer"):
        readers[member.volunteer_id] = member.volunteer
    readers.pop(author.pk, None)
    context = {"mission": mission.title, "author": str(author), "body": reply.body}
    for user in readers.values():
        notify(user, "execution/mail/update_replied", context, url=space_path(mission))
    if update.visibility == ProgressUpdate.Visibility.SHARED and can_read_internal(author, mission):
        # The team answers in a thread the organisation reads: its members are told too.
        for membership in mission.organisation.memberships.select_related("user"):
            if membership.user_id not in readers and membership.user_id != author.pk:
                notify(membership.user, "execution/mail/update_replied", context,
                       url=space_path(mission), news_from=mission.organisation)  # fmt: skip
    return reply
