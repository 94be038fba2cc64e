"""The mission space: who sees it, progress news and replies, kick-off, extension, milestones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from soscience.applications.models import Application, TeamMember
from soscience.core.errors import DomainError
from soscience.execution import services
from soscience.execution.models import Milestone, ProgressUpdate, UpdateAttachment, UpdateReply
from soscience.execution.services_equipment import request_create
from soscience.missions.models import Mission, MissionEvent
from soscience.notifications.models import Notification
from tests.factories import PDF_BYTES, MissionFactory, UserFactory


def _on_team(mission: Mission, volunteer, seat: int = 1) -> TeamMember:
    application = Application.objects.create(
        mission=mission, volunteer=volunteer, status=Application.Status.SELECTED,
        applied_at=timezone.now(),
    )  # fmt: skip
    return TeamMember.objects.create(
        mission=mission, application=application, volunteer=volunteer, seat=seat,
        capacity=mission.team_size,
    )  # fmt: skip


def _mission(cast, status=Mission.Status.IN_PROGRESS, team=True) -> Mission:
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, status=status,
        published_at=timezone.now(), created_by=cast.coordinator,
    )  # fmt: skip
    if team:
        _on_team(mission, cast.volunteer)
    return mission


@pytest.fixture
def mission(cast) -> Mission:
    return _mission(cast)


def _update(mission, author, visibility="shared", body="The pump works.") -> ProgressUpdate:
    return ProgressUpdate.objects.create(
        mission=mission, author=author, body=body, visibility=visibility
    )


def _space(mission) -> str:
    return reverse("execution:space", args=[mission.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("volunteer", 200), ("supervisor", 200), ("coordinator", 200), ("member", 200),
     ("other_volunteer", 404), ("other_member", 404), ("ambassador", 404)],
)  # fmt: skip
def test_who_sees_the_space(cast, mission, who, status):
    assert cast.client(who).get(_space(mission)).status_code == status


def test_visitor_is_sent_to_log_in(cast, mission):
    response = cast.client(None).get(_space(mission))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_internal_updates_are_hidden_from_the_organisation(cast, mission):
    _update(mission, cast.volunteer, "shared", "Shared news about the filter.")
    _update(mission, cast.volunteer, "internal", "Internal doubt about the sand.")
    org_page = cast.client("member").get(_space(mission)).content.decode()
    assert "Shared news about the filter." in org_page
    assert "Internal doubt about the sand." not in org_page
    for who in ("volunteer", "supervisor", "coordinator"):
        assert "Internal doubt about the sand." in cast.client(who).get(_space(mission)).text


def test_volunteer_posts_shared_news_with_a_pdf_and_people_are_told(
    cast, mission, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("report.pdf", PDF_BYTES, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("volunteer").post(
            reverse("execution:update_post", args=[mission.pk]),
            {"body": "**Week 1**: site survey done.", "visibility": "shared",
             "attachments": [upload]},
        )  # fmt: skip
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(mission=mission)
    assert update.attachments.get().content_type == "application/pdf"
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {cast.member.email, cast.supervisor.email}
    page = cast.client("member").get(_space(mission)).text
    assert "<strong>Week 1</strong>" in page
    file = update.attachments.get()
    url = reverse("execution:update_attachment", args=[update.pk, file.pk])
    assert cast.client("member").get(url).status_code == 200
    assert cast.client("other_member").get(url).status_code == 404


def test_internal_news_tells_only_the_supervisor(cast, mission, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("volunteer").post(
            reverse("execution:update_post", args=[mission.pk]),
            {"body": "We are late.", "visibility": "internal"},
        )
    assert [m.to[0] for m in mail.outbox] == [cast.supervisor.email]


def test_internal_attachment_is_not_found_for_the_organisation(cast, mission):
    update = _update(mission, cast.volunteer, "internal")
    from django.core.files.base import ContentFile

    file = UpdateAttachment.objects.create(
        update=update, file=ContentFile(PDF_BYTES, name="x.pdf"), original_name="x.pdf",
        content_type="application/pdf", size=len(PDF_BYTES),
    )  # fmt: skip
    url = reverse("execution:update_attachment", args=[update.pk, file.pk])
    assert cast.client("member").get(url).status_code == 404
    assert cast.client("supervisor").get(url).status_code == 200


def test_fake_pdf_is_refused_and_nothing_is_stored(cast, mission, settings):
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all" * 20)
    response = cast.client("volunteer").post(
        reverse("execution:update_post", args=[mission.pk]),
        {"body": "Here is the report.", "visibility": "shared", "attachments": [fake]},
    )
    assert response.status_code == 200
    assert "This file is not a PDF or an image" in response.text
    assert "Here is the report." in response.text  # what was typed is kept
    assert not ProgressUpdate.objects.exists()
    assert not UpdateAttachment.objects.exists()
    stored = settings.MEDIA_ROOT / "private" / "updates"
    assert not stored.exists() or not any(stored.iterdir())


def test_only_the_team_posts_news(cast, mission):
    url = reverse("execution:update_post", args=[mission.pk])
    for who in ("member", "supervisor"):
        response = cast.client(who).post(url, {"body": "x", "visibility": "shared"})
        assert response.status_code == 403
    assert cast.client("other_volunteer").post(url, {"body": "x"}).status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_no_news_before_kick_off(cast):
    mission = _mission(cast, status=Mission.Status.OPEN)
    with pytest.raises(DomainError, match="once the mission has started"):
        services.update_post(mission=mission, author=cast.volunteer, body="x", visibility="shared")


def test_organisation_replies_to_shared_news_and_the_team_is_told(
    cast, mission, django_capture_on_commit_callbacks
):
    teammate = UserFactory()
    _on_team(mission, teammate, seat=2)
    update = _update(mission, cast.volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("member").post(
            reverse("execution:update_reply", args=[update.pk]),
            {f"reply-{update.pk}-body": "Can you send a photo of the pump?"},
        )
    assert response.status_code == 302
    assert UpdateReply.objects.get().author == cast.member
    # The update's author, the team and the supervisor, who follows the mission.
    told = {cast.volunteer.email, teammate.email, mission.supervisor.email}
    assert {m.to[0] for m in mail.outbox} == told
    assert Notification.objects.filter(user=cast.volunteer).exists()
    assert "Can you send a photo" in cast.client("volunteer").get(_space(mission)).text


def test_organisation_cannot_reply_to_internal_news(cast, mission):
    update = _update(mission, cast.volunteer, "internal")
    url = reverse("execution:update_reply", args=[update.pk])
    response = cast.client("member").post(url, {f"reply-{update.pk}-body": "Why late?"})
    assert response.status_code == 404  # the organisation does not know it exists
    with pytest.raises(DomainError, match="internal to the team"):
        services.update_reply(update=update, author=cast.member, body="Why late?")
    assert not UpdateReply.objects.exists()


def test_reply_from_outside_the_mission_is_refused(cast, mission):
    update = _update(mission, cast.volunteer)
    url = reverse("execution:update_reply", args=[update.pk])
    for who in ("other_member", "other_volunteer", "ambassador"):
        assert cast.client(who).post(url, {f"reply-{update.pk}-body": "Hi"}).status_code == 404
    with pytest.raises(DomainError, match="taking part in the mission"):
        services.update_reply(update=update, author=cast.other_member, body="Hi")
    assert not UpdateReply.objects.exists()


def test_empty_reply_is_shown_next_to_the_field(cast, mission):
    update = _update(mission, cast.volunteer)
    response = cast.client("supervisor").post(
        reverse("execution:update_reply", args=[update.pk]), {f"reply-{update.pk}-body": ""}
    )
    assert response.status_code == 200
    assert f'id="id_reply-{update.pk}-body_error"' in response.text
    assert not UpdateReply.objects.exists()


def test_kick_off_needs_a_team(cast):
    mission = _mission(cast, status=Mission.Status.OPEN, team=False)
    url = reverse("execution:kick_off", args=[mission.pk])
    assert "Kick off the mission" not in cast.client("coordinator").get(_space(mission)).text
    response = cast.client("coordinator").post(url, follow=True)
    assert "no team yet" in response.text
    mission.refresh_from_db()
    assert mission.status == Mission.Status.OPEN
    _on_team(mission, cast.volunteer)
    assert "Kick off the mission" in cast.client("supervisor").get(_space(mission)).text
    assert cast.client("supervisor").post(url).status_code == 302
    mission.refresh_from_db()
    assert mission.status == Mission.Status.IN_PROGRESS
    assert mission.kicked_off_on == timezone.localdate()
    assert mission.events.filter(kind=MissionEvent.Kind.KICKED_OFF).exists()


def test_organisation_and_team_cannot_kick_off(cast):
    mission = _mission(cast, status=Mission.Status.OPEN)
    url = reverse("execution:kick_off", args=[mission.pk])
    assert cast.client("member").post(url).status_code == 403
    assert cast.client("volunteer").post(url).status_code == 403
    mission.refresh_from_db()
    assert mission.status == Mission.Status.OPEN


def test_coordinator_extends_with_a_reason(cast, mission):
    url = reverse("execution:extend", args=[mission.pk])
    new_end = mission.end_date + dt.timedelta(weeks=2)
    response = cast.client("coordinator").post(url, {"new_end": new_end.isoformat(), "reason": ""})
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.text
    assert new_end.isoformat() in response.text  # what was typed is kept
    response = cast.client("coordinator").post(
        url, {"new_end": new_end.isoformat(), "reason": "Parts delivered late."}
    )
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.end_date == new_end
    event = mission.events.get(kind=MissionEvent.Kind.EXTENDED)
    assert "Parts delivered late." in event.detail


def test_extension_is_refused_to_others_and_beyond_the_limit(cast, mission):
    url = reverse("execution:extend", args=[mission.pk])
    old_end = mission.end_date
    data = {"new_end": (old_end + dt.timedelta(weeks=1)).isoformat(), "reason": "More time"}
    assert cast.client("supervisor").post(url, data).status_code == 403
    assert cast.client("member").post(url, data).status_code == 403
    far = {"new_end": (old_end + dt.timedelta(weeks=200)).isoformat(), "reason": "More time"}
    response = cast.client("coordinator").post(url, far)
    assert "even extended" in response.text
    earlier = {"new_end": (old_end - dt.timedelta(days=1)).isoformat(), "reason": "x"}
    assert "after the current one" in cast.client("coordinator").post(url, earlier).text
    mission.refresh_from_db()
    assert mission.end_date == old_end


def test_milestones_are_added_and_done_by_the_team(cast, mission):
    planned = timezone.localdate() + dt.timedelta(days=10)
    response = cast.client("volunteer").post(
        reverse("execution:milestone_add", args=[mission.pk]),
        {"title": "Prototype filter", "planned_on": planned.isoformat()},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(mission=mission)
    assert "Prototype filter" in cast.client("member").get(_space(mission)).text
    done_url = reverse("execution:milestone_done", args=[milestone.pk])
    assert cast.client("member").post(done_url).status_code == 403
    assert cast.client("other_member").post(done_url).status_code == 404
    assert cast.client("supervisor").post(done_url).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()


def test_milestone_without_a_date_keeps_the_title(cast, mission):
    response = cast.client("coordinator").post(
        reverse("execution:milestone_add", args=[mission.pk]), {"title": "Prototype"}
    )
    assert response.status_code == 200
    assert 'id="id_planned_on_error"' in response.text
    assert 'value="Prototype"' in response.text
    assert not Milestone.objects.exists()
    assert (
        cast.client("member")
        .post(reverse("execution:milestone_add", args=[mission.pk]), {"title": "x"})
        .status_code
        == 403
    )


def test_space_queries_do_not_grow_with_news(cast, mission, django_assert_max_num_queries):
    for i in range(6):
        update = _update(mission, cast.volunteer, body=f"News {i}")
        UpdateReply.objects.create(update=update, author=cast.member, body="Thanks")
    client = cast.client("coordinator")
    with django_assert_max_num_queries(25):
        assert client.get(_space(mission)).status_code == 200


def test_the_space_leads_to_equipment_for_all_and_to_hours_for_the_team(cast, mission):
    equipment = reverse("equipment:list", kwargs={"pk": mission.pk})
    hours = reverse("equipment:hours", kwargs={"pk": mission.pk})
    team_page = cast.client("volunteer").get(_space(mission)).content.decode()
    assert equipment in team_page
    assert hours in team_page
    organisation_page = cast.client("member").get(_space(mission)).content.decode()
    assert equipment in organisation_page
    assert hours not in organisation_page  # time sheets are the team's


def test_the_timeline_shows_equipment_requests_to_everyone_in_the_space(cast, mission):
    request_create(
        mission=mission, by=cast.volunteer, item="Pressure gauge", quantity=1,
        reason="To check the pump.", estimated_cost=Decimal("30"), link="",
    )  # fmt: skip
    for role in ("member", "supervisor", "volunteer"):
        page = cast.client(role).get(_space(mission)).content.decode()
        assert "Equipment requested" in page
        assert "1 x Pressure gauge" in page
        assert "Requested" in page
