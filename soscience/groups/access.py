"""Who may see and act on working groups.

A group is its members' and the coordination team's: anyone else gets a 404 (they may not
know it exists). Coordinators create and edit groups (403 for others: the list page is
everyone's, so they know groups exist). Shared files are downloaded only through
``group_file_for_user``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from soscience.core.access import is_coordinator, require_coordinator
from soscience.groups.models import GroupFile, GroupMember, WorkingGroup


def is_member(user: object, group: WorkingGroup) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return GroupMember.objects.filter(group=group, user=user).exists()


def may_see(user: object, group: WorkingGroup) -> bool:
    return is_coordinator(user) or is_member(user, group)


def group_for_member(user: object, pk: int) -> WorkingGroup:
    """A group's page and its actions (post, share a file, invite, leave): its members and
    the coordinators; 404 for anyone else."""
    group = WorkingGroup.objects.select_related("mission", "created_by").filter(pk=pk).first()
    if group is None:
        raise Http404
    if not may_see(user, group):
        raise Http404
    return group


def group_create_allowed(user: object) -> None:
    """Creating a group: coordinators only (403)."""
    require_coordinator(user)


def group_for_coordinator(user: object, pk: int) -> WorkingGroup:
    """Editing a group: coordinators (a member gets 403: they know the group; others 404)."""
    group = group_for_member(user, pk)
    if not is_coordinator(user):
        raise PermissionDenied(_("Only the coordination team can change a working group."))
    return group


def group_file_for_user(user: object, pk: int) -> GroupFile:
    """A shared file to download: 404 for anyone who may not see its group."""
    shared = GroupFile.objects.select_related("group").filter(pk=pk).first()
    if shared is None or not may_see(user, shared.group):
        raise Http404
    return shared
