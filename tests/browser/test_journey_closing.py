"""Issue 5's journey in a real Chromium, with axe-core on every page the people see.

A mission in Senegal is nearly done: its volunteer's hours are validated and the final report
is on the deliverables page. The volunteer marks the mission delivered; the organisation's
member, told, accepts the deliverables and answers the closing survey with a testimonial it
agrees to publish; the coordinator, told in turn, closes the mission and issues the
certificates from the mission's page. The volunteer downloads the certificate from their
profile: the PDF (read back with pdftotext) names them and prints the verification code and
address, the one its QR code encodes. A visitor who is not logged in opens that address and
sees the certificate confirmed, then the public impact page, where the map shows the
mission's country and the testimonial is quoted.

Fields and buttons are found by their label or role, as a person using a screen reader
would: one that cannot be found that way is an accessibility bug, not a selector to tweak.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications.models import Application, TeamMember
from soscience.certificates.models import Certificate
from soscience.closing.models import OrganisationSurvey
from soscience.execution.models import HoursEntry
from soscience.execution.models_deliverables import Deliverable
from soscience.execution.services_deliverables import deliverable_upload
from soscience.missions.models import Mission
from tests.browser.helpers import Actor, log_in, screenshots_dir
from tests.browser.helpers import people as people  # the fixture, found here by pytest
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    MembershipFactory,
    MissionFactory,
    OrganisationFactory,
    UserFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db(transaction=True)

VOLUNTEER_NAME = "Amadou Diallo"
MEMBER_NAME = "Mariam Ndiaye"
SUPERVISOR_NAME = "Samuel Martin"
COORDINATOR_NAME = "Claire Coordinatrice"
ORGANISATION = "Eau Claire Thiès"
MISSION_TITLE = "Monitor the turbidity of the Thiès school well"
REPORT_TITLE = "Final report: turbidity monitoring"
REPORT_NAME = "final-report.pdf"
HOURS = Decimal("12.5")

LOCAL_IMPACT = "The school now checks its well every morning and boils the water after rain."
TESTIMONIAL = "The students' sensor tells us when the well is safe: 300 pupils drink clean water."
# floatformat:"-2" prints 12.50; a page rounding otherwise would still say 12.5.
HOURS_SHOWN = re.compile(r"^\s*12\.50? h\s*$")
CODE = r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}"
VERIFY_URL = re.compile(rf"https?://\S+?(/certificates/verify/({CODE})/)")


def today() -> dt.date:
    return timezone.localdate()


# --- the setting: a mission at its end, in Senegal -------------------------------------------


def mission_at_its_end(organisation, supervisor: User) -> Mission:
    """A mission kicked off eight weeks ago, in Senegal, in English."""
    start = today() - dt.timedelta(weeks=8)
    return MissionFactory(
        organisation=organisation, supervisor=supervisor, title=MISSION_TITLE,
        status=Mission.Status.IN_PROGRESS, start_date=start,
        end_date=start + dt.timedelta(weeks=9), kicked_off_on=start,
        published_at=timezone.now() - dt.timedelta(weeks=10),
        country="SN", city="Thiès", languages=["en"],
    )  # fmt: skip


def on_team(mission: Mission, volunteer: User) -> None:
    application = Application.objects.create(
        mission=mission, volunteer=volunteer, status=Application.Status.SELECTED,
        applied_at=timezone.now() - dt.timedelta(weeks=9),
    )  # fmt: skip
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=volunteer, seat=1,
        role=TeamMember.Role.LEAD, capacity=mission.team_size,
    )  # fmt: skip


def validated_hours(mission: Mission, volunteer: User, supervisor: User) -> None:
    """Two entries the supervisor validated last week: 12.5 hours in all."""
    for days_ago, hours, what in ((20, "8", "Built the sensor"), (10, "4.5", "Wrote the report")):
        HoursEntry.objects.create(
            mission=mission, volunteer=volunteer, worked_on=today() - dt.timedelta(days=days_ago),
            hours=Decimal(hours), description=what, validated_by=supervisor,
            validated_at=timezone.now() - dt.timedelta(days=7),
        )  # fmt: skip


# --- small helpers -------------------------------------------------------------------------


def open_inbox(actor: Actor) -> Page:
    banner = actor.page.get_by_role("banner")
    return actor.click(banner.get_by_role("link", name=re.compile(r"^Notifications")))


def field(where: Page | Locator, label: str) -> Locator:
    """A form field by its whole label (a required one's ends in an asterisk)."""
    return where.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def choice(page: Page, question: str, answer: str) -> Locator:
    """One radio button of a question asked as a group (fieldset and legend)."""
    group = page.get_by_role("group", name=re.compile(rf"^{re.escape(question)}"))
    return group.get_by_role("radio", name=answer, exact=True)


def status_says(page: Page, text: str) -> None:
    expect(page.get_by_role("status").first).to_contain_text(text)


def mission_status(page: Page) -> Locator:
    """The mission's status, as the line under its title says it."""
    return page.get_by_role("main").locator(".lead .status")


def closing_panel(page: Page) -> Locator:
    return page.get_by_role("region", name="Delivery and closing")


def table_row(where: Page | Locator, header: str) -> Locator:
    """The row of a table whose row header contains ``header``."""
    page = where if isinstance(where, Page) else where.page
    return where.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile(re.escape(header)))
    )


def said(details: Locator, term: str) -> Locator:
    """What a description list says for ``term`` (the <dd> after its <dt>)."""
    return details.locator(f'xpath=.//dt[normalize-space()="{term}"]/following-sibling::dd[1]')


def pdf_text(content: bytes) -> str:
    """The text of a PDF as pdftotext (poppler) reads it, layout kept."""
    done = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
        check=True,
    )  # fmt: skip
    return done.stdout.decode()


# --- the steps of the journey ------------------------------------------------------------


def volunteer_delivers(volunteer: Actor, email: str, shots: Path) -> None:
    page = volunteer.page
    log_in(volunteer, email, PASSWORD)
    volunteer.click(page.get_by_role("main").get_by_role("link", name=MISSION_TITLE))
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_TITLE)
    this_mission = page.get_by_role("navigation", name="This mission")
    expect(this_mission.get_by_role("link", name="Deliverables (1 file)")).to_be_visible()

    panel = closing_panel(page)
    volunteer.click(panel.get_by_role("button", name="Mark the mission delivered"))
    status_says(page, "The mission is marked delivered: the organisation was told.")
    expect(mission_status(page)).to_have_text("Delivered, awaiting the organisation's acceptance")
    expect(closing_panel(page)).to_contain_text("The organisation is reviewing the deliverables.")
    expect(page.get_by_role("button", name="Mark the mission delivered")).to_have_count(0)
    page.screenshot(path=shots / "closing-delivered.png", full_page=True)


def member_accepts(member: Actor, email: str) -> None:
    page = member.page
    log_in(member, email, PASSWORD)
    open_inbox(member)
    member.click(
        page.get_by_role("link", name=f"Delivered, awaiting your acceptance: {MISSION_TITLE}")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_TITLE)
    panel = closing_panel(page)
    expect(panel.get_by_role("heading", name="The team delivered its work")).to_be_visible()

    # The report is there to read before accepting.
    member.click(panel.get_by_role("link", name="Read the deliverables"))
    expect(table_row(page, REPORT_TITLE).get_by_role("link", name=REPORT_NAME)).to_be_visible()
    member.click(page.get_by_role("link", name="Back to the mission space"))

    member.click(closing_panel(page).get_by_role("button", name="Accept the deliverables"))
    status_says(page, "You accepted the deliverables. Thank you!")
    expect(mission_status(page)).to_have_text("Accepted by the organisation")


def member_answers_survey(member: Actor, shots: Path) -> None:
    page = member.page
    member.click(closing_panel(page).get_by_role("link", name="answer the closing survey"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The organisation's closing survey")
    choice(page, "Did the solution work?", "4").check()
    choice(page, "Is the solution applied?", "Yes").check()
    field(page, "The local impact, in your own words").fill(LOCAL_IMPACT)
    field(page, "How many people benefit? (an estimate)").fill("300")
    field(page, "Would you recommend the programme to another organisation? (0 to 10)").fill("9")
    field(page, "A testimonial (optional)").fill(TESTIMONIAL)
    page.get_by_label(re.compile(r"^We agree that our testimonial is published")).check()
    page.screenshot(path=shots / "closing-survey.png", full_page=True)
    member.click(page.get_by_role("button", name="Send our answers"))

    status_says(page, "Thank you: your answers were recorded.")
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_TITLE)
    panel = closing_panel(page)
    expect(panel).to_contain_text("The organisation's survey: answered on")
    expect(panel).to_contain_text(f"by {MEMBER_NAME}")
    expect(panel.get_by_role("link", name="answer the closing survey")).to_have_count(0)


def coordinator_closes(coordinator: Actor, email: str, shots: Path) -> None:
    page = coordinator.page
    log_in(coordinator, email, PASSWORD, totp_secret=TOTP_SECRET)
    open_inbox(coordinator)
    coordinator.click(page.get_by_role("link", name=f"Deliverables accepted: {MISSION_TITLE}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_TITLE)
    panel = closing_panel(page)
    # The organisation answered; what is still missing is said, and does not stop closing.
    expect(panel).to_contain_text("The organisation's survey: answered on")
    expect(panel).to_contain_text(f"The survey of {VOLUNTEER_NAME}: not answered yet")
    page.screenshot(path=shots / "closing-to-close.png", full_page=True)
    coordinator.click(panel.get_by_role("button", name="Close the mission"))
    status_says(page, "The mission is closed.")
    expect(mission_status(page)).to_have_text("Closed")
    expect(closing_panel(page)).to_contain_text("Closed on")


def coordinator_issues_certificates(coordinator: Actor, mission: Mission, shots: Path) -> None:
    page = coordinator.goto(reverse("missions:manage", kwargs={"pk": mission.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_TITLE)
    coordinator.click(page.get_by_role("link", name="Certificates of volunteering"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Certificates: {MISSION_TITLE}")
    team = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Validated hours")
    )
    row = table_row(team, VOLUNTEER_NAME)
    expect(row).to_contain_text("12.5")
    expect(row).to_contain_text("Ready to be issued")

    coordinator.click(page.get_by_role("button", name="Issue the certificates"))
    status_says(page, "1 certificate was issued; its volunteer is told.")
    issued = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Status"))
    expect(issued.get_by_role("row").filter(has_text=VOLUNTEER_NAME)).to_contain_text("Valid")
    expect(page.get_by_role("button", name="Issue the certificates")).to_have_count(0)
    page.screenshot(path=shots / "certificates-issued.png", full_page=True)


def volunteer_downloads_certificate(volunteer: Actor) -> tuple[str, str]:
    """From the dashboard to the profile to "My certificates"; the PDF's text, read back.
    Returns the verification path printed in the PDF and the code."""
    page = volunteer.goto("/dashboard/")
    volunteer.click(page.get_by_role("main").get_by_role("link", name="My volunteer profile"))
    volunteer.click(page.get_by_role("link", name=re.compile(r"^My certificates of volunteering")))
    expect(page.get_by_role("heading", level=1)).to_have_text("My certificates")
    row = table_row(page, MISSION_TITLE)
    expect(row).to_contain_text("12.5")
    code = (row.get_by_role("code").text_content() or "").strip()
    assert re.fullmatch(CODE, code), code

    # Fetched with the volunteer's session (page.request shares the tab's cookies).
    link = row.get_by_role("link", name="Download the PDF")
    download = page.request.get(volunteer.base_url + (link.get_attribute("href") or ""))
    assert download.status == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.body().startswith(b"%PDF")

    text = pdf_text(download.body())
    assert "Certificate of volunteering" in text
    assert VOLUNTEER_NAME in text
    assert MISSION_TITLE in text
    assert code in text
    # The address the QR code encodes is printed under it (word-break may split it).
    found = VERIFY_URL.search(text) or VERIFY_URL.search(re.sub(r"\s+", "", text))
    assert found, f"no verification address in the PDF:\n{text}"
    assert found.group(2) == code
    return found.group(1), code


def visitor_verifies(visitor: Actor, path: str, code: str, shots: Path) -> None:
    """The verification address of the PDF, on this site, by someone not logged in."""
    page = visitor.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is valid")
    details = page.get_by_role("main").locator("dl.details")
    expect(said(details, "Volunteer")).to_have_text(VOLUNTEER_NAME)
    expect(said(details, "Mission")).to_have_text(MISSION_TITLE)
    expect(said(details, "For the organisation")).to_have_text(ORGANISATION)
    expect(said(details, "Supervisor")).to_have_text(SUPERVISOR_NAME)
    expect(said(details, "Validated hours")).to_have_text(HOURS_SHOWN)
    expect(said(details, "Verification code")).to_have_text(code)
    # Not logged in: the banner offers to log in.
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()
    page.screenshot(path=shots / "certificate-verified.png", full_page=True)


def visitor_sees_impact(visitor: Actor, shots: Path) -> None:
    page = visitor.page
    visitor.click(page.get_by_role("contentinfo").get_by_role("link", name="Our impact"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Our impact")

    figures = page.get_by_role("region", name="In figures")
    expect(said(figures, "Missions completed")).to_have_text("1")
    # The organisation's estimate from its closing survey.
    expect(said(figures, "People who benefit (organisations' estimates)")).to_have_text("300")

    world = page.get_by_role("img", name="Missions by country")
    expect(world).to_be_visible()
    senegal = world.locator("circle[data-country='SN']")
    expect(senegal).to_have_count(1)
    expect(senegal.locator("title")).to_have_text("Senegal: 1 mission")
    beside = page.get_by_role("table", name="Missions by country")
    expect(table_row(beside, "Senegal").get_by_role("cell")).to_have_text("1")

    quotes = page.get_by_role("region", name="In their words")
    quote = quotes.get_by_role("figure").filter(has_text=TESTIMONIAL)
    expect(quote).to_have_count(1)
    expect(quote).to_contain_text(ORGANISATION)
    page.screenshot(path=shots / "impact-public.png", full_page=True)


# --- the test ------------------------------------------------------------------------------


def test_a_mission_is_delivered_closed_certified_and_shown_on_the_public_impact_page(
    people, tmp_path
):
    shots = screenshots_dir(tmp_path)
    member_user = UserFactory(full_name=MEMBER_NAME, email="mariam.ndiaye@eau-claire.example")
    organisation = OrganisationFactory(name=ORGANISATION, country="SN", city="Thiès",
                                       created_by=member_user)  # fmt: skip
    MembershipFactory(organisation=organisation, user=member_user)
    supervisor_user = UserFactory(full_name=SUPERVISOR_NAME, roles=[Role.SUPERVISOR])
    coordinator_user = UserFactory(full_name=COORDINATOR_NAME, roles=[Role.COORDINATOR])
    volunteer_user = UserFactory(full_name=VOLUNTEER_NAME, roles=[Role.VOLUNTEER])
    mission = mission_at_its_end(organisation, supervisor_user)
    on_team(mission, volunteer_user)
    validated_hours(mission, volunteer_user, supervisor_user)
    deliverable_upload(
        mission=mission, by=volunteer_user, title=REPORT_TITLE, kind=Deliverable.Kind.REPORT,
        file=pdf_upload(REPORT_NAME), description="Readings over six weeks.",
    )  # fmt: skip

    volunteer = people()
    volunteer_delivers(volunteer, volunteer_user.email, shots)

    member = people()
    member_accepts(member, member_user.email)
    member_answers_survey(member, shots)
    survey = OrganisationSurvey.objects.get(mission=mission)
    assert (survey.worked, survey.applied, survey.beneficiaries, survey.recommend) == (
        4, OrganisationSurvey.Applied.YES, 300, 9,
    )  # fmt: skip
    assert survey.testimonial_consent is True

    coordinator = people()
    coordinator_closes(coordinator, coordinator_user.email, shots)
    coordinator_issues_certificates(coordinator, mission, shots)
    certificate = Certificate.objects.get(mission=mission, volunteer=volunteer_user)
    assert certificate.hours == HOURS

    path, code = volunteer_downloads_certificate(volunteer)
    assert code == certificate.code
    assert urlsplit(path).path == reverse("certificates:verify", kwargs={"code": code})

    visitor = people()
    visitor_verifies(visitor, path, code, shots)
    visitor_sees_impact(visitor, shots)
