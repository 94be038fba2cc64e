"""Issue 6's journey in a real Chromium, with axe-core on every page the people see.

A coordinator creates a conference on a partner campus through the events pages and
publishes it. The campus's ambassador opens the share kit of a mission offered to that
campus, creates a short link for the notice board, reads the short address on the page and
fetches the link's poster (a PDF). A visitor, not logged in, types that address: they land on
the mission, then go to the events, open the conference and register with a name and an
address; the link of the confirmation mail confirms the place. Back on the campus dashboard,
the ambassador sees what the link brought: one visit and one event registration.

The short link points to a mission (the share kit shares missions only): the network app
remembers the link in the visitor's session, and the events app attributes a registration
made in that session to it, whatever the link's target (soscience/network/services.py).

Fields and buttons are found by their label or role, as a person using a screen reader
would: one that cannot be found that way is an accessibility bug, not a selector to tweak.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from soscience.accounts.roles import Role
from soscience.events.models import Event, Registration
from soscience.missions.models import Mission
from soscience.network.models import Referral, ShareLink
from soscience.volunteers.models import Ambassadorship, Campus
from tests.browser.helpers import Actor, last_mail_link, log_in, screenshots_dir
from tests.browser.helpers import people as people  # the fixture, found here by pytest
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    CampusFactory,
    MissionFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

CAMPUS_NAME = "École de physique de Lyon"
AMBASSADOR_NAME = "Léa Fontaine"
COORDINATOR_NAME = "Claire Coordinatrice"
MISSION_TITLE = "Design a slow sand filter for a school in Thiès"
EVENT_TITLE = "Science for the social economy: water filters"
EVENT_DESCRIPTION = "Two researchers tell how a student team built a **sand filter** for a school."
SPEAKERS = "Dr Awa Ndiaye, hydrologist\nPaul Martin, engineering student"
ROOM = "Amphitheatre B"
CAPACITY = 40
LINK_LABEL = "Notice board, building B"
CHANNEL = "Poster on a notice board"
VISITOR_NAME = "Inès Morel"
VISITOR_EMAIL = "ines.morel@example.net"


# --- small helpers -------------------------------------------------------------------------


def field(where: Page | Locator, label: str) -> Locator:
    """A form field by its whole label (a required one's ends in an asterisk)."""
    return where.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def status_says(page: Page, text: str) -> None:
    expect(page.get_by_role("status").first).to_contain_text(text)


def heading_is(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def table_row(where: Page | Locator, header: str) -> Locator:
    """The row of a table whose row header contains ``header``."""
    page = where if isinstance(where, Page) else where.page
    # Slashes escaped too: Playwright writes the pattern between slashes in its selector.
    pattern = re.escape(header).replace("/", r"\/")
    return where.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile(pattern))
    )


def cells_under(table: Locator, row: Locator, *columns: str) -> list[str]:
    """What ``row`` says under each of ``columns`` (by the table's column headers)."""
    headers = [text.strip() for text in table.get_by_role("columnheader").all_inner_texts()]
    # The row header is the first column; the cells follow it.
    cells = [row.get_by_role("rowheader").inner_text().strip()]
    cells += [text.strip() for text in row.get_by_role("cell").all_inner_texts()]
    return [cells[headers.index(column)] for column in columns]


def event_start() -> dt.datetime:
    """Two weeks from now at 18:00, Paris time (the form's local time)."""
    day = timezone.localdate() + dt.timedelta(days=14)
    return dt.datetime.combine(day, dt.time(18, 0))


# --- the steps of the journey ------------------------------------------------------------


def coordinator_creates_conference(coordinator: Actor, email: str, shots: Path) -> None:
    page = coordinator.page
    log_in(coordinator, email, PASSWORD, totp_secret=TOTP_SECRET)
    coordination = page.get_by_role("region", name="Coordination")
    coordinator.click(coordination.get_by_role("link", name="Events", exact=True))
    heading_is(page, "Manage events")
    coordinator.click(page.get_by_role("main").get_by_role("link", name="New event"))
    heading_is(page, "New event")

    starts = event_start()
    field(page, "Title").fill(EVENT_TITLE)
    field(page, "Description").fill(EVENT_DESCRIPTION)
    field(page, "Speakers").fill(SPEAKERS)
    field(page, "Campus").select_option(label=CAMPUS_NAME)
    field(page, "Room or address").fill(ROOM)
    field(page, "Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    field(page, "Ends").fill((starts + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    field(page, "Places").fill(str(CAPACITY))
    page.screenshot(path=shots / "network-event-new.png", full_page=True)
    coordinator.click(page.get_by_role("button", name="Save as a draft"))

    status_says(page, "The event is saved as a draft. Publish it when ready.")
    heading_is(page, EVENT_TITLE)
    expect(page.get_by_role("main").locator(".lead .status")).to_have_text("Draft")
    coordinator.click(page.get_by_role("button", name="Publish"))
    status_says(page, "The event is published: anyone may register.")
    expect(page.get_by_role("main").locator(".lead .status")).to_have_text("Published")
    expect(page.get_by_role("main")).to_contain_text(f"{ROOM}, {CAMPUS_NAME} (Lyon)")


def ambassador_shares_mission(ambassador: Actor, email: str, shots: Path) -> str:
    """From their space to the campus dashboard to the mission's share kit: a short link for
    the notice board. Returns the short address the page shows."""
    page = ambassador.page
    log_in(ambassador, email, PASSWORD)
    section = page.get_by_role("region", name="Ambassador")
    ambassador.click(section.get_by_role("link", name="My campus dashboard"))
    heading_is(page, f"Dashboard of {CAMPUS_NAME}")
    missions = page.get_by_role("table", name="Missions open to the campus")
    ambassador.click(
        table_row(missions, MISSION_TITLE).get_by_role(
            "link", name=f"Share kit for {MISSION_TITLE}"
        )
    )
    heading_is(page, f"Share kit: {MISSION_TITLE}")

    field(page, "Where will you share it?").select_option(label=CHANNEL)
    field(page, "Label (for you)").fill(LINK_LABEL)
    # The ambassador's only campus is chosen already.
    campus = Campus.objects.get(name=CAMPUS_NAME)
    expect(field(page, "Campus")).to_have_value(str(campus.pk))
    ambassador.click(page.get_by_role("button", name="Create the link"))

    code = ShareLink.objects.get().code
    found = re.search(r"https?://\S+/s/([a-z0-9]+)/", page.get_by_role("status").inner_text())
    assert found, page.get_by_role("status").inner_text()
    short_url = found.group(0)
    assert found.group(1) == code
    links = page.get_by_role("table", name="My links to this mission")
    row = table_row(links, short_url)
    expect(row).to_contain_text(LINK_LABEL)
    expect(row).to_contain_text(CHANNEL)
    page.screenshot(path=shots / "network-share-kit.png", full_page=True)

    # The poster, fetched with the ambassador's session (page.request shares the cookies).
    poster = row.get_by_role("link", name=f"Poster (PDF) of link {code}")
    response = page.request.get(ambassador.base_url + (poster.get_attribute("href") or ""))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    return short_url


def visitor_arrives_and_registers(visitor: Actor, short_url: str, shots: Path) -> None:
    page = visitor.page
    page.goto(short_url)  # typed from the poster: the whole address
    visitor.checked()
    heading_is(page, MISSION_TITLE)
    visitor.click(page.get_by_role("contentinfo").get_by_role("link", name="Events"))
    heading_is(page, "Events")
    visitor.click(page.get_by_role("main").get_by_role("link", name=EVENT_TITLE))
    heading_is(page, EVENT_TITLE)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Dr Awa Ndiaye, hydrologist")
    expect(main.locator("strong", has_text="sand filter")).to_be_visible()  # Markdown
    expect(main).to_contain_text(f"0 of {CAPACITY} taken")

    registration = page.get_by_role("region", name="Registration")
    field(registration, "Your name").fill(VISITOR_NAME)
    field(registration, "Your email address").fill(VISITOR_EMAIL)
    visitor.click(registration.get_by_role("button", name="Register"))
    status_says(page, f"We sent a mail to {VISITOR_EMAIL}")

    visitor.goto(last_mail_link(VISITOR_EMAIL))
    heading_is(page, "Confirm your registration")
    visitor.click(page.get_by_role("button", name="Confirm my registration"))
    expect(page.get_by_role("main")).to_contain_text(
        f"Thank you, {VISITOR_NAME}: you hold a place."
    )
    page.screenshot(path=shots / "network-registration-confirmed.png", full_page=True)


def ambassador_sees_attribution(ambassador: Actor, code: str, shots: Path) -> None:
    page = ambassador.goto(reverse("core:dashboard"))
    section = page.get_by_role("region", name="Ambassador")
    ambassador.click(section.get_by_role("link", name="My campus dashboard"))
    heading_is(page, f"Dashboard of {CAMPUS_NAME}")

    events = page.get_by_role("table", name="Events on the campus")
    expect(table_row(events, EVENT_TITLE).get_by_role("cell").last).to_have_text(f"1 of {CAPACITY}")
    links = page.get_by_role("table", name="Share links and what they brought")
    row = table_row(links, code)  # the dashboard names a link by its code
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_contain_text(LINK_LABEL)
    columns = ("For", "Channel", "Created by", "Visits", "Sign-ups", "Applications",
               "Event registrations")  # fmt: skip
    assert cells_under(links, row, *columns) == [
        MISSION_TITLE, CHANNEL, AMBASSADOR_NAME, "1", "0", "0", "1",
    ]  # fmt: skip
    page.screenshot(path=shots / "network-dashboard.png", full_page=True)


# --- the test ------------------------------------------------------------------------------


def test_a_visitor_brought_by_a_share_link_registers_to_a_conference_on_campus(
    people, live_server, settings, tmp_path
):
    shots = screenshots_dir(tmp_path)
    # Short addresses are written with SITE_URL: here, the live server's own address.
    settings.SITE_URL = live_server.url
    campus = CampusFactory(name=CAMPUS_NAME, short_name="EPL", slug="epl", city="Lyon")
    ambassador_user = UserFactory(full_name=AMBASSADOR_NAME, roles=[Role.AMBASSADOR])
    Ambassadorship.objects.create(user=ambassador_user, campus=campus)
    coordinator_user = UserFactory(full_name=COORDINATOR_NAME, roles=[Role.COORDINATOR])
    mission = MissionFactory(
        organisation=OrganisationFactory(name="Eau Claire Thiès"), title=MISSION_TITLE,
        status=Mission.Status.OPEN, published_at=timezone.now(), languages=["en"],
        created_by=coordinator_user,
    )  # fmt: skip
    mission.campuses.set([campus])

    coordinator = people()
    coordinator_creates_conference(coordinator, coordinator_user.email, shots)
    event = Event.objects.get(title=EVENT_TITLE)
    assert (event.campus, event.status, event.capacity) == (
        campus, Event.Status.PUBLISHED, CAPACITY,
    )  # fmt: skip

    ambassador = people()
    short_url = ambassador_shares_mission(ambassador, ambassador_user.email, shots)
    assert urlsplit(short_url).path == reverse(
        "short:go", kwargs={"code": ShareLink.objects.get().code}
    )

    visitor = people()
    visitor_arrives_and_registers(visitor, short_url, shots)
    registration = Registration.objects.get(event=event, email=VISITOR_EMAIL)
    link = ShareLink.objects.get()
    assert (registration.status, registration.user, registration.referral) == (
        Registration.Status.CONFIRMED, None, link,
    )  # fmt: skip
    kinds = sorted(Referral.objects.filter(link=link).values_list("kind", flat=True))
    assert kinds == [Referral.Kind.REGISTRATION, Referral.Kind.VISIT]

    ambassador_sees_attribution(ambassador, link.code, shots)
