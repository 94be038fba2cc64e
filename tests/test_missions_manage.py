"""Mission orders through the team's and the organisation's working pages.

From a need in scoping to a published mission, as each person would click, with what
goes wrong on the way: bad dates and sizes, stale versions, the wrong person deciding.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from soscience.core.models import Domain, PlatformSettings
from soscience.missions import services
from soscience.missions.models import Mission, MissionOrderVersion
from soscience.needs.models import Need
from soscience.organisations.models import Organisation
from soscience.volunteers.models import Skill
from tests.factories import CampusFactory, MissionFactory, NeedFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_error(response, field: str) -> str:
    """The error shown next to ``field`` (the block tied to it by id), or ''."""
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', text(response), re.S)
    return match.group(1) if match else ""


def start() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=10)


def order_post(cast, **overrides) -> dict:
    data = {
        "title": "Slow sand filter for the school",
        "context": "A rural school of 300 pupils.",
        "problem": "The well water is **cloudy** after the rains.",
        "objectives": "Design a filter the school can build.",
        "deliverables": "Plans and a build guide.",
        "out_of_scope": "Building it on site.",
        "domains": [Domain.objects.get(slug="water").pk],
        "team_size": "2",
        "hours_per_week": "5",
        "start_date": start().isoformat(),
        "end_date": (start() + dt.timedelta(weeks=8)).isoformat(),
        "work_mode": "remote",
        "country": "SN",
        "city": "Thiès",
        "languages": ["fr", "en"],
        "equipment_budget": "150",
        "results_licence": "open",
        "confidentiality": "public",
        "supervisor": str(cast.supervisor.pk),
        "skill_0": str(Skill.objects.get(slug="hydraulics").pk),
        "level_0": "2",
        "level_1": "2",
    }
    data.update(overrides)
    return data


def scoping_need(cast) -> Need:
    return NeedFactory(
        organisation=cast.organisation,
        submitted_by=cast.member,
        status=Need.Status.SCOPING,
        title="Cloudy well water",
        context="A school in Thiès.",
        problem="The water is cloudy.",
    )


def order(cast, **fields) -> Mission:
    fields.setdefault("organisation", cast.organisation)
    fields.setdefault("supervisor", cast.supervisor)
    fields.setdefault("created_by", cast.coordinator)
    return MissionFactory(**fields)


def sent(cast, **fields) -> Mission:
    """An order sent to the organisation: version 1 awaits its approval."""
    mission = order(cast, **fields)
    services.mission_submit_for_approval(mission=mission, by=cast.coordinator)
    return mission


def approved(cast, **fields) -> Mission:
    mission = sent(cast, **fields)
    services.mission_approve(mission=mission, by=cast.member, version_number=1)
    return mission


def url(name: str, mission: Mission, **kwargs) -> str:
    return reverse(f"missions:{name}", kwargs={"pk": mission.pk, **kwargs})


# The whole path.


def test_from_need_to_published_mission(cast, django_capture_on_commit_callbacks):
    need = scoping_need(cast)
    home = CampusFactory(name="ESPCI Paris", short_name="ESPCI", slug="espci", is_home=True)
    partner = CampusFactory(name="ESTP Paris", short_name="ESTP", slug="estp")
    coordinator, member = cast.client("coordinator"), cast.client("member")

    create_url = reverse("missions:create", kwargs={"need_pk": need.pk})
    page = coordinator.get(create_url)
    assert page.status_code == 200
    assert 'value="Cloudy well water"' in text(page)  # starts from the organisation's words

    response = coordinator.post(create_url, order_post(cast))
    mission = Mission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("manage", mission)
    assert mission.status == Mission.Status.DRAFT
    assert mission.need == need
    assert mission.languages == ["fr", "en"]
    assert [(s.skill.slug, s.level) for s in mission.skill_needs.all()] == [("hydraulics", 2)]

    edit = order_post(cast, title="Slow sand filter for Thiès school")
    assert coordinator.post(url("edit", mission), edit).status_code == 302
    mission.refresh_from_db()
    assert mission.title == "Slow sand filter for Thiès school"

    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator.post(url("submit", mission)).status_code == 302
    to_members = [m for m in mail.outbox if m.to == [cast.member.email]]
    assert len(to_members) == 1
    assert "Mission order to approve" in to_members[0].subject
    assert "version 1" in to_members[0].body

    page = member.get(url("manage", mission))
    assert '<input type="hidden" name="version" value="1">' in text(page)
    assert "<strong>cloudy</strong>" in text(page)  # the Markdown is rendered
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(url("approve", mission), {"version": "1"})
    assert response.status_code == 302
    version = MissionOrderVersion.objects.get(mission=mission, number=1)
    assert version.status == MissionOrderVersion.Status.APPROVED
    assert version.decided_by == cast.member
    approved_mail = [m for m in mail.outbox if "Mission order approved" in m.subject]
    assert [m.to for m in approved_mail if m.to == [cast.coordinator.email]]

    page = coordinator.get(url("publish", mission))
    assert re.search(rf'value="{home.pk}"[^>]*checked', text(page))
    assert not re.search(rf'value="{partner.pk}"[^>]*checked', text(page))
    response = coordinator.post(url("publish", mission), {"campuses": [home.pk, partner.pk]})
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.status == Mission.Status.OPEN
    assert set(mission.campuses.all()) == {home, partner}

    page = text(coordinator.get(url("manage", mission)))
    timeline = page[page.index('id="timeline-title"') :]
    labels = [
        "Mission order drafted",
        "Mission order edited",
        "Sent to the organisation for approval",
        "Approved by the organisation",
        "Published",
    ]
    positions = [timeline.index(label) for label in labels]
    assert positions == sorted(positions)
    assert "Claire Coordinatrice" in timeline
    assert "Mariam Membre" in timeline


def test_the_manage_page_shows_versions_with_their_decision(cast):
    mission = approved(cast)
    page = text(cast.client("supervisor").get(url("manage", mission)))
    versions = page[page.index('id="versions-title"') : page.index('id="timeline-title"')]
    assert "Version 1" in versions
    assert "Approved" in versions
    assert "Mariam Membre" in versions


# Bad input on the order form.


BAD_ORDERS = [
    pytest.param(
        {"end_date": (start() - dt.timedelta(days=5)).isoformat()},
        "end_date", "The end date must be after the start date.", id="end-before-start",
    ),
    pytest.param(
        {"end_date": (start() + dt.timedelta(weeks=13)).isoformat()},
        "end_date", "A mission lasts at most 12 weeks", id="too-long",
    ),
    pytest.param({"team_size": "0"}, "team_size", "between 1 and 12 volunteers", id="team-0"),
    pytest.param({"team_size": "50"}, "team_size", "between 1 and 12 volunteers", id="team-50"),
    pytest.param({"hours_per_week": "0"}, "hours_per_week", "between 1 and 35 hours",
                 id="hours-0"),
    pytest.param({"skill_0": ""}, "skill_0", "Name at least one skill", id="no-skill"),
    pytest.param({"languages": []}, "languages", "at least one working language",
                 id="no-language"),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_ORDERS)
def test_a_bad_order_is_refused_next_to_the_field(cast, overrides, field, message):
    need = scoping_need(cast)
    data = order_post(cast, title="Typed title stays", **overrides)
    response = cast.client("coordinator").post(
        reverse("missions:create", kwargs={"need_pk": need.pk}), data
    )
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert 'value="Typed title stays"' in text(response)
    for name in ("team_size", "hours_per_week", "start_date", "end_date"):
        assert f'value="{data[name]}"' in text(response)
    assert not Mission.objects.exists()


def test_the_maximum_duration_follows_the_platform_settings(cast):
    coordinator = cast.client("coordinator")
    response = coordinator.post(
        reverse("core:platform_settings"),
        {
            "max_mission_weeks": "4",
            "answer_within_days": "7",
            "stall_after_days": "14",
            "hourly_rate": "15",
            "followup_first_months": "6",
            "followup_second_months": "12",
            "inactive_years_before_anonymising": "3",
        },
    )
    assert response.status_code == 302
    assert PlatformSettings.load().max_mission_weeks == 4

    need = scoping_need(cast)
    response = coordinator.post(
        reverse("missions:create", kwargs={"need_pk": need.pk}), order_post(cast)
    )
    assert "A mission lasts at most 4 weeks; this one lasts 56 days." in field_error(
        response, "end_date"
    )
    assert not Mission.objects.exists()


def test_an_edit_with_bad_dates_changes_nothing(cast):
    mission = order(cast, title="Original title")
    data = order_post(cast, title="New title", end_date=start().isoformat())
    response = cast.client("coordinator").post(url("edit", mission), data)
    assert "The end date must be after the start date." in field_error(response, "end_date")
    assert 'value="New title"' in text(response)
    mission.refresh_from_db()
    assert mission.title == "Original title"
    assert not mission.events.exists()


def test_the_same_skill_twice_is_refused(cast):
    need = scoping_need(cast)
    skill = str(Skill.objects.get(slug="hydraulics").pk)
    data = order_post(cast, skill_1=skill)
    response = cast.client("coordinator").post(
        reverse("missions:create", kwargs={"need_pk": need.pk}), data
    )
    assert "This skill is already in the list." in field_error(response, "skill_1")
    assert not Mission.objects.exists()


@pytest.mark.parametrize("status", [Need.Status.SUBMITTED, Need.Status.DECLINED])
def test_drafting_from_a_need_not_in_scoping_is_refused(cast, status):
    need = NeedFactory(organisation=cast.organisation, submitted_by=cast.member, status=status)
    create_url = reverse("missions:create", kwargs={"need_pk": need.pk})
    reason = "Take the need into scoping before drafting its mission order."
    coordinator = cast.client("coordinator")
    assert reason in text(coordinator.get(create_url))
    response = coordinator.post(create_url, order_post(cast))
    assert response.status_code == 200
    assert reason in text(response)
    assert not Mission.objects.exists()


@pytest.mark.parametrize(("who", "code"), [("member", 403), ("other_member", 403),
                                            ("supervisor", 403), (None, 302)])  # fmt: skip
def test_only_coordinators_draft_orders(cast, who, code):
    need = scoping_need(cast)
    create_url = reverse("missions:create", kwargs={"need_pk": need.pk})
    assert cast.client(who).post(create_url, order_post(cast)).status_code == code
    assert not Mission.objects.exists()


def test_drafting_from_an_unknown_need_is_404(cast):
    create_url = reverse("missions:create", kwargs={"need_pk": 999999})
    assert cast.client("coordinator").get(create_url).status_code == 404


# Sending and approving.


def test_sending_without_a_supervisor_says_why(cast):
    mission = order(cast, supervisor=None)
    response = cast.client("coordinator").post(url("submit", mission), follow=True)
    assert "Choose a supervisor before sending the order." in text(response)
    assert not mission.versions.exists()


@pytest.mark.parametrize(("who", "code"), [("coordinator", 403), ("supervisor", 403),
                                            ("other_member", 404), ("volunteer", 404),
                                            (None, 302)])  # fmt: skip
def test_only_the_organisation_approves(cast, who, code):
    mission = sent(cast)
    response = cast.client(who).post(url("approve", mission), {"version": "1"})
    assert response.status_code == code
    mission.refresh_from_db()
    assert mission.status == Mission.Status.AWAITING_APPROVAL


def test_the_team_sees_no_approval_buttons(cast):
    mission = sent(cast)
    page = text(cast.client("coordinator").get(url("manage", mission)))
    assert url("approve", mission) not in page
    assert "Version 1 was sent to the organisation" in page


def test_approving_a_stale_version_is_refused(cast):
    mission = sent(cast)
    coordinator = cast.client("coordinator")
    coordinator.post(url("edit", mission), order_post(cast, title="Second thoughts"))
    coordinator.post(url("submit", mission))
    assert mission.versions.get(number=1).status == MissionOrderVersion.Status.SUPERSEDED

    response = cast.client("member").post(url("approve", mission), {"version": "1"}, follow=True)
    assert "The order changed while you were reading it" in text(response)
    mission.refresh_from_db()
    assert mission.status == Mission.Status.AWAITING_APPROVAL
    assert mission.versions.get(number=2).status == MissionOrderVersion.Status.PENDING


def test_asking_for_changes_needs_a_comment(cast):
    mission = sent(cast)
    member = cast.client("member")
    response = member.post(url("request_changes", mission), {"version": "1", "comment": " "})
    assert response.status_code == 200
    assert "Say what should change." in field_error(response, "comment")
    mission.refresh_from_db()
    assert mission.status == Mission.Status.AWAITING_APPROVAL


def test_asking_for_changes_tells_the_team(cast, django_capture_on_commit_callbacks):
    mission = sent(cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("member").post(
            url("request_changes", mission), {"version": "1", "comment": "Budget too low."}
        )
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.status == Mission.Status.CHANGES_REQUESTED
    assert mission.versions.get(number=1).comment == "Budget too low."
    to_team = [m for m in mail.outbox if m.to == [cast.coordinator.email]]
    assert "Budget too low." in to_team[0].body
    page = text(cast.client("coordinator").get(url("manage", mission)))
    assert "Budget too low." in page
    assert url("submit", mission) in page  # the team can send a new version


def test_editing_after_approval_needs_a_new_approval(cast):
    mission = approved(cast, problem="Old problem text.")
    coordinator = cast.client("coordinator")
    edit_page = text(coordinator.get(url("edit", mission)))
    assert "the organisation will have to approve a new version" in edit_page

    response = coordinator.post(url("edit", mission), order_post(cast, problem="New text."))
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.status == Mission.Status.DRAFT
    first = mission.versions.get(number=1)
    assert first.status == MissionOrderVersion.Status.APPROVED

    old = text(cast.client("member").get(url("version", mission, number=1)))
    assert "Old problem text." in old
    assert "New text." not in old

    campus = CampusFactory(is_home=True)
    response = coordinator.post(url("publish", mission), {"campuses": [campus.pk]})
    assert "Only an approved mission order can be published." in text(response)
    mission.refresh_from_db()
    assert mission.status == Mission.Status.DRAFT

    coordinator.post(url("submit", mission))
    second = text(cast.client("member").get(url("version", mission, number=2)))
    assert "New text." in second
    changed = second[second.index('id="changes-title"') : second.index('id="content-title"')]
    assert "Problem" in changed
    assert "Title" in changed  # the form's title differed from the factory's
    assert "Team size" not in changed


def test_the_version_page_shows_exactly_its_content(cast):
    mission = sent(cast, title="Frozen title", languages=["fr", "tl"], work_mode="on_site")
    page = text(cast.client("supervisor").get(url("version", mission, number=1)))
    assert "Frozen title" in page
    assert "Filipino" in page
    assert "On site" in page
    assert "Senegal" in page
    assert "Samuel Superviseur" in page
    assert "This is the first version of the order." in page


def test_an_unknown_version_is_404(cast):
    mission = sent(cast)
    other = sent(cast)
    coordinator = cast.client("coordinator")
    assert coordinator.get(url("version", mission, number=2)).status_code == 404
    MissionOrderVersion.objects.filter(mission=mission).delete()
    assert coordinator.get(url("version", mission, number=1)).status_code == 404
    assert coordinator.get(url("version", other, number=1)).status_code == 200


# Publication.


def test_publishing_for_an_unverified_organisation_is_refused(cast):
    mission = approved(cast)
    Organisation.objects.filter(pk=cast.organisation.pk).update(status=Organisation.Status.PENDING)
    campus = CampusFactory(is_home=True)
    response = cast.client("coordinator").post(url("publish", mission), {"campuses": [campus.pk]})
    assert response.status_code == 200
    assert "eligibility has not been verified" in text(response)
    mission.refresh_from_db()
    assert mission.status == Mission.Status.APPROVED


def test_publishing_without_a_campus_is_refused(cast):
    mission = approved(cast)
    CampusFactory(is_home=True)
    response = cast.client("coordinator").post(url("publish", mission), {})
    assert response.status_code == 200
    assert "Choose at least one campus." in field_error(response, "campuses")
    mission.refresh_from_db()
    assert mission.status == Mission.Status.APPROVED


def test_inactive_campuses_are_not_offered(cast):
    mission = approved(cast)
    CampusFactory(name="Old partner school", is_active=False)
    page = text(cast.client("coordinator").get(url("publish", mission)))
    assert "Old partner school" not in page


def test_withdrawing_from_the_catalogue_needs_a_reason(cast):
    mission = approved(cast)
    services.mission_publish(mission=mission, by=cast.coordinator, campuses=[CampusFactory()])
    coordinator = cast.client("coordinator")
    response = coordinator.post(url("unpublish", mission), {"reason": ""})
    assert response.status_code == 200
    assert "Say why the mission leaves the catalogue." in field_error(response, "reason")
    mission.refresh_from_db()
    assert mission.status == Mission.Status.OPEN

    response = coordinator.post(url("unpublish", mission), {"reason": "Dates to correct."})
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.status == Mission.Status.APPROVED
    page = text(coordinator.get(url("manage", mission)))
    assert "Withdrawn from the catalogue" in page
    assert "Dates to correct." in page


def test_a_published_mission_cannot_be_edited(cast):
    mission = approved(cast)
    services.mission_publish(mission=mission, by=cast.coordinator, campuses=[CampusFactory()])
    response = cast.client("coordinator").get(url("edit", mission), follow=True)
    assert "cannot be edited. Withdraw it from the catalogue first." in text(response)


# Who sees what.


@pytest.mark.parametrize("who", ["volunteer", "other_volunteer", "ambassador", "other_member"])
@pytest.mark.parametrize("page", ["manage", "version"])
def test_outsiders_cannot_see_the_working_pages(cast, who, page):
    mission = sent(cast)
    kwargs = {"number": 1} if page == "version" else {}
    assert cast.client(who).get(url(page, mission, **kwargs)).status_code == 404


@pytest.mark.parametrize("page", ["manage", "version"])
def test_visitors_are_sent_to_log_in(cast, page):
    mission = sent(cast)
    kwargs = {"number": 1} if page == "version" else {}
    response = cast.client(None).get(url(page, mission, **kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["coordinator", "supervisor", "member"])
def test_the_team_and_the_organisation_see_the_working_pages(cast, who):
    mission = sent(cast)
    assert cast.client(who).get(url("manage", mission)).status_code == 200
    assert cast.client(who).get(url("version", mission, number=1)).status_code == 200


def test_internal_notes_are_for_coordinators_only(cast):
    mission = sent(cast)
    assert "Internal notes" in text(cast.client("coordinator").get(url("manage", mission)))
    assert "Internal notes" not in text(cast.client("member").get(url("manage", mission)))


@pytest.mark.parametrize(("who", "code"), [("member", 403), ("supervisor", 403),
                                            ("other_member", 404)])  # fmt: skip
@pytest.mark.parametrize("action", ["edit", "submit", "publish", "unpublish"])
def test_only_coordinators_change_the_order(cast, who, code, action):
    mission = order(cast)
    response = cast.client(who).post(url(action, mission), order_post(cast, reason="x"))
    assert response.status_code == code
    mission.refresh_from_db()
    assert mission.status == Mission.Status.DRAFT
    assert not mission.events.exists()


# The list of orders.


def test_the_list_groups_orders_by_status(cast):
    order(cast, title="A draft order")
    sent(cast, title="An order awaiting approval")
    coordinator = cast.client("coordinator")
    page = text(coordinator.get(reverse("missions:list")))
    assert page.index("An order awaiting approval") < page.index("A draft order")
    assert "Eau Claire Thiès" in page
    assert "Samuel Superviseur" in page

    page = text(coordinator.get(reverse("missions:list") + "?status=draft"))
    assert "A draft order" in page
    assert "An order awaiting approval" not in page


@pytest.mark.parametrize("who", ["supervisor", "member", "volunteer", "ambassador"])
def test_the_list_is_for_coordinators(cast, who):
    assert cast.client(who).get(reverse("missions:list")).status_code == 403


def test_the_list_page_query_count_does_not_grow(cast, django_assert_max_num_queries):
    coordinator = cast.client("coordinator")
    coordinator.get(reverse("missions:list"))  # the session settles on the first request
    for i in range(30):
        organisation = cast.organisation if i % 2 else cast.other_organisation
        order(cast, organisation=organisation, status=list(Mission.Status)[i % 6])
    with django_assert_max_num_queries(9):
        response = coordinator.get(reverse("missions:list"))
    assert response.status_code == 200
    assert "Page 1 of 2" in text(response)
