"""Writes of the working groups: creation, membership, the thread, shared files."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.core.stored_files import atomic_with_files, store_file
from soscience.core.uploads import reencode_image, validate_deliverable
from soscience.groups.models import GroupFile, GroupMember, GroupPost, WorkingGroup
from soscience.missions.models import Mission
from soscience.notifications.services import notify
from soscience.volunteers.models import Skill


def group_path(group: WorkingGroup) -> str:
    return reverse("groups:detail", kwargs={"pk": group.pk})


def _lock(group: WorkingGroup) -> WorkingGroup:
    # Lock the group row only: PostgreSQL cannot lock the nullable side of an outer join.
    return (
        WorkingGroup.objects.select_for_update(of=("self",))
        .select_related("mission")
        .get(pk=group.pk)
    )


def _may_act(by: User, group: WorkingGroup) -> None:
    """Members and coordinators act in a group; a closed group is read-only for members."""
    member = GroupMember.objects.filter(group=group, user=by).exists()
    if not (member or is_coordinator(by)):
        raise DomainError(_("Only the group's members and the coordination team can do this."))
    if not group.is_open and not is_coordinator(by):
        raise TransitionRefused(_("This group is closed: it can be read, not changed."))


def _clean_text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise DomainError(message, field=field)
    return value


@transaction.atomic
def group_create(
    *, by: User, title: str, description: str, theme: str = "", mission: Mission | None = None,
    skills: Sequence[Skill] = (), is_open: bool = True,
) -> WorkingGroup:  # fmt: skip
    """A coordinator gathers a working group around a mission or a theme."""
    if not is_coordinator(by):
        raise DomainError(_("Only the coordination team can create a working group."))
    group = WorkingGroup.objects.create(
        title=_clean_text(title, "title", _("Give the group a title."))[:200],
        description=_clean_text(description, "description", _("Describe what the group does.")),
        theme=theme.strip()[:200], mission=mission, is_open=is_open, created_by=by,
    )  # fmt: skip
    group.skills.set(skills)
    return group


@transaction.atomic
def group_update(
    *, group: WorkingGroup, by: User, title: str, description: str, theme: str = "",
    mission: Mission | None = None, skills: Sequence[Skill] = (), is_open: bool = True,
) -> WorkingGroup:  # fmt: skip
    """A coordinator changes the group's details, the skills it needs, or closes it."""
    if not is_coordinator(by):
        raise DomainError(_("Only the coordination team can change a working group."))
    group = _lock(group)
    group.title = _clean_text(title, "title", _("Give the group a title."))[:200]
    group.description = _clean_text(description, "description", _("Describe what the group does."))
    group.theme, group.mission, group.is_open = theme.strip()[:200], mission, is_open
    group.save()
    group.skills.set(skills)
    return group


@transaction.atomic
def member_add(*, group: WorkingGroup, by: User, email: str, expertise: str = "") -> GroupMember:
    """Add someone who has an account to the group at once; they are told and may leave.

    Direct membership rather than an invitation to accept: groups are small and run by
    people who know each other; a "leave" button undoes it in one click.
    """
    group = _lock(group)
    _may_act(by, group)
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise DomainError(
            _("Nobody has an account with this address: ask them to sign up first."),
            field="email",
        )
    if GroupMember.objects.filter(group=group, user=user).exists():
        raise DomainError(_("%(name)s is already a member.") % {"name": user}, field="email")
    membership = GroupMember.objects.create(
        group=group, user=user, expertise=expertise.strip()[:300], invited_by=by
    )
    if user != by:
        notify(
            user, "groups/mail/added", {"group": group.title, "by": str(by)},
            url=group_path(group),
        )  # fmt: skip
    return membership


@transaction.atomic
def member_leave(*, group: WorkingGroup, user: User) -> None:
    """A member leaves the group (even a closed one)."""
    deleted, _details = GroupMember.objects.filter(group=group, user=user).delete()
    if not deleted:
        raise DomainError(_("You are not a member of this group."))


@transaction.atomic
def member_set_expertise(*, group: WorkingGroup, user: User, expertise: str) -> GroupMember:
    """A member says what they bring to the group."""
    membership = GroupMember.objects.select_for_update().filter(group=group, user=user).first()
    if membership is None:
        raise DomainError(_("You are not a member of this group."))
    membership.expertise = expertise.strip()[:300]
    membership.save(update_fields=["expertise"])
    return membership


@transaction.atomic
def post_add(*, group: WorkingGroup, by: User, body: str) -> GroupPost:
    """A message in the group's discussion thread."""
    group = _lock(group)
    _may_act(by, group)
    body = _clean_text(body, "body", _("The message is empty."))
    return GroupPost.objects.create(group=group, author=by, body=body)


@atomic_with_files
def file_share(*, group: WorkingGroup, by: User, file: UploadedFile) -> GroupFile:
    """Share a file with the group, checked from its content like a deliverable and stored
    privately. Every check comes before the file is written; a failed action removes it."""
    group = _lock(group)
    _may_act(by, group)
    try:
        content_type = validate_deliverable(file)
        file = reencode_image(file, content_type)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="file") from None
    shared = GroupFile(
        group=group, original_name=(file.name or "file")[:200], content_type=content_type,
        size=file.size or 0, uploaded_by=by,
    )  # fmt: skip
    store_file(shared, "file", file, form_field="file")
    shared.save()
    return shared
