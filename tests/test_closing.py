"""Delivery, acceptance, closing and cancelling a mission; the closing surveys and note."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from soscience.applications.models import Application, TeamMember
from soscience.closing.models import ClosingNote, OrganisationSurvey, VolunteerSurvey
from soscience.execution.models import Deliverable
from soscience.missions.models import Mission, MissionEvent
from soscience.volunteers.models import Skill, VolunteerProfile, VolunteerSkill
from tests.factories import PDF_BYTES, MissionFactory, UserFactory, forget_sent_mail

Status = Mission.Status


def _on_team(mission: Mission, volunteer, seat: int = 1) -> TeamMember:
    application = Application.objects.create(
        mission=mission, volunteer=volunteer, status=Application.Status.SELECTED,
        applied_at=timezone.now(),
    )  # fmt: skip
    return TeamMember.objects.create(
        mission=mission, application=application, volunteer=volunteer, seat=seat,
        capacity=mission.team_size,
    )  # fmt: skip


def _deliverable(mission: Mission, by) -> Deliverable:
    return Deliverable.objects.create(
        mission=mission, title="Build guide", original_name="guide.pdf",
        content_type="application/pdf", size=len(PDF_BYTES),
        file=ContentFile(PDF_BYTES, name="guide.pdf"), uploaded_by=by,
    )  # fmt: skip


def _mission(cast, status=Status.IN_PROGRESS, *, files: bool = True) -> Mission:
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, status=status,
        published_at=timezone.now(), created_by=cast.coordinator,
    )  # fmt: skip
    _on_team(mission, cast.volunteer)
    if files:
        _deliverable(mission, cast.volunteer)
    return mission


@pytest.fixture
def mission(cast) -> Mission:
    return _mission(cast)


def _url(name: str, mission: Mission) -> str:
    return reverse(f"closing:{name}", args=[mission.pk])


def _space(client, mission: Mission) -> str:
    return client.get(reverse("execution:space", args=[mission.pk])).content.decode()


def _post(cast, who: str, name: str, mission: Mission, data: dict | None = None):
    return cast.client(who).post(_url(name, mission), data or {}, follow=True)


def _status(mission: Mission) -> str:
    mission.refresh_from_db()
    return mission.status


def _recipients() -> set[str]:
    return {m.to[0] for m in mail.outbox}


ORG_ANSWERS = {
    "worked": "4", "applied": "partly", "not_applied_why": "The second school lacks sand.",
    "local_impact": "300 pupils drink clear water.", "beneficiaries": "300", "recommend": "9",
    "testimonial": "",
}  # fmt: skip


# The whole path, as each side lives it.


def test_the_team_delivers_the_organisation_accepts_the_coordinator_closes(
    cast, mission, django_capture_on_commit_callbacks
):
    assert "Mark the mission delivered" in _space(cast.client("volunteer"), mission)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(cast, "volunteer", "deliver", mission)
    assert "the organisation was told" in response.content.decode()
    mission.refresh_from_db()
    assert mission.status == Status.DELIVERED
    assert mission.delivered_at is not None
    assert _recipients() == {cast.member.email}
    assert "Delivered, awaiting your acceptance" in mail.outbox[0].subject

    mail.outbox.clear()
    page = _space(cast.client("member"), mission)
    assert "Accept the deliverables" in page
    assert "Ask for changes" in page
    with django_capture_on_commit_callbacks(execute=True):
        _post(cast, "member", "accept", mission)
    mission.refresh_from_db()
    assert mission.status == Status.ACCEPTED
    assert mission.accepted_at is not None
    # The team, its supervisor and the coordinators (who close) are told; not the member.
    assert _recipients() == {cast.volunteer.email, cast.supervisor.email, cast.coordinator.email}

    page = _space(cast.client("coordinator"), mission)
    assert "Close the mission" in page
    assert "Not answered yet:" in page  # closing before the surveys is allowed, but said

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(cast, "coordinator", "close", mission)
    assert "The mission is closed." in response.content.decode()
    mission.refresh_from_db()
    assert mission.status == Status.CLOSED
    assert mission.closed_at is not None
    assert _recipients() == {cast.volunteer.email, cast.supervisor.email, cast.member.email}
    kinds = list(mission.events.values_list("kind", flat=True))
    assert kinds == [MissionEvent.Kind.DELIVERED, MissionEvent.Kind.DELIVERY_ACCEPTED,
                     MissionEvent.Kind.CLOSED]  # fmt: skip
    timeline = _space(cast.client("member"), mission)
    for line in ("Delivered by the team", "Deliverables accepted by the organisation",
                 "Mission closed"):  # fmt: skip
        assert line in timeline
    # The surveys stay open after closing.
    assert _url("org_survey", mission) in timeline


def test_the_supervisor_may_deliver_too(cast, mission):
    _post(cast, "supervisor", "deliver", mission)
    assert _status(mission) == Status.DELIVERED


def test_delivering_without_a_file_is_refused_with_the_reason(cast):
    mission = _mission(cast, files=False)
    page = _space(cast.client("volunteer"), mission)
    assert "Deliver at least one file on the deliverables page" in page
    assert "Mark the mission delivered" not in page
    response = _post(cast, "volunteer", "deliver", mission)
    assert "Deliver at least one file on the deliverables page" in response.content.decode()
    assert _status(mission) == Status.IN_PROGRESS
    assert not mission.events.exists()


@pytest.mark.parametrize(
    ("status", "reason"),
    [(Status.OPEN, "Only a mission in progress can be marked delivered."),
     (Status.DELIVERED, "The mission is already delivered"),
     (Status.CLOSED, "Only a mission in progress can be marked delivered.")],
)  # fmt: skip
def test_delivering_from_another_status_is_refused(cast, status, reason):
    mission = _mission(cast, status)
    response = _post(cast, "volunteer", "deliver", mission)
    assert reason in response.content.decode()
    assert _status(mission) == status


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.ACCEPTED, Status.CLOSED])
def test_accepting_what_was_not_delivered_is_refused(cast, status):
    mission = _mission(cast, status)
    response = _post(cast, "member", "accept", mission)
    assert "there is nothing to accept yet" in response.content.decode()
    assert _status(mission) == status
    response = _post(cast, "member", "ask_changes", mission, {"comment": "More drawings."})
    assert "there is nothing to accept yet" in response.content.decode()
    assert _status(mission) == status


def test_the_organisation_asks_for_changes_with_a_comment(cast, django_capture_on_commit_callbacks):
    mission = _mission(cast, Status.DELIVERED)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(cast, "member", "ask_changes", mission,
                         {"comment": "Add the dimensions of the tank."})  # fmt: skip
    assert "Your request for changes was sent to the team." in response.content.decode()
    mission.refresh_from_db()
    assert mission.status == Status.IN_PROGRESS
    assert mission.delivered_at is None
    event = mission.events.get()
    assert event.kind == MissionEvent.Kind.DELIVERY_CHANGES
    assert event.detail == "Add the dimensions of the tank."
    assert event.actor == cast.member
    assert _recipients() == {cast.volunteer.email, cast.supervisor.email}
    assert "Add the dimensions of the tank." in mail.outbox[0].body
    # The team reads it in the space, and may deliver again.
    page = _space(cast.client("volunteer"), mission)
    assert "Add the dimensions of the tank." in page
    assert "Changes to the deliverables asked" in page
    _post(cast, "volunteer", "deliver", mission)
    assert _status(mission) == Status.DELIVERED


def test_asking_for_changes_without_a_comment_is_refused_next_to_the_field(cast):
    mission = _mission(cast, Status.DELIVERED)
    response = cast.client("member").post(_url("ask_changes", mission), {"comment": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_comment_error"' in page
    assert _status(mission) == Status.DELIVERED
    assert not mission.events.exists()


def test_closing_is_for_accepted_missions_only(cast):
    for status in (Status.IN_PROGRESS, Status.DELIVERED):
        mission = _mission(cast, status)
        assert "Close the mission" not in _space(cast.client("coordinator"), mission)
        response = _post(cast, "coordinator", "close", mission)
        assert "Only a mission whose deliverables the organisation accepted can be closed." in (
            response.content.decode()
        )
        assert _status(mission) == status


def test_the_close_warning_lists_what_is_missing_and_disappears_when_all_is_in(cast):
    mission = _mission(cast, Status.ACCEPTED)
    page = _space(cast.client("coordinator"), mission)
    assert "the organisation&#x27;s survey" in page
    assert "the survey of Valentin Volontaire" in page
    assert "the supervisor&#x27;s closing note" in page
    OrganisationSurvey.objects.create(
        mission=mission, worked=5, applied="yes", local_impact="x", beneficiaries=1,
        recommend=10, answered_by=cast.member,
    )  # fmt: skip
    VolunteerSurvey.objects.create(
        mission=mission, volunteer=cast.volunteer, confidence_before=2, confidence_after=4
    )
    ClosingNote.objects.create(mission=mission, author=cast.supervisor, body="Good work.")
    page = _space(cast.client("coordinator"), mission)
    assert "Close the mission" in page
    assert "Not answered yet:" not in page


# Cancelling.


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.OPEN, Status.IN_PROGRESS, Status.DELIVERED, Status.ACCEPTED]
)
def test_a_coordinator_cancels_at_any_stage_before_closed(cast, status):
    mission = _mission(cast, status)
    response = _post(cast, "coordinator", "cancel", mission,
                     {"reason": "The organisation closed its school."})  # fmt: skip
    assert "The mission is cancelled." in response.content.decode()
    mission.refresh_from_db()
    assert mission.status == Status.CANCELLED
    assert mission.cancelled_at is not None
    assert mission.cancel_reason == "The organisation closed its school."
    event = mission.events.get(kind=MissionEvent.Kind.CANCELLED)
    assert event.detail == "The organisation closed its school."
    page = _space(cast.client("member"), mission)
    assert "The organisation closed its school." in page
    assert "Cancel the mission" not in _space(cast.client("coordinator"), mission)


def test_cancelling_tells_everyone_and_declines_waiting_applications(
    cast, django_capture_on_commit_callbacks
):
    mission = _mission(cast, Status.OPEN)
    waiting = Application.objects.create(
        mission=mission, volunteer=cast.other_volunteer, status=Application.Status.APPLIED,
        motivation="I like sand.", availability_confirmed=True, applied_at=timezone.now(),
    )  # fmt: skip
    forget_sent_mail()
    with django_capture_on_commit_callbacks(execute=True):
        _post(cast, "coordinator", "cancel", mission, {"reason": "No more funding."})
    waiting.refresh_from_db()
    assert waiting.status == Application.Status.DECLINED
    assert waiting.reason == Application.DeclineReason.MISSION_CANCELLED
    assert _recipients() == {cast.member.email, cast.volunteer.email, cast.supervisor.email,
                             cast.other_volunteer.email}  # fmt: skip
    cancelled = next(m for m in mail.outbox if m.to[0] == cast.member.email)
    assert "Mission cancelled" in cancelled.subject
    assert "No more funding." in cancelled.body
    declined = next(m for m in mail.outbox if m.to[0] == cast.other_volunteer.email)
    assert "The mission was cancelled" in declined.body
    # The team stays as it was: the cancellation mail tells them.
    assert mission.team.filter(volunteer=cast.volunteer).exists()


def test_cancelling_without_a_reason_is_refused_next_to_the_field(cast, mission):
    response = cast.client("coordinator").post(_url("cancel", mission), {"reason": ""})
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    assert _status(mission) == Status.IN_PROGRESS


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_a_closed_or_cancelled_mission_cannot_be_cancelled(cast, status):
    mission = _mission(cast, status)
    response = cast.client("coordinator").post(_url("cancel", mission), {"reason": "Oops."})
    assert response.status_code == 200
    assert "mission cannot be cancelled" in response.content.decode()
    assert _status(mission) == status
    assert not mission.events.exists()


# Who may do what.


@pytest.mark.parametrize(
    ("name", "allowed"),
    [("deliver", {"volunteer", "supervisor"}), ("accept", {"member"}),
     ("ask_changes", {"member"}), ("close", {"coordinator"}), ("cancel", {"coordinator"})],
)  # fmt: skip
def test_each_side_acts_only_on_its_part(cast, mission, name, allowed):
    for who in ("volunteer", "supervisor", "coordinator", "member"):
        response = cast.client(who).post(_url(name, mission), {})
        assert (response.status_code == 403) == (who not in allowed), who
    for outsider in ("other_member", "other_volunteer", "ambassador"):
        assert cast.client(outsider).post(_url(name, mission), {}).status_code == 404
    # Nobody refused left a trace on the timeline.
    actors = {getattr(cast, who) for who in allowed}
    assert all(event.actor in actors for event in mission.events.all())


def test_someone_elses_mission_is_not_found(cast):
    theirs = MissionFactory(organisation=cast.other_organisation, status=Status.DELIVERED)
    assert cast.client("member").post(_url("accept", theirs)).status_code == 404
    assert cast.client("member").get(_url("org_survey", theirs)).status_code == 404
    assert _status(theirs) == Status.DELIVERED


def test_the_actions_are_posts(cast, mission):
    for name in ("deliver", "accept", "ask_changes", "close", "cancel"):
        assert cast.client("coordinator").get(_url(name, mission)).status_code == 405


def test_the_panel_shows_each_side_only_its_actions(cast):
    mission = _mission(cast, Status.DELIVERED)
    member = _space(cast.client("member"), mission)
    assert "Accept the deliverables" in member
    assert "Cancel the mission" not in member
    volunteer = _space(cast.client("volunteer"), mission)
    assert "The organisation is reviewing the deliverables." in volunteer
    assert "Accept the deliverables" not in volunteer
    assert "Cancel the mission" not in volunteer
    coordinator = _space(cast.client("coordinator"), mission)
    assert "Cancel the mission" in coordinator
    assert "Accept the deliverables" not in coordinator


# The organisation's closing survey.


def test_the_organisation_answers_its_survey_once(cast):
    mission = _mission(cast, Status.ACCEPTED)
    page = cast.client("member").get(_url("org_survey", mission)).content.decode()
    assert "Did the solution work? (1 to 5)" in page
    # Consent is never assumed: both boxes start unticked.
    for name in ("testimonial_consent", "case_consent"):
        box = page[page.index(f'name="{name}"') - 80 : page.index(f'name="{name}"') + 80]
        assert "checked" not in box
    answers = {**ORG_ANSWERS, "testimonial": "They listened.", "testimonial_consent": "on"}
    response = cast.client("member").post(_url("org_survey", mission), answers, follow=True)
    assert "your answers were recorded" in response.content.decode()
    survey = OrganisationSurvey.objects.get(mission=mission)
    assert (survey.worked, survey.applied, survey.beneficiaries, survey.recommend) == (
        4, "partly", 300, 9,
    )  # fmt: skip
    assert survey.testimonial_consent is True
    assert survey.case_consent is False
    assert survey.answered_by == cast.member
    # Once per mission: another member of the organisation finds it answered.
    colleague = UserFactory()
    cast.organisation.memberships.create(user=colleague)
    client = cast.client(None)
    client.force_login(colleague)
    page = client.get(_url("org_survey", mission)).content.decode()
    assert "Your organisation answered this survey" in page
    response = client.post(_url("org_survey", mission), {**ORG_ANSWERS, "worked": "1"})
    assert "Your organisation has already answered this survey." in response.content.decode()
    assert OrganisationSurvey.objects.get().worked == 4
    assert "answered on" in _space(cast.client("coordinator"), mission)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [({"applied": "no", "not_applied_why": ""}, "not_applied_why", "why it is not (fully)"),
     ({"applied": "partly", "not_applied_why": " "}, "not_applied_why", "why it is not (fully)"),
     ({"local_impact": ""}, "local_impact", "This field is required."),
     ({"recommend": "11"}, "recommend", "less than or equal to 10"),
     ({"worked": "7"}, "worked", "Select a valid choice."),
     ({"beneficiaries": "-3"}, "beneficiaries", "greater than or equal to 0"),
     ({"testimonial": "", "testimonial_consent": "on"}, "testimonial",
      "Write the testimonial you agree to publish")],
)  # fmt: skip
def test_bad_survey_answers_are_refused_next_to_the_field(cast, changes, field, message):
    mission = _mission(cast, Status.CLOSED)
    response = cast.client("member").post(_url("org_survey", mission), {**ORG_ANSWERS, **changes})
    assert response.status_code == 200
    page = response.content.decode()
    error = page[page.index(f'id="id_{field}_error"') :][:300]
    assert message in error
    if field != "local_impact":
        assert "300 pupils drink clear water." in page  # what was typed is kept
    assert not OrganisationSurvey.objects.exists()


def test_why_not_is_optional_when_it_is_planned(cast):
    mission = _mission(cast, Status.ACCEPTED)
    answers = {**ORG_ANSWERS, "applied": "planned", "not_applied_why": ""}
    cast.client("member").post(_url("org_survey", mission), answers)
    assert OrganisationSurvey.objects.get().applied == "planned"


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.DELIVERED, Status.CANCELLED])
def test_the_survey_opens_once_the_deliverables_are_accepted(cast, status):
    mission = _mission(cast, status)
    page = cast.client("member").get(_url("org_survey", mission)).content.decode()
    assert 'name="worked"' not in page
    assert "survey" in page
    response = cast.client("member").post(_url("org_survey", mission), ORG_ANSWERS)
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert not OrganisationSurvey.objects.exists()


def test_only_the_organisation_answers_its_survey(cast):
    mission = _mission(cast, Status.ACCEPTED)
    for who, code in (("volunteer", 403), ("supervisor", 403), ("coordinator", 403),
                      ("other_member", 404), ("other_volunteer", 404)):  # fmt: skip
        assert cast.client(who).get(_url("org_survey", mission)).status_code == code, who
        assert cast.client(who).post(_url("org_survey", mission), ORG_ANSWERS).status_code == code
    assert not OrganisationSurvey.objects.exists()


# Each volunteer's closing survey.


def _profile_skill(volunteer, slug: str) -> Skill:
    profile, _ = VolunteerProfile.objects.get_or_create(user=volunteer, defaults={"languages": []})
    skill = Skill.objects.get(slug=slug)
    VolunteerSkill.objects.create(profile=profile, skill=skill)
    return skill


def test_a_volunteer_answers_with_the_missions_and_their_own_skills(cast):
    mission = _mission(cast, Status.ACCEPTED)
    mission_skill = Skill.objects.get(slug="water-treatment")
    own = _profile_skill(cast.volunteer, "python")
    stranger = _profile_skill(cast.other_volunteer, "welding")
    page = cast.client("volunteer").get(_url("volunteer_survey", mission)).content.decode()
    assert f'value="{mission_skill.pk}"' in page
    assert f'value="{own.pk}"' in page
    assert f'value="{stranger.pk}"' not in page
    response = cast.client("volunteer").post(
        _url("volunteer_survey", mission),
        {"skills_used": [mission_skill.pk, own.pk], "skills_gained": [mission_skill.pk],
         "confidence_before": "2", "confidence_after": "4",
         "would_change": "Meet the school earlier."},
        follow=True,
    )  # fmt: skip
    assert "your answers were recorded" in response.content.decode()
    survey = VolunteerSurvey.objects.get(mission=mission, volunteer=cast.volunteer)
    assert set(survey.skills_used.all()) == {mission_skill, own}
    assert list(survey.skills_gained.all()) == [mission_skill]
    assert (survey.confidence_before, survey.confidence_after) == (2, 4)
    # Once only.
    page = cast.client("volunteer").get(_url("volunteer_survey", mission)).content.decode()
    assert "You answered this survey on" in page
    again = cast.client("volunteer").post(
        _url("volunteer_survey", mission),
        {"skills_used": [own.pk], "confidence_before": "1", "confidence_after": "1"},
    )  # fmt: skip
    assert "You have already answered this survey." in again.content.decode()
    assert VolunteerSurvey.objects.get().confidence_before == 2
    assert "answered on" in _space(cast.client("supervisor"), mission)


def test_bad_volunteer_answers_are_refused_next_to_the_field(cast):
    mission = _mission(cast, Status.CLOSED)
    stranger = Skill.objects.get(slug="welding")
    client = cast.client("volunteer")
    url = _url("volunteer_survey", mission)
    base = {"confidence_before": "2", "confidence_after": "4", "would_change": "Fewer meetings."}
    response = client.post(url, base)
    page = response.content.decode()
    assert "Choose at least one skill you used." in page[page.index('id="id_skills_used_error"') :]
    assert "Fewer meetings." in page
    response = client.post(url, {**base, "skills_used": [stranger.pk]})
    page = response.content.decode()
    assert "Select a valid choice" in page[page.index('id="id_skills_used_error"') :]
    response = client.post(url, {**base, "confidence_after": "9"})
    assert 'id="id_confidence_after_error"' in response.content.decode()
    assert not VolunteerSurvey.objects.exists()


def test_only_the_team_answers_the_volunteers_survey(cast):
    mission = _mission(cast, Status.ACCEPTED)
    url = _url("volunteer_survey", mission)
    for who, code in (("member", 403), ("supervisor", 403), ("coordinator", 403),
                      ("other_volunteer", 404), ("ambassador", 404)):  # fmt: skip
        assert cast.client(who).get(url).status_code == code, who
    page = cast.client("volunteer").get(_url("volunteer_survey", _mission(cast))).content.decode()
    assert "The closing survey opens once the organisation has accepted" in page


# The supervisor's closing note.


def test_the_supervisor_writes_and_edits_the_note_until_the_mission_is_closed(cast):
    mission = _mission(cast, Status.DELIVERED)
    client = cast.client("supervisor")
    assert "write the closing note" in _space(client, mission)
    client.post(_url("closing_note", mission), {"body": "A careful team."})
    assert ClosingNote.objects.get(mission=mission).body == "A careful team."
    page = client.get(_url("closing_note", mission)).content.decode()
    assert "A careful team." in page  # the form starts from the saved note
    client.post(_url("closing_note", mission), {"body": "A careful, punctual team."})
    assert ClosingNote.objects.get().body == "A careful, punctual team."
    assert "edit the closing note" in _space(client, mission)
    Mission.objects.filter(pk=mission.pk).update(status=Status.CLOSED)
    page = client.get(_url("closing_note", mission)).content.decode()
    assert "can no longer be changed" in page
    assert 'name="body"' not in page
    response = client.post(_url("closing_note", mission), {"body": "Changed after closing."})
    assert "can no longer be changed" in response.content.decode()
    assert ClosingNote.objects.get().body == "A careful, punctual team."


def test_an_empty_note_is_refused_and_only_the_supervisor_writes_it(cast, mission):
    response = cast.client("supervisor").post(_url("closing_note", mission), {"body": " "})
    assert 'id="id_body_error"' in response.content.decode()
    assert not ClosingNote.objects.exists()
    for who, code in (("coordinator", 403), ("volunteer", 403), ("member", 403),
                      ("other_member", 404)):  # fmt: skip
        assert cast.client(who).post(_url("closing_note", mission), {"body": "x"}).status_code == (
            code
        )
    assert not ClosingNote.objects.exists()


def test_the_organisation_does_not_see_the_teams_surveys(cast):
    mission = _mission(cast, Status.ACCEPTED)
    member = _space(cast.client("member"), mission)
    assert "answer the closing survey" in member
    assert "The survey of Valentin Volontaire" not in member
    assert "closing note" not in member
    volunteer = _space(cast.client("volunteer"), mission)
    assert "answer your closing survey" in volunteer
    assert "The organisation&#x27;s survey" not in volunteer


def test_the_space_with_the_panel_stays_cheap(cast, django_assert_max_num_queries):
    mission = _mission(cast, Status.ACCEPTED)
    for seat in (2,):
        _on_team(mission, UserFactory(), seat=seat)
    for who in ("coordinator", "supervisor", "member", "volunteer"):
        client = cast.client(who)
        with django_assert_max_num_queries(30):
            assert client.get(reverse("execution:space", args=[mission.pk])).status_code == 200
