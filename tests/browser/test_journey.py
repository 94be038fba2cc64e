"""Issue 2's journey in a real Chromium, with axe-core on every page the people see.

An organisation member signs up and registers their organisation, a coordinator verifies
it, the member submits a need, the coordinator scopes it into a mission order, the member
approves it, the coordinator publishes it, and a visitor finds it in the catalogue. Fields
and buttons are found by their label or role, as a person using a screen reader would:
a field that cannot be found that way is an accessibility bug, not a selector to tweak.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from soscience.accounts.roles import Role
from soscience.missions.models import Mission
from soscience.needs.models import Need
from soscience.organisations.models import Organisation
from tests.browser.helpers import Actor, assert_nothing_private, copy_into, last_mail_link, log_in
from tests.browser.helpers import people as people  # the fixture, found here by pytest
from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    TOTP_SECRET,
    CampusFactory,
    MembershipFactory,
    MissionFactory,
    OrganisationFactory,
    UserFactory,
)

if TYPE_CHECKING:
    from tests.browser.conftest import Axe

pytestmark = pytest.mark.django_db(transaction=True)

MEMBER_NAME = "Mariam Ndiaye"
MEMBER_EMAIL = "mariam.ndiaye@eau-claire.example"
MEMBER_PASSWORD = "puits-de-thies-2026"
ORGANISATION = "Eau Claire Thiès"
SIREN = "732829320"
NEED_TITLE = "The well water at our school turns cloudy after every rain"
MISSION_TITLE = "Design a slow sand filter for the Thiès school well"


def luhn_valid(digits: str) -> bool:
    """The check INSEE applies to a SIREN: the journey must use a number that passes it."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


# --- the steps of the journey ------------------------------------------------------------


def member_signs_up(member: Actor) -> None:
    page = member.goto("/")
    member.click(page.get_by_role("link", name="Sign up"))
    page.get_by_role("radio", name=re.compile("member of an organisation")).check()
    page.get_by_label("Full name").fill(MEMBER_NAME)
    page.get_by_label("Email").fill(MEMBER_EMAIL)
    page.get_by_label(re.compile(r"^Password\s*\*?$")).fill(MEMBER_PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\)")).fill(MEMBER_PASSWORD)
    member.click(page.get_by_role("button", name="Create my account"))

    member.goto(last_mail_link(MEMBER_EMAIL))
    member.click(page.get_by_role("button", name="Confirm"))
    if page.get_by_role("heading", name="Log in", level=1).count():
        log_in(member, MEMBER_EMAIL, MEMBER_PASSWORD)


def member_registers_organisation(member: Actor, proof: Path) -> None:
    page = member.page
    member.click(page.get_by_role("link", name="Register your organisation"))
    page.get_by_label("Name of the organisation").fill(ORGANISATION)
    page.get_by_label("Legal form").select_option(label="Association (loi 1901)")
    page.get_by_label("Country").select_option("SN")
    page.get_by_label("City").fill("Thiès")
    page.get_by_label("Social mission").fill("We bring safe drinking water to rural schools.")
    page.get_by_label("Beneficiaries").fill("About 2,000 pupils in 6 schools each year.")
    page.get_by_label("SIREN").fill(SIREN[:3] + " " + SIREN[3:6] + " " + SIREN[6:])
    page.get_by_label("Proof document").set_input_files(proof)
    member.click(page.get_by_role("button", name="Register the organisation"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect(page.get_by_text("Awaiting verification").first).to_be_visible()


def coordinator_verifies(coordinator: Actor) -> None:
    page = coordinator.page
    coordinator.click(page.get_by_role("link", name=re.compile("organisations? to verify")))
    coordinator.click(page.get_by_role("link", name=ORGANISATION))
    page.get_by_label("Note (optional)").fill("Statutes and SIREN checked.")
    coordinator.click(page.get_by_role("button", name="Verify eligibility"))
    expect(page.get_by_text(re.compile("Verified on"))).to_be_visible()


def member_submits_need(member: Actor) -> None:
    page = member.page
    member.goto("/dashboard/")
    member.click(page.get_by_role("main").get_by_role("link", name="Submit a need"))
    # needs:start says what a good need looks like, then leads to the form.
    member.click(page.get_by_role("link", name="Describe your need"))
    fill_need(page)
    member.click(page.get_by_role("button", name="Send to the team"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NEED_TITLE)


def fill_need(page: Page, *, title: str = NEED_TITLE) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Problem").fill("After each heavy rain the well turns brown.")
    page.get_by_label("Desired outcome").fill("A filter the teachers can build and maintain.")
    page.get_by_role("group", name=re.compile("Domains")).get_by_label(
        "Water and sanitation"
    ).check()
    page.get_by_label("Country").select_option("SN")


def coordinator_scopes_need(coordinator: Actor, supervisor_name: str) -> None:
    page = coordinator.page
    coordinator.goto("/dashboard/")
    coordinator.click(page.get_by_role("link", name=re.compile("needs? to triage")))
    coordinator.click(page.get_by_role("link", name=NEED_TITLE))
    coordinator.click(page.get_by_role("button", name="Take into scoping"))
    coordinator.click(page.get_by_role("link", name="Draft the mission order"))
    fill_order(page, supervisor_name)
    coordinator.click(page.get_by_role("button", name="Save the draft"))
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_TITLE)
    coordinator.click(page.get_by_role("button", name="Send to the organisation for approval"))
    expect(page.get_by_text("Awaiting the organisation's approval").first).to_be_visible()


def fill_order(page: Page, supervisor_name: str) -> None:
    start = timezone.localdate() + dt.timedelta(days=14)
    end = start + dt.timedelta(weeks=10)
    page.get_by_label("Title").fill(MISSION_TITLE)
    page.get_by_label("Context").fill("A rural primary school of 300 pupils.")
    page.get_by_label("Objectives").fill("Design a slow sand filter from local materials.")
    page.get_by_label("Deliverables").fill("Plans, a bill of materials and a build guide.")
    page.get_by_label("Out of scope").fill("Building the filter on site.")
    page.get_by_label("Team size").fill("2")
    page.get_by_label("Hours per week").fill("5")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill(end.isoformat())
    page.get_by_label("Remote or on site").select_option(label="Remote")
    page.get_by_role("group", name=re.compile("Working languages")).get_by_label("French").check()
    page.get_by_label("Supervisor").select_option(label=supervisor_name)
    page.get_by_label("Skill 1", exact=True).select_option(label="Water treatment")
    page.get_by_label("Level of skill 1", exact=True).select_option(label="Expert")


def member_approves(member: Actor) -> None:
    page = member.page
    member.goto("/dashboard/")
    to_do = page.get_by_role("listitem").filter(has_text="Your approval is needed")
    link = to_do.get_by_role("link", name=MISSION_TITLE)
    # The mail asking for approval leads to the same page.
    assert last_mail_link(MEMBER_EMAIL) == link.get_attribute("href")
    member.click(link)
    expect(page.get_by_role("heading", name=re.compile("Version 1 of the order"))).to_be_visible()
    expect(page.get_by_text("Design a slow sand filter from local materials.")).to_be_visible()
    member.click(page.get_by_role("button", name="Approve version 1"))
    expect(page.get_by_text("The organisation approved version 1.")).to_be_visible()


def coordinator_publishes(coordinator: Actor, home_campus: str) -> None:
    page = coordinator.page
    coordinator.goto("/dashboard/")
    coordinator.click(page.get_by_role("link", name=re.compile("approved orders? to publish")))
    coordinator.click(page.get_by_role("link", name=MISSION_TITLE))
    coordinator.click(page.get_by_role("link", name="Publish"))
    expect(page.get_by_label(home_campus)).to_be_checked()
    coordinator.click(page.get_by_role("button", name="Publish"))
    expect(page.get_by_text("The mission is published in the catalogue.")).to_be_visible()


def visitor_searches_catalogue(visitor: Actor, words: str, *, javascript: bool) -> Locator:
    """Search from the home page; the results list, once shown and checked."""
    page = visitor.goto("/")
    visitor.click(page.get_by_role("navigation").get_by_role("link", name="Find a mission"))
    search = page.get_by_role("search")
    search.get_by_label("Search").fill(words)
    if javascript:
        # Results follow the typing (htmx): no page load, but the list must be checked too.
        expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(words.split()[0])))
        visitor.checked()
    else:
        visitor.click(search.get_by_role("button", name="Show missions"))
    return page.get_by_role("region", name="Open missions")


def visitor_finds_mission(visitor: Actor, *, private: list[str], shots: Path) -> None:
    page = visitor.page
    results = visitor_searches_catalogue(visitor, "sand filter", javascript=True)
    expect(results.get_by_role("status")).to_have_text(re.compile(r"^\s*1 mission found\s*$"))
    page.screenshot(path=shots / "catalogue.png", full_page=True)
    assert_nothing_private(page, private)
    visitor.click(results.get_by_role("link", name=MISSION_TITLE))
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_TITLE)
    expect(page.get_by_text("Water treatment · Expert")).to_be_visible()
    page.screenshot(path=shots / "mission.png", full_page=True)
    assert_nothing_private(page, private)


# --- the tests -----------------------------------------------------------------------------


def test_a_need_travels_from_an_organisation_to_a_published_mission(people, tmp_path):
    assert luhn_valid(SIREN)
    home = CampusFactory(name="ESPCI Paris", short_name="ESPCI", slug="espci", is_home=True)
    CampusFactory(name="ESTP Paris", short_name="ESTP", slug="estp", is_home=False)
    coordinator_user = UserFactory(full_name="Claire Coordinatrice", roles=[Role.COORDINATOR])
    supervisor = UserFactory(full_name="Samuel Superviseur", roles=[Role.SUPERVISOR])
    proof = tmp_path / "statuts.pdf"
    proof.write_bytes(PDF_BYTES)

    member = people()
    member_signs_up(member)
    member_registers_organisation(member, proof)
    assert Organisation.objects.get().status == Organisation.Status.PENDING

    coordinator = people()
    log_in(coordinator, coordinator_user.email, PASSWORD, totp_secret=TOTP_SECRET)
    coordinator_verifies(coordinator)

    member_submits_need(member)
    assert Need.objects.get().status == Need.Status.SUBMITTED

    coordinator_scopes_need(coordinator, supervisor.full_name)
    member_approves(member)
    coordinator_publishes(coordinator, home.short_name)
    assert Mission.objects.get().status == Mission.Status.OPEN

    visitor = people()
    # Screenshots for a person to look at: SOSCIENCE_SCREENSHOTS=/some/dir keeps them.
    shots = Path(os.environ.get("SOSCIENCE_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    private = [MEMBER_NAME, MEMBER_EMAIL, supervisor.email, coordinator_user.email, "statuts.pdf"]
    visitor_finds_mission(visitor, private=private, shots=shots)


def test_without_javascript_a_need_form_error_is_shown_at_the_field_and_search_works(people):
    """The need form and the catalogue search work with JavaScript off; a need sent with no
    title comes back with the message tied to the field, and what was typed still there."""
    member_user = UserFactory(full_name="Mariam Ndiaye")
    organisation = OrganisationFactory(name=ORGANISATION, country="SN", created_by=member_user)
    MembershipFactory(organisation=organisation, user=member_user)
    MissionFactory(organisation=organisation, title=MISSION_TITLE, status=Mission.Status.OPEN)
    MissionFactory(
        organisation=organisation, title="Map the village's solar lamps",
        objectives="A map of the lamps that work.", status=Mission.Status.OPEN,
    )  # fmt: skip

    member = people(javascript=False)
    log_in(member, member_user.email, PASSWORD)
    page = member.goto("/needs/submit/")
    fill_need(page, title="")
    member.click(page.get_by_role("button", name="Send to the team"))

    expect(page.get_by_role("alert")).to_contain_text("Please correct the errors below.")
    title = page.get_by_label("Title")
    expect(title).to_have_accessible_description(re.compile("This field is required."))
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Problem")).to_have_value(
        "After each heavy rain the well turns brown."
    )
    expect(page.get_by_label("Water and sanitation")).to_be_checked()
    assert not Need.objects.exists()

    title.fill(NEED_TITLE)
    member.click(page.get_by_role("button", name="Send to the team"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NEED_TITLE)
    assert Need.objects.get().title == NEED_TITLE

    visitor = people(javascript=False)
    results = visitor_searches_catalogue(visitor, "sand filter", javascript=False)
    expect(results.get_by_role("status")).to_have_text(re.compile(r"^\s*1 mission found\s*$"))
    expect(results.get_by_role("link", name=MISSION_TITLE)).to_be_visible()


def test_the_check_of_a_page_without_javascript_sees_that_page(people, axe: Axe):
    """The copy axe-core inspects is the page as the person without JavaScript sees it: an
    image without a text alternative added to that page is reported."""
    visitor = people(javascript=False)
    page = visitor.goto("/missions/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")

    violations = axe.violations(copy_into(visitor.checker, page))

    assert "image-alt" in [violation["id"] for violation in violations]
