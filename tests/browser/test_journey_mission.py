"""Issue 4's journey in a real Chromium, with axe-core on every page the people see.

A mission is running: a verified organisation ordered it, a supervisor follows it and a
team of two volunteers works on it. The team lead posts news shared with the organisation,
with a photo; the organisation's member is told, sees the news and the photo, and asks a
question; the lead reads the answer, requests a microcontroller kit within the equipment
budget, which the supervisor approves; the lead logs hours, which the supervisor validates;
the lead delivers the final report, which the organisation downloads. Another mission of
the same supervisor has been quiet for longer than the platform's stall delay: the daily
stall alert job tells the supervisor, who also sees it flagged on the supervisors' page.

Fields and buttons are found by their label or role, as a person using a screen reader
would: one that cannot be found that way is an accessibility bug, not a selector to tweak.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications.models import Application, TeamMember
from soscience.core.models import PlatformSettings
from soscience.execution.models import EquipmentRequest, HoursEntry, ProgressUpdate
from soscience.missions.models import Mission
from tests.browser.helpers import Actor, log_in, screenshots_dir
from tests.browser.helpers import people as people  # the fixture, found here by pytest
from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    TOTP_SECRET,
    MembershipFactory,
    MissionFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

LEAD_NAME = "Amadou Diallo"
SECOND_NAME = "Ines Okafor"
MEMBER_NAME = "Mariam Ndiaye"
SUPERVISOR_NAME = "Samuel Martin"
ORGANISATION = "Eau Claire Thiès"
MISSION_TITLE = "Monitor the turbidity of the Thiès school well"
QUIET_TITLE = "Size solar panels for the Koungheul dispensary"
BUDGET = Decimal("150.00")

NEWS = "The turbidity sensor reads **12 NTU** after the rain; photo of the test bench attached."
PHOTO_NAME = "test-bench.png"
QUESTION = "Can the sensor run on the school's solar battery at night?"
KIT = "Microcontroller kit"
REPORT_TITLE = "Final report: turbidity monitoring"
REPORT_NAME = "final-report.pdf"


def today() -> dt.date:
    return timezone.localdate()


def small_png(width: int = 4, height: int = 4) -> bytes:
    """A real PNG (blue pixels), built by hand: the upload check reads the content."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    rows = b"".join(b"\x00" + b"\x20\x60\xc0" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


# --- the setting: an organisation, a supervisor, a running mission and its team ------------


def on_team(mission: Mission, volunteer: User, seat: int, role: str) -> None:
    application = Application.objects.create(
        mission=mission, volunteer=volunteer, status=Application.Status.SELECTED,
        applied_at=timezone.now() - dt.timedelta(days=30),
    )  # fmt: skip
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=volunteer, seat=seat, role=role,
        capacity=mission.team_size,
    )  # fmt: skip


def running_mission(organisation, supervisor: User, *, title: str, days_ago: int) -> Mission:
    """A mission kicked off ``days_ago`` days ago, published a week before."""
    start = today() - dt.timedelta(days=days_ago)
    return MissionFactory(
        organisation=organisation, supervisor=supervisor, title=title,
        status=Mission.Status.IN_PROGRESS, start_date=start,
        end_date=start + dt.timedelta(weeks=10), kicked_off_on=start,
        published_at=timezone.now() - dt.timedelta(days=days_ago + 7),
        equipment_budget=BUDGET, languages=["en"],
    )  # fmt: skip


# --- small helpers -------------------------------------------------------------------------


def open_inbox(actor: Actor) -> Page:
    page = actor.page
    banner = page.get_by_role("banner")
    return actor.click(banner.get_by_role("link", name=re.compile(r"^Notifications")))


def field(where: Page | Locator, label: str) -> Locator:
    """A form field by its whole label; a required one's label ends in an asterisk that
    screen readers do not read (aria-hidden) but Playwright's label text includes."""
    return where.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def status_says(page: Page, text: str) -> None:
    expect(page.get_by_role("status").first).to_contain_text(text)


def update_article(page: Page) -> Locator:
    return page.get_by_role("article", name=f"News from {LEAD_NAME}")


def table_row(where: Page | Locator, header: str) -> Locator:
    """The row of a table whose row header contains ``header``."""
    page = where if isinstance(where, Page) else where.page
    # `has` is evaluated inside each row: it must start from the page, not from `where`.
    return where.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile(re.escape(header)))
    )


def hours_text(value: str) -> re.Pattern[str]:
    """``value`` as the page may print it: SQLite gives back 3.5, PostgreSQL 3.50."""
    number = format(Decimal(value).normalize(), "f")
    tail = "0*" if "." in number else r"(\.0+)?"
    return re.compile(rf"^\s*{re.escape(number)}{tail}\s*$")


def expect_hours(page: Page, who: str, *, validated: str, pending: str) -> None:
    """The totals table's row for ``who``: validated hours, then hours awaiting validation."""
    totals = (
        page.get_by_role("table")
        .filter(has=page.get_by_role("columnheader", name="Awaiting validation"))
        .first
    )
    cells = table_row(totals, who).get_by_role("cell")
    expect(cells).to_have_text([hours_text(validated), hours_text(pending)])


# --- the steps of the journey ------------------------------------------------------------


def lead_posts_news_with_photo(lead: Actor, email: str, shots: Path) -> None:
    page = lead.page
    log_in(lead, email, PASSWORD)
    lead.click(page.get_by_role("main").get_by_role("link", name=MISSION_TITLE))
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_TITLE)

    field(page, "News").fill(NEWS)
    page.get_by_role("group", name="Who can read it").get_by_label(
        "Shared with the organisation"
    ).check()
    page.get_by_label("Photos or PDF files").set_input_files(
        {"name": PHOTO_NAME, "mimeType": "image/png", "buffer": small_png()}
    )
    lead.click(page.get_by_role("button", name="Post", exact=True))
    status_says(page, "Your news was posted.")
    news = update_article(page)
    expect(news).to_contain_text("Shared with the organisation")
    expect(news.get_by_role("strong")).to_have_text("12 NTU")  # Markdown rendered
    expect(news.get_by_role("link", name=PHOTO_NAME)).to_be_visible()
    page.screenshot(path=shots / "space-news-posted.png", full_page=True)


def member_reads_news_and_asks(member: Actor, email: str, shots: Path) -> None:
    page = member.page
    log_in(member, email, PASSWORD)
    open_inbox(member)
    told = page.get_by_role("link", name=f"News from {LEAD_NAME}: {MISSION_TITLE}")
    member.click(told)
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_TITLE)
    news = update_article(page)
    expect(news).to_contain_text("after the rain")
    photo = news.get_by_role("link", name=PHOTO_NAME)
    expect(photo).to_be_visible()
    # The photo is downloaded, not shown at a public address: fetched with the member's
    # session (page.request shares the tab's cookies), it comes back as an attachment.
    download = page.request.get(member.base_url + (photo.get_attribute("href") or ""))
    assert download.status == 200
    # The same picture (uploaded images are re-encoded: metadata and stray bytes dropped).
    assert pixels(download.body()) == pixels(small_png())
    assert download.headers["content-disposition"].startswith("attachment")
    assert PHOTO_NAME in download.headers["content-disposition"]
    # The organisation does not post news itself.
    expect(page.get_by_role("heading", name="Post news")).to_have_count(0)

    news.get_by_label("Your reply or question").fill(QUESTION)
    member.click(news.get_by_role("button", name="Reply"))
    status_says(page, "Your reply was posted.")
    expect(update_article(page)).to_contain_text(QUESTION)
    expect(update_article(page)).to_contain_text(MEMBER_NAME)
    page.screenshot(path=shots / "space-question.png", full_page=True)


def lead_reads_answer(lead: Actor) -> None:
    page = lead.page
    open_inbox(lead)
    told = page.get_by_role("link", name=f"{MEMBER_NAME} replied to news of “{MISSION_TITLE}”")
    lead.click(told)
    expect(update_article(page)).to_contain_text(QUESTION)


def lead_requests_kit(lead: Actor, shots: Path) -> None:
    page = lead.page
    lead.click(page.get_by_role("navigation", name="This mission").get_by_role(
        "link", name="Equipment and budget"
    ))  # fmt: skip
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Equipment: {MISSION_TITLE}")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Send the request"))
    item = field(form, "Item")
    # Its own box, not the loan form's "What" (both forms have an "item" field; their ids
    # once collided, and axe-core does not see that the label then names the wrong box).
    expect(item).to_have_count(1)
    item.fill(KIT)
    field(form, "Quantity").fill("2")
    field(form, "Why it is needed").fill(
        "To log the turbidity sensor every ten minutes and send the readings by SMS."
    )
    field(form, "Estimated cost (EUR)").fill("45.00")
    field(form, "Link or supplier").fill("https://shop.example/kit")
    lead.click(form.get_by_role("button", name="Send the request"))
    status_says(page, "Your request was sent to the supervisor.")
    request = table_row(page, KIT)
    expect(request).to_contain_text("Requested")
    expect(request).to_contain_text(LEAD_NAME)
    page.screenshot(path=shots / "equipment-requested.png", full_page=True)


def supervisor_opens_space(supervisor: Actor, email: str) -> None:
    """From the supervisors' page, where the running mission shows its open request."""
    page = supervisor.page
    log_in(supervisor, email, PASSWORD, totp_secret=TOTP_SECRET)
    supervisor.click(page.get_by_role("main").get_by_role(
        "link", name="Health of my running missions"
    ))  # fmt: skip
    expect(page.get_by_role("heading", level=1)).to_have_text("My missions")
    expect(table_row(page, MISSION_TITLE).get_by_role("cell").nth(2)).to_have_text("1")
    supervisor.click(page.get_by_role("link", name=MISSION_TITLE))
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_TITLE)


def supervisor_approves_kit(supervisor: Actor) -> None:
    page = supervisor.page
    supervisor.click(page.get_by_role("navigation", name="This mission").get_by_role(
        "link", name="Equipment and budget"
    ))  # fmt: skip
    supervisor.click(table_row(page, KIT).get_by_role("button", name="Approve"))
    status_says(page, f"Request “{KIT}”: Approved.")
    expect(table_row(page, KIT)).to_contain_text("Approved")
    # 2 kits at 45 EUR in all: committed against the 150 EUR budget, 105 left.
    expect(page.get_by_text("105.00 EUR")).to_be_visible()


def lead_sees_kit_approved(lead: Actor) -> None:
    page = lead.page
    open_inbox(lead)
    lead.click(page.get_by_role("link", name=f"Your equipment request was approved: {KIT}"))
    expect(table_row(page, KIT)).to_contain_text("Approved")


def lead_logs_hours(lead: Actor, worked_on: dt.date) -> None:
    page = lead.page
    lead.click(page.get_by_role("main").get_by_role("link", name="Hours", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hours: {MISSION_TITLE}")
    field(page, "Date").fill(worked_on.isoformat())
    field(page, "Hours").fill("3.5")
    field(page, "What was done").fill("Calibrated the sensor with the kit.")
    lead.click(page.get_by_role("button", name="Log", exact=True))
    status_says(page, "Your hours were logged; the supervisor validates them.")
    expect_hours(page, "Whole mission", validated="0", pending="3.5")


def supervisor_validates_hours(supervisor: Actor, shots: Path) -> None:
    page = supervisor.page
    supervisor.click(page.get_by_role("main").get_by_role("link", name="Hours", exact=True))
    page.get_by_role("checkbox", name=re.compile(f"^Validate {LEAD_NAME}")).check()
    supervisor.click(page.get_by_role("button", name="Validate the ticked entries"))
    status_says(page, "1 entry validated.")
    expect_hours(page, "Whole mission", validated="3.5", pending="0")
    expect_hours(page, LEAD_NAME, validated="3.5", pending="0")
    page.screenshot(path=shots / "hours-validated.png", full_page=True)


def lead_sees_hours_validated(lead: Actor, mission: Mission) -> None:
    page = lead.goto(reverse("equipment:hours", kwargs={"pk": mission.pk}))
    mine = page.get_by_role("table").filter(has_text="Calibrated the sensor")
    expect(mine).to_contain_text("Validated")


def lead_uploads_report(lead: Actor, mission: Mission, shots: Path) -> None:
    page = lead.goto(reverse("execution:space", kwargs={"pk": mission.pk}))
    this_mission = page.get_by_role("navigation", name="This mission")
    lead.click(this_mission.get_by_role("link", name="Deliverables (0 files)"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Deliverables: {MISSION_TITLE}")
    field(page, "Title").fill(REPORT_TITLE)
    field(page, "Kind").select_option(label="Report")
    field(page, "Description").fill("Readings over **six weeks**, and how to keep the sensor.")
    field(page, "File").set_input_files(
        {"name": REPORT_NAME, "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    lead.click(page.get_by_role("button", name="Deliver"))
    status_says(page, "The file was delivered.")
    report = table_row(page, REPORT_TITLE)
    expect(report).to_contain_text("Report")
    expect(report).to_contain_text(LEAD_NAME)
    expect(report.get_by_role("link", name=REPORT_NAME)).to_be_visible()
    page.screenshot(path=shots / "deliverables.png", full_page=True)


def member_gets_report(member: Actor) -> None:
    """The organisation is told, finds the report and downloads the very file delivered."""
    page = member.page
    open_inbox(member)
    member.click(page.get_by_role(
        "link", name=f"{LEAD_NAME} delivered “{REPORT_TITLE}”: {MISSION_TITLE}"
    ))  # fmt: skip
    link = table_row(page, REPORT_TITLE).get_by_role("link", name=REPORT_NAME)
    download = page.request.get(member.base_url + (link.get_attribute("href") or ""))
    assert download.status == 200
    assert download.body() == PDF_BYTES
    assert download.headers["content-disposition"].startswith("attachment")
    # The organisation reads deliverables; the team and its supervisor deliver them.
    expect(page.get_by_role("button", name="Deliver")).to_have_count(0)


def supervisor_sees_stall_alert(supervisor: Actor, shots: Path) -> None:
    page = supervisor.page
    open_inbox(supervisor)
    supervisor.click(page.get_by_role("link", name=f"Mission gone quiet: {QUIET_TITLE}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(QUIET_TITLE)

    supervisor.goto("/dashboard/")
    supervisor.click(page.get_by_role("main").get_by_role(
        "link", name="Health of my running missions"
    ))  # fmt: skip
    expect(table_row(page, QUIET_TITLE).get_by_text("Quiet", exact=True)).to_be_visible()
    # The mission with fresh news is not flagged.
    expect(table_row(page, MISSION_TITLE).get_by_text("Quiet", exact=True)).to_have_count(0)
    page.screenshot(path=shots / "supervision-quiet.png", full_page=True)


# --- the test ------------------------------------------------------------------------------


def test_a_team_reports_progress_requests_equipment_logs_hours_and_a_quiet_mission_is_flagged(
    people, tmp_path
):
    shots = screenshots_dir(tmp_path)
    member_user = UserFactory(full_name=MEMBER_NAME, email="mariam.ndiaye@eau-claire.example")
    organisation = OrganisationFactory(name=ORGANISATION, country="SN", city="Thiès",
                                       created_by=member_user)  # fmt: skip
    MembershipFactory(organisation=organisation, user=member_user)
    supervisor_user = UserFactory(full_name=SUPERVISOR_NAME, roles=[Role.SUPERVISOR])
    lead_user = UserFactory(full_name=LEAD_NAME, roles=[Role.VOLUNTEER])
    second_user = UserFactory(full_name=SECOND_NAME, roles=[Role.VOLUNTEER])
    mission = running_mission(organisation, supervisor_user, title=MISSION_TITLE, days_ago=10)
    on_team(mission, lead_user, 1, TeamMember.Role.LEAD)
    on_team(mission, second_user, 2, TeamMember.Role.MEMBER)
    # Kicked off long before the stall delay, and no news shared since.
    stall_days = PlatformSettings.load().stall_after_days
    quiet = running_mission(organisation, supervisor_user, title=QUIET_TITLE,
                            days_ago=stall_days + 6)  # fmt: skip
    on_team(quiet, second_user, 1, TeamMember.Role.LEAD)

    lead = people()
    lead_posts_news_with_photo(lead, lead_user.email, shots)
    update = ProgressUpdate.objects.get(mission=mission)
    assert update.visibility == ProgressUpdate.Visibility.SHARED
    assert [a.original_name for a in update.attachments.all()] == [PHOTO_NAME]

    member = people()
    member_reads_news_and_asks(member, member_user.email, shots)
    lead_reads_answer(lead)
    lead_requests_kit(lead, shots)

    supervisor = people()
    supervisor_opens_space(supervisor, supervisor_user.email)
    supervisor_approves_kit(supervisor)
    assert EquipmentRequest.objects.get(mission=mission).status == EquipmentRequest.Status.APPROVED
    lead_sees_kit_approved(lead)

    lead_logs_hours(lead, today() - dt.timedelta(days=2))
    supervisor_validates_hours(supervisor, shots)
    assert HoursEntry.objects.get(mission=mission).validated_by == supervisor_user
    lead_sees_hours_validated(lead, mission)

    lead_uploads_report(lead, mission, shots)
    member_gets_report(member)

    # The daily job, run in this process as cron's `manage.py send_stall_alerts --now` would.
    call_command("send_stall_alerts", "--now", stdout=io.StringIO())
    supervisor_sees_stall_alert(supervisor, shots)
