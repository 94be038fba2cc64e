"""Coordinators' exports (CSV streamed, XLSX) and the annual impact report (PDF), checked on
a small hand-made data set.

Rate 20 EUR an hour. Campuses home and lyon; volunteers v1 (home) and v2 (lyon).
M1 "Filtre à sable": cast.organisation, closed, SN, water, home, published 2025-02-01,
   closed 2025-09-01. Hours: v1 10 (2025-03-01), v2 2.5 (2025-04-01), v1 3 not validated.
   Organisation's survey answered 2025-09-05 (worked 5, yes, 300 people, recommend 10,
   testimonial allowed); v1's survey 2025-09-06; a 6-month follow-up due 2026-03-01.
M2 "=1+2 Pompe solaire" (a formula): cast.other_organisation, in progress, KE, energy, lyon,
   published 2024-03-01. Hours: v2 4 (2024-05-01).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from soscience.accounts.roles import Role
from soscience.closing.models import FollowUp, OrganisationSurvey, VolunteerSurvey
from soscience.core.models import Domain, PlatformSettings
from soscience.execution.models import HoursEntry
from soscience.missions.models import Mission
from soscience.volunteers.models import Skill, VolunteerProfile
from tests.factories import CampusFactory, MissionFactory, UserFactory

S = Mission.Status


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 10, tzinfo=dt.UTC)


class World:
    def __init__(self, cast) -> None:
        settings = PlatformSettings.load()
        settings.hourly_rate = Decimal("20.00")
        settings.save()
        self.home = CampusFactory(slug="home", name="École Centrale")
        self.lyon = CampusFactory(slug="lyon", name="INSA Lyon")
        self.v1 = UserFactory(full_name="Valentin Un", roles=[Role.VOLUNTEER])
        self.v2 = UserFactory(full_name="Véra Deux", roles=[Role.VOLUNTEER])
        VolunteerProfile.objects.create(user=self.v1, campus=self.home, languages=["fr"])
        VolunteerProfile.objects.create(user=self.v2, campus=self.lyon, languages=["fr"])
        water, energy = Domain.objects.get(slug="water"), Domain.objects.get(slug="energy")
        self.m1 = MissionFactory(
            organisation=cast.organisation, title="Filtre à sable", status=S.CLOSED,
            country="SN", domains=[water], supervisor=cast.supervisor,
            published_at=at(2025, 2, 1), closed_at=at(2025, 9, 1),
        )  # fmt: skip
        self.m1.campuses.set([self.home])
        self.m2 = MissionFactory(
            organisation=cast.other_organisation, title="=1+2 Pompe solaire",
            status=S.IN_PROGRESS, country="KE", domains=[energy], published_at=at(2024, 3, 1),
        )  # fmt: skip
        self.m2.campuses.set([self.lyon])
        for mission, volunteer, day, hours, validated in (
            (self.m1, self.v1, dt.date(2025, 3, 1), "10", True),
            (self.m1, self.v2, dt.date(2025, 4, 1), "2.5", True),
            (self.m1, self.v1, dt.date(2025, 4, 2), "3", False),
            (self.m2, self.v2, dt.date(2024, 5, 1), "4", True),
        ):
            HoursEntry.objects.create(
                mission=mission, volunteer=volunteer, worked_on=day, hours=Decimal(hours),
                description="@SUM(A1) drawings" if hours == "4" else "Drawings",
                validated_by=cast.supervisor if validated else None,
                validated_at=at(2025, 5, 1) if validated else None,
            )  # fmt: skip
        survey = OrganisationSurvey.objects.create(
            mission=self.m1, worked=5, applied="yes", local_impact="Clear water.",
            beneficiaries=300, recommend=10, testimonial="Clear water for 300 pupils.",
            testimonial_consent=True, answered_by=cast.member,
        )  # fmt: skip
        OrganisationSurvey.objects.filter(pk=survey.pk).update(answered_at=at(2025, 9, 5))
        vsurvey = VolunteerSurvey.objects.create(
            mission=self.m1, volunteer=self.v1, confidence_before=2, confidence_after=4,
            would_change="More field visits.",
        )  # fmt: skip
        vsurvey.skills_used.set([Skill.objects.get(slug="python")])
        VolunteerSurvey.objects.filter(pk=vsurvey.pk).update(answered_at=at(2025, 9, 6))
        FollowUp.objects.create(mission=self.m1, months=6, due_on=dt.date(2026, 3, 1))


@pytest.fixture
def world(cast) -> World:
    return World(cast)


def url(table: str, fmt: str, **filters: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return reverse("exports:table", kwargs={"table": table, "fmt": fmt}) + (
        f"?{query}" if query else ""
    )


def read_csv(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte order mark to read the accents"
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# Each table: its first headers, and what its rows hold for the whole data set.
EXPECTED = {
    "missions": (["Mission number", "Title", "Organisation", "Status"], "Title",
                 ["Filtre à sable", "'=1+2 Pompe solaire"]),
    "organisations": (["Organisation number", "Name", "Legal form"], "Name",
                      ["Eau Claire Thiès", "Soleil Mangue"]),
    "hours": (["Date worked", "Volunteer", "Volunteer's campus"], "Volunteer",
              ["Véra Deux", "Valentin Un", "Véra Deux"]),
    "surveys": (["Mission number", "Mission", "Organisation", "Answered on"], "Local impact",
                ["Clear water."]),
    "volunteer-surveys": (["Mission number", "Mission", "Organisation", "Volunteer"],
                          "Skills used", ["Python programming"]),
    "follow-ups": (["Mission number", "Mission", "Organisation", "Months after closing"],
                   "Due on", ["2026-03-01"]),
}  # fmt: skip


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_each_table_as_csv(cast, world, table):
    response = cast.client("coordinator").get(url(table, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = read_csv(response)
    headers, key, values = EXPECTED[table]
    assert rows[0][: len(headers)] == headers
    assert column(rows, key) == values


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_each_table_as_xlsx(cast, world, table):
    response = cast.client("coordinator").get(url(table, "xlsx"))
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    rows = read_xlsx(response)
    headers, key, values = EXPECTED[table]
    assert list(rows[0][: len(headers)]) == headers
    # Dates come back as the spreadsheet's dates (read as datetimes).
    cells = [v.date().isoformat() if isinstance(v, dt.datetime) else v for v in column(rows, key)]
    assert cells == values


def test_csv_cells_iso_dates_numbers_and_values(cast, world):
    rows = read_csv(cast.client("coordinator").get(url("missions", "csv")))
    m1 = dict(zip(rows[0], rows[1], strict=True))
    assert m1["Mission number"] == str(world.m1.pk)
    assert m1["Status"] == "Closed"
    assert m1["Country"] == "Senegal"
    assert m1["Domains"] == "Water and sanitation"
    assert m1["Campuses"] == "École Centrale"
    assert m1["Supervisor"] == "Samuel Superviseur"
    assert m1["Published on"] == "2025-02-01 11:00"  # Paris time
    assert m1["Start date"] == world.m1.start_date.isoformat()
    # Validated hours only (10 + 2.5; the 3 pending hours do not count), at 20 EUR an hour.
    assert (m1["Validated hours"], m1["Value (EUR)"]) == ("12.50", "250.00")


def test_xlsx_cells_are_numbers_and_dates(cast, world):
    rows = read_xlsx(cast.client("coordinator").get(url("hours", "xlsx")))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Date worked"].date() == dt.date(2024, 5, 1)
    assert first["Hours"] == 4
    assert first["Value (EUR)"] == 80
    assert first["Mission"] == "'=1+2 Pompe solaire"


def test_organisations_count_their_missions_and_hours(cast, world):
    rows = read_csv(cast.client("coordinator").get(url("organisations", "csv")))
    by_name = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    eau = by_name["Eau Claire Thiès"]
    assert (eau["Missions"], eau["Missions started"], eau["Validated hours"]) == ("1", "1", "12.50")
    assert by_name["Soleil Mangue"]["Value (EUR)"] == "80.00"


@pytest.mark.parametrize(
    ("table", "filters", "key", "values"),
    [
        # M1 was published in 2025: not active in 2024.
        ("missions", {"year": "2024"}, "Title", ["'=1+2 Pompe solaire"]),
        ("missions", {"campus": "home"}, "Title", ["Filtre à sable"]),
        ("missions", {"country": "KE"}, "Title", ["'=1+2 Pompe solaire"]),
        ("missions", {"domain": "water"}, "Title", ["Filtre à sable"]),
        ("organisations", {"country": "SN"}, "Name", ["Eau Claire Thiès"]),
        ("hours", {"year": "2025"}, "Hours", ["10.00", "2.50"]),
        # The campus of hours is the volunteer's.
        ("hours", {"campus": "lyon"}, "Hours", ["4.00", "2.50"]),
        ("surveys", {"year": "2024"}, "Local impact", []),
        ("volunteer-surveys", {"campus": "lyon"}, "Volunteer", []),
        ("follow-ups", {"year": "2026"}, "Months after closing", ["6"]),
        ("follow-ups", {"country": "KE"}, "Months after closing", []),
    ],
)
def test_filters_apply(cast, world, table, filters, key, values):
    rows = read_csv(cast.client("coordinator").get(url(table, "csv", **filters)))
    assert column(rows, key) == values


def test_formulas_are_neutralised(cast, world):
    client = cast.client("coordinator")
    csv_rows = read_csv(client.get(url("hours", "csv")))
    assert column(csv_rows, "What was done")[0] == "'@SUM(A1) drawings"
    assert column(csv_rows, "Mission")[0] == "'=1+2 Pompe solaire"
    workbook = load_workbook(io.BytesIO(b"".join(client.get(url("hours", "xlsx")))))
    sheet = workbook.active
    titles = [cell.value for cell in sheet["E"]]
    assert titles[1] == "'=1+2 Pompe solaire"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_french_reader_gets_french_values(cast, world):
    cast.coordinator.language = "fr"
    cast.coordinator.save()
    rows = read_csv(cast.client("coordinator").get(url("missions", "csv", campus="home")))
    assert rows[1][4:7] == ["Sénégal", "Thiès", "Eau et assainissement"]


def test_large_tables_stream_in_chunks(cast, world, settings):
    """250 missions read 100 at a time: one SELECT, and each prefetch once per chunk, never
    once per row."""
    settings.SOSCIENCE_EXPORT_CHUNK_SIZE = 100
    water = Domain.objects.get(slug="water")
    created = Mission.objects.bulk_create(
        MissionFactory.build(organisation=cast.organisation, created_by=cast.member)
        for _ in range(248)
    )
    Mission.domains.through.objects.bulk_create(
        Mission.domains.through(mission=m, domain=water) for m in created
    )
    client = cast.client("coordinator")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("missions", "csv"))
        assert response.streaming
        rows = read_csv(response)
    assert len(rows) == 1 + 250
    domain_prefetches = [q for q in queries if 'FROM "core_domain"' in q["sql"]]
    assert len(domain_prefetches) == 3
    assert len(queries) <= 20


def test_unknown_table_or_format(cast, world):
    client = cast.client("coordinator")
    assert client.get(url("passwords", "csv")).status_code == 404
    assert client.get(url("missions", "pdf")).status_code == 404


@pytest.mark.parametrize("who", ["supervisor", "member", "volunteer", "ambassador"])
def test_others_are_refused(cast, world, who):
    client = cast.client(who)
    assert client.get(reverse("exports:index")).status_code == 403
    assert client.get(url("hours", "csv")).status_code == 403
    assert client.get(url("surveys", "xlsx")).status_code == 403
    assert client.get(reverse("exports:report", kwargs={"year": "2025"})).status_code == 403


def test_visitors_are_sent_to_log_in(cast, world):
    response = cast.client(None).get(url("missions", "csv"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_exports_page_links_carry_the_filters(cast, world):
    client = cast.client("coordinator")
    dashboard = client.get(reverse("impact:dashboard") + "?year=2025").content.decode()
    assert f"{reverse('exports:index')}?year=2025" in dashboard
    page = client.get(reverse("exports:index") + "?year=2025&campus=home").content.decode()
    assert f"{url('hours', 'xlsx')}?year=2025&amp;campus=home" in page
    # The report's year is in its address; the other filters follow it.
    assert f"{reverse('exports:report', kwargs={'year': '2025'})}?campus=home" in page


# The annual report


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    done = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_annual_report_holds_the_years_figures(cast, world):
    response = cast.client("coordinator").get(reverse("exports:report", kwargs={"year": "2025"}))
    assert response.status_code == 200
    text = pdf_text(response)
    assert "Annual impact report" in text
    assert "2025" in text
    assert "12.50" in text  # validated hours worked in 2025 (10 + 2.5)
    assert "250.00" in text  # their value at 20 EUR an hour
    assert "Eau Claire Thiès" in text
    assert "Clear water for 300 pupils." in text  # its author allowed it
    assert "Senegal" in text


def test_annual_report_within_a_campus(cast, world):
    client = cast.client("coordinator")
    response = client.get(reverse("exports:report", kwargs={"year": "2024"}) + "?campus=lyon")
    text = pdf_text(response)
    assert "Campus: INSA Lyon" in text
    assert "80.00" in text  # v2's 4 hours of 2024
    assert "Filtre à sable" not in text


def test_annual_report_of_an_empty_year(cast, world):
    response = cast.client("coordinator").get(reverse("exports:report", kwargs={"year": "2019"}))
    assert response.status_code == 200
    text = " ".join(pdf_text(response).split())
    assert "No activity was recorded in 2019" in text
