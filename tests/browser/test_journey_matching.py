"""Issue 3's journey in a real Chromium, with axe-core on every page the people see.

A student signs up as a volunteer, fills a skills profile, finds a published mission first
among the "missions for me" and applies. A coordinator opens the mission's suggested
volunteers, where the applicant is marked as applied and a microbiologist who has not
applied is suggested, and invites her; she completes her application from the invitation.
The coordinator's team builder proposes the two, whose skills complement each other; the
coordinator selects one as lead and one as member. Both are told by mail and in their
inbox, and the public mission page shows the team by first names.

Fields and buttons are found by their label or role, as a person using a screen reader
would: one that cannot be found that way is an accessibility bug, not a selector to tweak.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications.models import Application, TeamMember
from soscience.missions.models import Mission
from soscience.volunteers.models import (
    Availability,
    Campus,
    Skill,
    VolunteerProfile,
    VolunteerSkill,
)
from tests.browser.helpers import (
    Actor,
    assert_nothing_private,
    log_in,
    mails_to,
    screenshots_dir,
    sign_up,
)
from tests.browser.helpers import people as people  # the fixture, found here by pytest
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    CampusFactory,
    MembershipFactory,
    MissionFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

VOLUNTEER_NAME = "Amadou Diallo"
VOLUNTEER_EMAIL = "amadou.diallo@espci.example"
VOLUNTEER_PASSWORD = "filtre-a-sable-2026"
SECOND_NAME = "Ines Okafor"

# An organisation's words, in French, about cloudy and salty water; it never says
# "microbiology" nor "water treatment" in the taxonomy's terms.
WELL = {
    "title": "Rendre potable l'eau trouble et salée du puits de l'école de Ndiassane",
    "context": "Une école primaire de 300 élèves dans un village près de Thiès, sans réseau "
    "d'eau courante : le puits est la seule source.",
    "problem": "Après chaque pluie, l'eau du puits devient trouble et prend un goût salé. "
    "Plusieurs élèves ont eu la diarrhée ce trimestre. Nous ne savons pas si l'eau est "
    "contaminée par des bactéries.",
    "objectives": "Concevoir un traitement simple de l'eau que l'école peut entretenir, et "
    "un protocole d'analyses (coliformes, E. coli) avant et après le traitement.",
    "deliverables": "Les plans du traitement, un guide d'entretien et un protocole "
    "d'analyses pour l'infirmier du village.",
}
SOLAR_TITLE = "Dimensionner des panneaux solaires pour le dispensaire de Koungheul"
ELSEWHERE_TITLE = "Traiter l'eau de la citerne du collège de Mbour"


def today() -> dt.date:
    return timezone.localdate()


# --- the setting: campuses, a coordinator, an organisation's missions, a volunteer -------


def published_mission(organisation, campuses: list[Campus], **fields) -> Mission:
    values = {
        "status": Mission.Status.OPEN, "published_at": timezone.now(), "hours_per_week": 4,
        "languages": ["fr"], "team_size": 2, **fields,
    }  # fmt: skip
    mission = MissionFactory(organisation=organisation, **values)
    mission.campuses.set(campuses)
    return mission


def second_volunteer(campus: Campus) -> User:
    """A microbiology student whose profile is in English, who agreed to be suggested and
    is free over the mission's dates, and who has not applied."""
    user = UserFactory(full_name=SECOND_NAME, roles=[Role.VOLUNTEER])
    profile = VolunteerProfile.objects.create(
        user=user, kind=VolunteerProfile.Kind.STUDENT, campus=campus,
        programme="MSc Microbiology", year=2, languages=["en", "fr"], country="FR",
        city="Paris", consent_matching_at=timezone.now(),
        bio="In the microbiology lab I culture coliform bacteria and count E. coli in "
        "drinking-water samples; last summer I ran field water tests in Ghana.",
    )  # fmt: skip
    VolunteerSkill.objects.create(
        profile=profile, skill=Skill.objects.get(slug="microbiology"), level=3
    )
    Availability.objects.create(
        profile=profile, start=today(), end=today() + dt.timedelta(weeks=20), hours_per_week=6
    )
    return user


# --- the steps of the journey ------------------------------------------------------------


def volunteer_fills_profile(volunteer: Actor, shots: Path) -> None:
    page = volunteer.page
    volunteer.goto("/dashboard/")
    volunteer.click(page.get_by_role("main").get_by_role("link", name="My volunteer profile"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My volunteer profile")

    page.get_by_role("group", name=re.compile("^I am")).get_by_label("Student", exact=True).check()
    page.get_by_label("Campus", exact=True).select_option(label="ESPCI Paris")
    page.get_by_label("Programme or laboratory").fill("Chemical engineering")
    page.get_by_label("Year of study").fill("2")
    page.get_by_label("About me").fill(
        "Je m'intéresse à l'eau potable : filtration sur sable, chloration, dessalement."
    )
    page.get_by_role("group", name=re.compile("Domains of interest")).get_by_label(
        "Water and sanitation"
    ).check()
    languages = page.get_by_role("group", name=re.compile("Languages I work in"))
    languages.get_by_label("French").check()
    languages.get_by_label("English").check()
    page.get_by_label("City").fill("Paris")

    skills = page.get_by_role("group", name="My skills")
    skills.get_by_label("Skill 1", exact=True).select_option(label="Sand filtration")
    skills.get_by_label("Level of skill 1", exact=True).select_option(label="Expert")
    skills.get_by_label("Skill 2", exact=True).select_option(label="Desalination")
    skills.get_by_label("Level of skill 2", exact=True).select_option(label="Practised")
    # Typed in French: matched to the taxonomy as one types (htmx), and on saving.
    page.get_by_label("Other skills").fill("traitement de l'eau")
    expect(page.get_by_text("Skills the team knows for “traitement de l'eau”")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Water treatment")).to_be_visible()
    volunteer.checked()  # the page with its suggestions shown

    window = page.get_by_role("group", name="Window 1")
    window.get_by_label("From").fill(today().isoformat())
    window.get_by_label("To").fill((today() + dt.timedelta(weeks=20)).isoformat())
    window.get_by_label("Hours per week").fill("6")
    page.get_by_role("group", name=re.compile("Tell me about missions")).get_by_label(
        "Each new mission that matches my profile"
    ).check()
    page.get_by_label(re.compile("^I agree that the team and the matching engine")).check()
    page.screenshot(path=shots / "profile-form.png", full_page=True)
    volunteer.click(page.get_by_role("button", name="Save my profile"))

    messages = page.get_by_role("status")
    expect(messages).to_contain_text("Your profile was saved.")
    expect(messages).to_contain_text("Skills recognised and added: Water treatment.")
    expect(page.get_by_label(re.compile("^I agree that the team"))).to_be_checked()
    profile = VolunteerProfile.objects.get(user__email=VOLUNTEER_EMAIL)
    assert profile.campus.short_name == "ESPCI"
    assert profile.is_matchable
    assert {(s.skill.slug, s.level) for s in profile.skills.all()} == {
        ("sand-filtration", 3), ("desalination", 2), ("water-treatment", 2),
    }  # fmt: skip


def volunteer_finds_and_applies(volunteer: Actor, mission: Mission, shots: Path) -> None:
    page = volunteer.page
    volunteer.goto("/dashboard/")
    volunteer.click(page.get_by_role("main").get_by_role("link", name="Missions for me"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Missions for me")
    ranked = page.get_by_role("main").get_by_role("heading", level=2)
    expect(ranked.first).to_have_text(mission.title)
    # Offered to the volunteer's campus only: the partner campus's mission is not there.
    expect(page.get_by_role("link", name=ELSEWHERE_TITLE)).to_have_count(0)
    page.screenshot(path=shots / "missions-for-me.png", full_page=True)

    volunteer.click(ranked.first.get_by_role("link", name=mission.title))
    expect(page.get_by_role("heading", level=1)).to_have_text(mission.title)
    take_part = page.get_by_role("complementary", name="Take part")
    volunteer.click(take_part.get_by_role("link", name="Apply"))
    apply(volunteer, "Sand filters and desalination are what I study; I would design the "
          "treatment with the school.")  # fmt: skip
    expect(page.get_by_role("status")).to_contain_text("Your application was sent.")
    expect(page.get_by_role("heading", name=mission.title)).to_be_visible()


def apply(volunteer: Actor, motivation: str) -> None:
    page = volunteer.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Apply to")
    page.get_by_label("Why this mission, and what would you bring?").fill(motivation)
    page.get_by_label("I confirm I am available for the mission's dates and hours").check()
    volunteer.click(page.get_by_role("button", name="Send my application"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My applications")


def coordinator_opens_suggestions(coordinator: Actor, mission: Mission) -> None:
    page = coordinator.page
    nav = page.get_by_role("navigation", name="Main menu")
    coordinator.click(nav.get_by_role("link", name="Mission orders"))
    coordinator.click(page.get_by_role("link", name=mission.title))
    coordinator.click(page.get_by_role("link", name="Suggested volunteers"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suggested volunteers")


def suggested(page: Page, name: str) -> Locator:
    """A volunteer's entry in the ranked list of the suggestions page."""
    ranked = page.get_by_role("region", name="Best suited volunteers")
    return ranked.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=3, name=re.compile(name))
    )


def coordinator_invites_second_volunteer(coordinator: Actor, shots: Path) -> None:
    page = coordinator.page
    applicant = suggested(page, VOLUNTEER_NAME)
    expect(applicant.get_by_text("Applied", exact=True)).to_be_visible()
    expect(applicant.get_by_role("button", name=re.compile("Invite"))).to_have_count(0)
    other = suggested(page, SECOND_NAME)
    expect(other.get_by_text("Has not applied")).to_be_visible()
    page.screenshot(path=shots / "suggestions.png", full_page=True)

    coordinator.click(other.get_by_role("button", name=f"Invite {SECOND_NAME} to apply"))
    expect(page.get_by_role("status").first).to_contain_text(
        f"{SECOND_NAME} is invited to apply and was told."
    )
    expect(suggested(page, SECOND_NAME).get_by_text("Invited to apply")).to_be_visible()


def second_volunteer_completes_application(second: Actor, email: str, mission: Mission) -> None:
    page = second.page
    assert [m.subject for m in mails_to(email)] == [f"You are invited to apply: {mission.title}"]
    log_in(second, email, PASSWORD)
    second.click(page.get_by_role("banner").get_by_role("link", name="Notifications (1)"))
    invitation = page.get_by_role("link", name=f"You are invited to apply: {mission.title}")
    second.click(invitation)
    expect(page.get_by_text("The team invited you to apply to this mission.")).to_be_visible()
    apply(second, "I can test the water for coliforms and E. coli before and after the "
          "treatment, and write the protocol for the village nurse.")  # fmt: skip


def applicant_entry(page: Page, name: str) -> Locator:
    """An applicant's entry in the team builder's ranked list."""
    ranked = page.get_by_role("region", name="Applicants, best suited first")
    return ranked.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=3, name=re.compile(name))
    )


def coordinator_selects_team(coordinator: Actor, mission: Mission, shots: Path) -> None:
    page = coordinator.page
    coordinator.goto(reverse("matching:suggestions", kwargs={"pk": mission.pk}))
    coordinator.click(page.get_by_role("main").get_by_role("link", name="Team builder"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Team builder")
    proposal = page.get_by_role("region", name="Proposed team")
    expect(proposal.get_by_role("link", name=VOLUNTEER_NAME)).to_be_visible()
    expect(proposal.get_by_role("link", name=SECOND_NAME)).to_be_visible()
    expect(page.get_by_text("Seats taken: 0 of 2.")).to_be_visible()
    page.screenshot(path=shots / "team-builder.png", full_page=True)

    select(coordinator, mission, VOLUNTEER_NAME, "Team lead")
    select(coordinator, mission, SECOND_NAME, "Member")
    team = TeamMember.objects.filter(mission=mission).select_related("volunteer")
    assert {(m.volunteer.full_name, m.role) for m in team} == {
        (VOLUNTEER_NAME, TeamMember.Role.LEAD), (SECOND_NAME, TeamMember.Role.MEMBER),
    }  # fmt: skip


def select(coordinator: Actor, mission: Mission, name: str, role: str) -> None:
    """Select ``name`` in ``role`` from the team builder, then come back to it."""
    page = coordinator.page
    entry = applicant_entry(page, name)
    entry.get_by_label("Role in the team").select_option(label=role)
    coordinator.click(entry.get_by_role("button", name=f"Select {name}"))
    expect(page.get_by_role("status").first).to_contain_text(f"{name} joins the team and was told.")
    if "/team-builder/" not in page.url:
        # The select view sends the coordinator to the applications page, whatever the
        # page they selected from; they go back to the builder through the mission order.
        coordinator.click(page.get_by_role("link", name="Back to the mission order"))
        coordinator.click(page.get_by_role("link", name="Team builder"))


def volunteer_is_told(volunteer: Actor, email: str, mission: Mission) -> None:
    subject = f"You are selected: {mission.title}"
    assert subject in [m.subject for m in mails_to(email)], mails_to(email)
    page = volunteer.page
    volunteer.goto("/dashboard/")
    volunteer.click(
        page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Notifications"))
    )
    expect(page.get_by_role("link", name=subject)).to_be_visible()


def visitor_sees_team(visitor: Actor, mission: Mission) -> None:
    page = visitor.goto(reverse("missions:detail", kwargs={"pk": mission.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text(mission.title)
    expect(page.get_by_role("heading", name="The team")).to_be_visible()
    team = page.get_by_role("list").filter(has_text="Team lead")
    expect(team.get_by_role("listitem")).to_have_text(["Amadou · Team lead", "Ines · Member"])
    # First names only: the public page does not name the volunteers in full.
    assert_nothing_private(page, [VOLUNTEER_NAME, SECOND_NAME, VOLUNTEER_EMAIL])


# --- the test ------------------------------------------------------------------------------


def test_a_volunteer_finds_a_mission_and_a_coordinator_builds_a_complementary_team(
    people, settings, tmp_path
):
    settings.MATCHING_INDEX_DIR = tmp_path / "matching"
    shots = screenshots_dir(tmp_path)
    home = CampusFactory(name="ESPCI Paris", short_name="ESPCI", slug="espci", is_home=True)
    partner = CampusFactory(name="ESTP Paris", short_name="ESTP", slug="estp", is_home=False)
    coordinator_user = UserFactory(full_name="Claire Coordinatrice", roles=[Role.COORDINATOR])
    member = UserFactory(full_name="Mariam Ndiaye")
    organisation = OrganisationFactory(
        name="Eau Claire Thiès", country="SN", city="Thiès", created_by=member
    )
    MembershipFactory(organisation=organisation, user=member)
    mission = published_mission(
        organisation, [home], skills=[("water-treatment", 3), ("microbiology", 2)], **WELL
    )
    published_mission(
        organisation, [home], title=SOLAR_TITLE, skills=[("solar-pv", 3)],
        problem="Le dispensaire n'a pas d'électricité la nuit pour les accouchements.",
        objectives="Dimensionner une installation photovoltaïque avec batteries.",
    )  # fmt: skip
    published_mission(
        organisation, [partner], title=ELSEWHERE_TITLE, skills=[("water-treatment", 3)]
    )
    second_user = second_volunteer(home)

    volunteer = people()
    sign_up(
        volunteer, joining_as="student or researcher who wants to volunteer",
        name=VOLUNTEER_NAME, email=VOLUNTEER_EMAIL, password=VOLUNTEER_PASSWORD,
    )  # fmt: skip
    volunteer_fills_profile(volunteer, shots)
    volunteer_finds_and_applies(volunteer, mission, shots)
    assert Application.objects.get(mission=mission).status == Application.Status.APPLIED

    coordinator = people()
    log_in(coordinator, coordinator_user.email, PASSWORD, totp_secret=TOTP_SECRET)
    coordinator_opens_suggestions(coordinator, mission)
    coordinator_invites_second_volunteer(coordinator, shots)

    second = people()
    second_volunteer_completes_application(second, second_user.email, mission)
    assert Application.objects.get(volunteer=second_user).status == Application.Status.APPLIED

    coordinator_selects_team(coordinator, mission, shots)
    volunteer_is_told(volunteer, VOLUNTEER_EMAIL, mission)
    volunteer_is_told(second, second_user.email, mission)

    visitor_sees_team(people(), mission)
