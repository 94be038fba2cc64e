"""Reads for the working group pages, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from soscience.accounts.models import User
from soscience.core.access import is_coordinator
from soscience.groups.models import GroupMember, WorkingGroup
from soscience.matching.adapters import matchable
from soscience.volunteers.models import Skill, VolunteerProfile, VolunteerSkill

LIST_PAGE_SIZE = 50
POSTS_PAGE_SIZE = 50
SUGGESTED = 10


def groups_for(user: User) -> QuerySet[WorkingGroup]:
    """The groups ``user`` belongs to; coordinators see every group."""
    groups = WorkingGroup.objects.select_related("mission").annotate(
        member_count=Count("members", distinct=True)
    )
    if not is_coordinator(user):
        groups = groups.filter(Exists(GroupMember.objects.filter(group=OuterRef("pk"), user=user)))
    return groups.order_by("-is_open", "-created_at", "-pk")


@dataclass
class Member:
    membership: GroupMember
    covers: list[Skill] = field(default_factory=list)  # needed skills this member brings


@dataclass
class Suggestion:
    user: User
    covers: list[Skill]


@dataclass
class GroupPage:
    group: WorkingGroup
    members: list[Member]
    needed: list[Skill]
    missing: list[Skill]
    posts: Page
    files: list
    suggestions: list[Suggestion] | None  # None: not shown to this reader
    is_member: bool


def _members(group: WorkingGroup, needed: dict[int, Skill]) -> list[Member]:
    """The members, and which of the needed skills each brings (from their profile): two
    queries. Only the needed skills are shown, not the whole profile."""
    members = [Member(m) for m in group.members.select_related("user", "invited_by")]
    by_user = {m.membership.user_id: m for m in members}
    rows = VolunteerSkill.objects.filter(
        profile__user_id__in=list(by_user), skill_id__in=list(needed)
    ).values_list("profile__user_id", "skill_id")
    for user_id, skill_id in rows.order_by("skill__name_en"):
        by_user[user_id].covers.append(needed[skill_id])
    return members


def suggestions_for(missing: list[Skill], exclude: set[int]) -> list[Suggestion]:
    """Volunteers who consented to matching and have skills the group lacks, ranked by how
    many missing skills they cover, then by their levels in them: at most ``SUGGESTED``,
    members excluded. Two queries, whatever the number of volunteers.

    The matching engine ranks people against a mission's whole need (domains, dates,
    languages) from its index; a group's gap is a plain set of skills, so this is a SQL
    ranking on the same pool (``matching.adapters.matchable``: consent given, active).
    """
    if not missing:
        return []
    by_id = {s.pk: s for s in missing}
    ranked = list(
        VolunteerSkill.objects.filter(
            skill_id__in=list(by_id), profile__in=VolunteerProfile.objects.filter(matchable())
        )
        .exclude(profile__user_id__in=exclude)
        .values("profile__user_id")
        .annotate(covered=Count("skill_id", distinct=True), levels=Sum("level"))
        .order_by("-covered", "-levels", "profile__user_id")[:SUGGESTED]
    )
    user_ids = [row["profile__user_id"] for row in ranked]
    covers: dict[int, list[Skill]] = {uid: [] for uid in user_ids}
    users = {}
    for skill in (
        VolunteerSkill.objects.filter(profile__user_id__in=user_ids, skill_id__in=list(by_id))
        .select_related("profile__user")
        .order_by("skill__name_en")
    ):
        users[skill.profile.user_id] = skill.profile.user
        covers[skill.profile.user_id].append(by_id[skill.skill_id])
    return [Suggestion(users[uid], covers[uid]) for uid in user_ids if uid in users]


def group_page(group: WorkingGroup, user: User, page_number: str | None) -> GroupPage:
    """Everything the group page shows. The thread opens on its last page (newest last)."""
    needed = {s.pk: s for s in group.skills.order_by("name_en")}
    members = _members(group, needed)
    covered = {s.pk for m in members for s in m.covers}
    missing = [s for pk, s in needed.items() if pk not in covered]
    paginator = Paginator(group.posts.select_related("author"), POSTS_PAGE_SIZE)
    posts = paginator.get_page(page_number or paginator.num_pages)
    member_ids = {m.membership.user_id for m in members}
    # Suggestions name volunteers from their profiles: the coordination team's to read, as
    # the profiles themselves are.
    suggestions = suggestions_for(missing, member_ids) if is_coordinator(user) else None
    return GroupPage(
        group=group, members=members, needed=list(needed.values()), missing=missing,
        posts=posts, files=list(group.files.select_related("uploaded_by")),
        suggestions=suggestions, is_member=user.pk in member_ids,
    )  # fmt: skip
