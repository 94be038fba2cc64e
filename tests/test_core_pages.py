"""The platform's entry points: the public home page, each person's starting page, the
coordinators' platform settings and the health check."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape
from urllib.robotparser import RobotFileParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.models import PlatformSettings
from soscience.missions.models import Mission
from tests.factories import MissionFactory, NeedFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Mission.Status


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def field_errors(response, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<div class="errors" id="id_{name}_error">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def published(**kwargs: object) -> Mission:
    kwargs.setdefault("published_at", timezone.now())
    return MissionFactory(status=Status.OPEN, **kwargs)


# --- home page ------------------------------------------------------------------------------


def test_home_page_is_public_and_leads_each_audience_somewhere():
    response = Client().get(reverse("core:home"))

    assert response.status_code == 200
    page = text(response)
    html = response.content.decode()
    assert page.count("<h1") == 1
    assert "Whatever your problem, we will find a specialist." in page
    for audience in ("Organisations of the social", "Students and researchers", "Partner schools"):
        assert audience in page
    assert "Three founding principles" in page
    assert f'href="{reverse("needs:start")}"' in html
    assert f'href="{reverse("missions:catalogue")}"' in html
    assert f'href="{reverse("account_signup")}?as=volunteer"' in html


def test_home_page_shows_only_published_missions_and_the_figures(cast):
    open_mission = published(organisation=cast.organisation, title="Filtre à sable pour Thiès")
    for status in (Status.DRAFT, Status.AWAITING_APPROVAL, Status.APPROVED, Status.CANCELLED):
        MissionFactory(organisation=cast.organisation, status=status, title=f"Secret {status}")
    OrganisationFactory(status="pending")

    response = Client().get(reverse("core:home"))

    page = text(response)
    assert "Filtre à sable pour Thiès" in page
    assert reverse("missions:detail", args=[open_mission.pk]) in page
    assert "Secret" not in page
    assert "1 open mission" in re.sub(r"<[^>]+>", "", page)
    assert "2 verified organisations" in re.sub(r"<[^>]+>", "", page)


def test_home_page_shows_the_three_latest_missions_in_few_queries(
    cast, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(5):
        published(
            organisation=cast.organisation,
            title=f"Mission numéro {n}",
            published_at=now - dt.timedelta(days=n),
        )

    with django_assert_max_num_queries(6):
        response = Client().get(reverse("core:home"))

    page = text(response)
    assert [t for t in ("numéro 0", "numéro 1", "numéro 2", "numéro 3") if t in page] == [
        "numéro 0",
        "numéro 1",
        "numéro 2",
    ]


def test_home_page_does_not_name_a_discreet_organisation(cast):
    published(organisation=cast.organisation, confidentiality=Mission.Confidentiality.DISCREET)

    page = text(Client().get(reverse("core:home")))

    assert "Eau Claire Thiès" not in page
    assert "A partner organisation" in page


def test_dates_on_the_home_page_follow_the_language(cast):
    published(
        organisation=cast.organisation,
        published_at=dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC),
    )
    client = Client()

    english = text(client.get(reverse("core:home")))
    client.post(reverse("core:set_language"), {"language": "fr", "next": "/"})
    french = text(client.get(reverse("core:home")))

    assert "March 5, 2026" in english
    assert '<html lang="fr">' in french
    assert "5 mars 2026" in french


def test_healthz_says_ok():
    response = Client().get(reverse("core:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_robots_txt_leaves_the_public_pages_to_crawlers():
    response = Client().get(reverse("robots_txt"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    robots = RobotFileParser()
    robots.parse(response.content.decode().splitlines())
    for public in ("core:home", "missions:catalogue", "cases:list", "account_signup"):
        assert robots.can_fetch("*", reverse(public)), public
    assert not robots.can_fetch("*", reverse("api:api-v1:missions_list"))


def test_each_page_has_one_description_its_own_or_the_platforms():
    client = Client()
    for name in ("core:home", "missions:catalogue", "cases:list"):
        html = client.get(reverse(name)).content.decode()
        assert html.count('<meta name="description"') == 1, name


# --- dashboard ------------------------------------------------------------------------------


def test_coordinator_dashboard_counts_the_work_and_links_to_it(cast):
    NeedFactory(organisation=cast.organisation)
    NeedFactory(organisation=cast.organisation, status="scoping")
    OrganisationFactory(status="pending")
    MissionFactory(organisation=cast.organisation, status=Status.AWAITING_APPROVAL)
    MissionFactory(organisation=cast.organisation, status=Status.APPROVED)

    response = cast.client("coordinator").get(reverse("core:dashboard"))

    page = text(response)
    html = response.content.decode()
    assert re.search(r'class="count">1</span> organisation to verify', html)
    assert re.search(r'class="count">1</span> need to triage', html)
    assert re.search(r'class="count">1</span> mission order awaiting approval', html)
    assert re.search(r'class="count">1</span> approved order to publish', html)
    for url in ("needs:triage", "organisations:review_queue", "missions:list", "accounts:team"):
        assert reverse(url) in html
    assert f'href="{reverse("core:platform_settings")}"' in html
    assert "Platform settings" in page


def test_member_dashboard_shows_their_organisations_needs_and_orders_to_approve(cast):
    need = NeedFactory(organisation=cast.organisation, title="Eau trouble au puits")
    waiting = MissionFactory(
        organisation=cast.organisation, status=Status.AWAITING_APPROVAL, title="Filtre lent"
    )
    MissionFactory(organisation=cast.organisation, status=Status.DRAFT, title="Brouillon caché")
    NeedFactory(organisation=cast.other_organisation, title="Séchoir solaire")

    response = cast.client("member").get(reverse("core:dashboard"))

    page = text(response)
    html = response.content.decode()
    assert "Eau Claire Thiès" in page
    assert reverse("organisations:detail", args=[cast.organisation.pk]) in html
    assert reverse("needs:detail", args=[need.pk]) in html
    assert "Your approval is needed:" in page
    assert reverse("missions:manage", args=[waiting.pk]) in html
    assert "Brouillon caché" not in page  # drafts are the team's until sent for approval
    assert "Séchoir solaire" not in page
    assert "Soleil Mangue" not in page
    assert "Coordination" not in page


def test_supervisor_dashboard_lists_supervised_missions(cast):
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, title="Capteur de qualité"
    )

    response = cast.client("supervisor").get(reverse("core:dashboard"))

    assert "Missions you supervise" in text(response)
    assert reverse("missions:manage", args=[mission.pk]) in response.content.decode()


def test_volunteer_dashboard_points_to_the_catalogue(cast):
    response = cast.client("volunteer").get(reverse("core:dashboard"))

    assert "Volunteering" in text(response)
    assert f'href="{reverse("missions:catalogue")}"' in response.content.decode()
    assert "Your organisations" not in text(response)


def test_person_with_no_role_is_shown_how_to_start(db):
    client = Client()
    person = UserFactory()
    client.force_login(person)

    response = client.get(reverse("core:dashboard"))

    page = text(response)
    assert "Register your organisation" in page
    assert f'href="{reverse("organisations:register")}"' in response.content.decode()
    assert "Become a volunteer" in page
    client.post(reverse("accounts:preferences"), {"action": "become_volunteer"})
    assert "Volunteering" in text(client.get(reverse("core:dashboard")))
    assert Role.VOLUNTEER in User.objects.get(pk=person.pk).roles


def test_member_dashboard_query_count_does_not_grow_with_rows(cast, django_assert_max_num_queries):
    for n in range(8):
        NeedFactory(organisation=cast.organisation, title=f"Besoin {n}")
        MissionFactory(organisation=cast.organisation, status=Status.AWAITING_APPROVAL)

    client = cast.client("member")

    with django_assert_max_num_queries(10):
        response = client.get(reverse("core:dashboard"))

    assert "Besoin 7" in text(response)


# --- platform settings ----------------------------------------------------------------------


def test_coordinator_changes_the_maximum_mission_duration(cast):
    client = cast.client("coordinator")

    page = client.get(reverse("core:platform_settings"))
    response = client.post(
        reverse("core:platform_settings"),
        {
            **RULES,
            "max_mission_weeks": 16,
            "answer_within_days": 5,
            "stall_after_days": 21,
            "hourly_rate": "18.50",
        },
    )

    assert page.status_code == 200
    assert 'value="12"' in page.content.decode()
    assert response["Location"] == reverse("core:platform_settings")
    config = PlatformSettings.load()
    assert (config.max_mission_weeks, config.answer_within_days, config.stall_after_days) == (
        16, 5, 21,
    )  # fmt: skip
    assert config.hourly_rate == Decimal("18.50")
    assert "The platform rules were saved." in text(client.get(response["Location"]))


RULES = {
    "max_mission_weeks": 12, "answer_within_days": 7, "stall_after_days": 14,
    "hourly_rate": "15.00", "followup_first_months": 6, "followup_second_months": 12,
    "inactive_years_before_anonymising": 3,
}  # fmt: skip


def test_the_second_follow_up_must_come_after_the_first(cast):
    response = cast.client("coordinator").post(
        reverse("core:platform_settings"),
        {**RULES, "followup_first_months": 9, "followup_second_months": 6, "hourly_rate": "20"},
    )

    assert response.status_code == 200
    assert "The second follow-up comes after the first" in field_errors(
        response, "followup_second_months"
    )
    assert 'value="9"' in response.content.decode()
    config = PlatformSettings.load()
    assert (config.followup_first_months, config.hourly_rate) == (6, Decimal("15.00"))


@pytest.mark.parametrize("weeks", ["0", "60", "douze"])
def test_out_of_range_duration_is_refused_next_to_the_field(cast, weeks):
    response = cast.client("coordinator").post(
        reverse("core:platform_settings"),
        {**RULES, "max_mission_weeks": weeks},
    )

    assert response.status_code == 200
    assert field_errors(response, "max_mission_weeks")
    assert f'value="{weeks}"' in response.content.decode()
    assert PlatformSettings.load().max_mission_weeks == 12


def test_a_volunteer_on_a_team_finds_the_mission_space_on_the_dashboard(cast):
    from soscience.applications.models import Application, TeamMember
    from soscience.missions.models import Mission
    from tests.factories import MissionFactory

    mission = MissionFactory(
        organisation=cast.organisation, status=Mission.Status.IN_PROGRESS, title="Filtre à sable"
    )
    application = Application.objects.create(
        mission=mission, volunteer=cast.volunteer, status=Application.Status.SELECTED
    )
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=cast.volunteer, seat=1,
        capacity=mission.team_size,
    )  # fmt: skip
    html = cast.client("volunteer").get(reverse("core:dashboard")).content.decode()
    assert reverse("execution:space", kwargs={"pk": mission.pk}) in html
    other = cast.client("other_volunteer").get(reverse("core:dashboard")).content.decode()
    assert reverse("execution:space", kwargs={"pk": mission.pk}) not in other
