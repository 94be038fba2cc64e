"""Working groups: coordinators create them, members add others, talk, share files; the page
says which needed skills nobody in the group has, and coordinators see who could bring them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.roles import Role
from soscience.groups.models import GroupFile, GroupMember, GroupPost, WorkingGroup
from soscience.notifications.models import Notification
from soscience.volunteers.models import Skill, VolunteerProfile, VolunteerSkill
from tests.factories import PDF_BYTES, MissionFactory, UserFactory, pdf_upload

pytestmark = pytest.mark.django_db


def skill(slug: str) -> Skill:
    return Skill.objects.get(slug=slug)


def give_skills(user, *slugs: str, level: int = 2, consent: bool = True) -> VolunteerProfile:
    profile, _ = VolunteerProfile.objects.get_or_create(
        user=user, defaults={"consent_matching_at": timezone.now() if consent else None}
    )
    for slug in slugs:
        VolunteerSkill.objects.create(profile=profile, skill=skill(slug), level=level)
    return profile


def make_group(cast, *members, skills=("water-treatment", "membrane-filtration", "hydrology"),
               is_open=True) -> WorkingGroup:  # fmt: skip
    group = WorkingGroup.objects.create(
        title="Filtration group", theme="Low-cost filters", description="We *filter* water.",
        created_by=cast.coordinator, is_open=is_open,
    )  # fmt: skip
    group.skills.set([skill(s) for s in skills])
    for user in members:
        GroupMember.objects.create(group=group, user=user, expertise="Filters")
    return group


def test_coordinator_creates_a_group_with_its_needed_skills(cast):
    mission = MissionFactory(organisation=cast.organisation, status="open")
    client = cast.client("coordinator")
    response = client.post(
        reverse("groups:create"),
        {
            "title": "Solar dryers", "theme": "Food drying", "description": "Dry *mangoes*.",
            "mission": mission.pk, "skills": [skill("solar-thermal").pk, skill("heat-transfer").pk],
            "is_open": "on",
        },
    )  # fmt: skip
    group = WorkingGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=[group.pk])
    assert group.mission == mission
    assert set(group.skills.values_list("slug", flat=True)) == {"solar-thermal", "heat-transfer"}
    page = client.get(response["Location"]).content.decode()
    assert "<em>mangoes</em>" in page
    assert "Solar thermal" in page


def test_creation_form_keeps_what_was_typed_when_the_title_is_missing(cast):
    response = cast.client("coordinator").post(
        reverse("groups:create"), {"title": "  ", "description": "Kept text"}
    )
    assert response.status_code == 200
    assert "Kept text" in response.content.decode()
    assert "This field is required" in response.content.decode() or "title" in str(
        response.context["form"].errors
    )
    assert not WorkingGroup.objects.exists()


@pytest.mark.parametrize("who", ["volunteer", "member", "ambassador", "supervisor"])
def test_only_coordinators_create_groups(cast, who):
    assert cast.client(who).get(reverse("groups:create")).status_code == 403
    assert (
        cast.client(who)
        .post(reverse("groups:create"), {"title": "x", "description": "y"})
        .status_code
        == 403
    )
    assert not WorkingGroup.objects.exists()


def test_the_group_page_is_its_members_and_the_coordinators(cast):
    group = make_group(cast, cast.volunteer)
    url = reverse("groups:detail", args=[group.pk])
    assert cast.client("volunteer").get(url).status_code == 200
    assert cast.client("coordinator").get(url).status_code == 200
    for outsider in ("other_volunteer", "member", "ambassador", "supervisor"):
        assert cast.client(outsider).get(url).status_code == 404
    assert cast.client(None).get(url).status_code == 302


def test_list_shows_my_groups_and_coordinators_see_all(cast, django_assert_max_num_queries):
    mine = make_group(cast, cast.volunteer)
    other = WorkingGroup.objects.create(
        title="Energy circle", description="x", created_by=cast.coordinator
    )
    for i in range(5):
        WorkingGroup.objects.create(
            title=f"Group {i}", description="x", created_by=cast.coordinator
        )
    page = cast.client("volunteer").get(reverse("groups:list")).content.decode()
    assert mine.title in page
    assert other.title not in page
    client = cast.client("coordinator")
    with django_assert_max_num_queries(8):
        page = client.get(reverse("groups:list")).content.decode()
    assert mine.title in page
    assert other.title in page
    assert "Group 4" in page


def test_missing_skills_and_suggestions_for_the_gap(cast, django_assert_max_num_queries):
    give_skills(cast.volunteer, "water-treatment")
    group = make_group(cast, cast.volunteer)
    # Covers both missing skills, at expert level: first.
    best = UserFactory(full_name="Bea Best", roles=[Role.VOLUNTEER])
    give_skills(best, "membrane-filtration", "hydrology", level=3)
    # The same missing skill at a lower level: after.
    one = UserFactory(full_name="Oscar One", roles=[Role.VOLUNTEER])
    give_skills(one, "membrane-filtration", level=1)
    # Only a skill that a member brings: not suggested.
    hydro = UserFactory(full_name="Hugo Hydro", roles=[Role.VOLUNTEER])
    give_skills(hydro, "hydrology", level=3)
    # Has the skills but did not consent to matching: never suggested.
    shy = UserFactory(full_name="Sid Shy", roles=[Role.VOLUNTEER])
    give_skills(shy, "membrane-filtration", "hydrology", consent=False)
    # Already a member: not suggested.
    give_skills(cast.other_volunteer, "hydrology")
    GroupMember.objects.create(group=group, user=cast.other_volunteer)
    # Only skills the group already covers: not suggested.
    covered = UserFactory(full_name="Cora Covered", roles=[Role.VOLUNTEER])
    give_skills(covered, "water-treatment")
    client = cast.client("coordinator")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("groups:detail", args=[group.pk]))
    suggestions = response.context["page"].suggestions
    assert [s.user for s in suggestions] == [best, one]
    assert [s.slug for s in response.context["page"].missing] == ["membrane-filtration"]
    page = response.content.decode()
    assert "Bea Best" in page
    assert "Sid Shy" not in page
    assert "Cora Covered" not in page
    assert "Hugo Hydro" not in page


def test_suggestions_are_at_most_ten(cast):
    group = make_group(cast, skills=("hydrology",))
    for _ in range(12):
        give_skills(UserFactory(roles=[Role.VOLUNTEER]), "hydrology")
    response = cast.client("coordinator").get(reverse("groups:detail", args=[group.pk]))
    assert len(response.context["page"].suggestions) == 10


def test_members_see_the_gap_but_not_the_names_of_suggested_people(cast):
    group = make_group(cast, cast.volunteer)
    give_skills(UserFactory(full_name="Hidden Hydrologist", roles=[Role.VOLUNTEER]), "hydrology")
    response = cast.client("volunteer").get(reverse("groups:detail", args=[group.pk]))
    page = response.content.decode()
    assert "Hydrology" in page
    assert "Hidden Hydrologist" not in page
    assert response.context["page"].suggestions is None


def test_coordinator_adds_a_suggested_person_who_is_told(cast, django_capture_on_commit_callbacks):
    group = make_group(cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("coordinator").post(
            reverse("groups:member_add", args=[group.pk]), {"email": cast.other_volunteer.email}
        )
    assert response.status_code == 302
    membership = GroupMember.objects.get(group=group, user=cast.other_volunteer)
    assert membership.invited_by == cast.coordinator
    notice = Notification.objects.get(user=cast.other_volunteer)
    assert "Filtration group" in notice.text
    assert [m.to for m in mail.outbox] == [[cast.other_volunteer.email]]
    assert reverse("groups:detail", args=[group.pk]) in mail.outbox[0].body


def test_a_member_adds_a_colleague_by_email_and_the_colleague_can_leave(cast):
    group = make_group(cast, cast.volunteer)
    client = cast.client("volunteer")
    client.post(
        reverse("groups:member_add", args=[group.pk]),
        {"email": cast.other_volunteer.email.upper(), "expertise": "Hydrology PhD"},
    )
    assert GroupMember.objects.get(group=group, user=cast.other_volunteer).expertise == (
        "Hydrology PhD"
    )
    other = cast.client("other_volunteer")
    assert other.get(reverse("groups:detail", args=[group.pk])).status_code == 200
    response = other.post(reverse("groups:leave", args=[group.pk]))
    assert response["Location"] == reverse("groups:list")
    assert other.get(reverse("groups:detail", args=[group.pk])).status_code == 404


def test_adding_an_unknown_or_existing_member_is_refused_next_to_the_field(cast):
    group = make_group(cast, cast.volunteer)
    client = cast.client("volunteer")
    response = client.post(
        reverse("groups:member_add", args=[group.pk]), {"email": "nobody@example.org"}
    )
    assert response.status_code == 200
    assert response.context["invite_form"].errors["email"] == [
        "Nobody has an account with this address: ask them to sign up first."
    ]
    assert 'value="nobody@example.org"' in response.content.decode()
    response = client.post(
        reverse("groups:member_add", args=[group.pk]), {"email": cast.volunteer.email}
    )
    assert "already a member" in response.context["invite_form"].errors["email"][0]
    assert GroupMember.objects.filter(group=group).count() == 1


def test_an_outsider_cannot_add_to_or_post_in_a_group(cast):
    group = make_group(cast, cast.volunteer)
    client = cast.client("other_volunteer")
    assert (
        client.post(
            reverse("groups:member_add", args=[group.pk]), {"email": cast.other_volunteer.email}
        ).status_code
        == 404
    )
    assert client.post(reverse("groups:post_add", args=[group.pk]), {"body": "hi"}).status_code == (
        404
    )
    assert not GroupPost.objects.exists()
    assert GroupMember.objects.filter(group=group).count() == 1


def test_thread_renders_sanitised_markdown_newest_last(cast):
    group = make_group(cast, cast.volunteer)
    client = cast.client("volunteer")
    client.post(reverse("groups:post_add", args=[group.pk]), {"body": "First **bold**"})
    response = client.post(
        reverse("groups:post_add", args=[group.pk]),
        {"body": "Second <script>alert(1)</script>"},
    )
    assert response.status_code == 302
    page = client.get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)" not in page
    assert page.index("First") < page.index("Second")


def test_an_empty_message_is_refused(cast):
    group = make_group(cast, cast.volunteer)
    response = cast.client("volunteer").post(
        reverse("groups:post_add", args=[group.pk]), {"body": "   "}
    )
    assert response.status_code == 200
    assert response.context["post_form"].errors["body"]
    assert not GroupPost.objects.exists()


def test_thread_opens_on_its_last_page(cast):
    group = make_group(cast, cast.volunteer)
    GroupPost.objects.bulk_create(
        GroupPost(group=group, author=cast.volunteer, body=f"message number {i:03d}")
        for i in range(60)
    )
    page = cast.client("volunteer").get(reverse("groups:detail", args=[group.pk]))
    text = page.content.decode()
    assert "message number 059" in text
    assert "message number 000" not in text
    first = cast.client("volunteer").get(reverse("groups:detail", args=[group.pk]) + "?page=1")
    assert "message number 000" in first.content.decode()


def test_shared_files_are_checked_private_and_downloaded_by_members(cast):
    group = make_group(cast, cast.volunteer)
    client = cast.client("volunteer")
    response = client.post(
        reverse("groups:file_share", args=[group.pk]), {"file": pdf_upload("plan.pdf")}
    )
    assert response.status_code == 302
    shared = GroupFile.objects.get()
    assert shared.content_type == "application/pdf"
    assert not shared.file.name.endswith("plan.pdf")  # stored under a random name
    url = reverse("groups:file_download", args=[shared.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert 'filename="plan.pdf"' in download["Content-Disposition"]
    assert cast.client("coordinator").get(url).status_code == 200
    assert cast.client("other_volunteer").get(url).status_code == 404
    assert cast.client("member").get(url).status_code == 404


def test_a_disguised_file_is_refused_and_nothing_is_stored(cast):
    group = make_group(cast, cast.volunteer)
    fake = SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>", "application/pdf")
    response = cast.client("volunteer").post(
        reverse("groups:file_share", args=[group.pk]), {"file": fake}
    )
    assert response.status_code == 200
    assert response.context["file_form"].errors["file"]
    assert not GroupFile.objects.exists()


def test_a_closed_group_is_read_only_for_members(cast):
    group = make_group(cast, cast.volunteer, is_open=False)
    client = cast.client("volunteer")
    response = client.post(reverse("groups:post_add", args=[group.pk]), {"body": "Hello"})
    assert response.status_code == 200
    assert "This group is closed" in response.content.decode()
    assert not GroupPost.objects.exists()
    # The coordination team still can.
    cast.client("coordinator").post(reverse("groups:post_add", args=[group.pk]), {"body": "Hi"})
    assert GroupPost.objects.count() == 1


def test_members_cannot_edit_the_group_but_coordinators_can(cast):
    group = make_group(cast, cast.volunteer)
    url = reverse("groups:edit", args=[group.pk])
    assert cast.client("volunteer").get(url).status_code == 403
    assert cast.client("other_volunteer").get(url).status_code == 404
    response = cast.client("coordinator").post(
        url, {"title": "Renamed", "description": "Still water.", "skills": [skill("hydrology").pk]}
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.title == "Renamed"
    assert group.is_open is False  # unchecked box: closed
    assert list(group.skills.values_list("slug", flat=True)) == ["hydrology"]


def test_a_member_says_what_they_bring(cast):
    group = make_group(cast, cast.volunteer)
    cast.client("volunteer").post(
        reverse("groups:expertise", args=[group.pk]), {"expertise": "Ceramic filters"}
    )
    assert GroupMember.objects.get(user=cast.volunteer).expertise == "Ceramic filters"
    # A coordinator who is not a member has no expertise to set: told so.
    response = cast.client("coordinator").post(
        reverse("groups:expertise", args=[group.pk]), {"expertise": "x"}
    )
    assert "You are not a member of this group." in response.content.decode()
