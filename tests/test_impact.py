"""The impact dashboard, the value of volunteering and the public impact page, checked against
a small data set whose figures are counted by hand below."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.roles import Role
from soscience.applications.models import Application, TeamMember
from soscience.closing.models import OrganisationSurvey
from soscience.core.models import Domain, PlatformSettings
from soscience.execution.models import HoursEntry
from soscience.impact import figures
from soscience.impact.figures import Filters
from soscience.missions.models import Mission
from soscience.volunteers.models import VolunteerProfile
from tests.factories import (
    CampusFactory,
    MissionFactory,
    NeedFactory,
    OrganisationFactory,
    UserFactory,
)

S = Mission.Status
DASHBOARD = "/impact/dashboard/"
PUBLIC = "/impact/"


@pytest.fixture(autouse=True)
def _empty_cache():
    # The figures cache (local memory in tests) outlives each test's data.
    cache.clear()
    yield
    cache.clear()


def at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


class World:
    """The hand-counted data set.

    Organisations: A (cast.organisation "Eau Claire Thiès"), B (cast.other_organisation
    "Soleil Mangue"), C ("Jardins Partagés"). Campuses: home, lyon. Volunteers: v1 and v2
    (home), v3 (lyon), v4 (no profile). Hourly rate: 20 EUR.

    mission  org status       country domains             campuses   published  closed/cancelled
    M1       A   closed       SN      water               home       2024-01-11 closed 2024-06-15
    M2       A   in_progress  SN      energy              home, lyon 2025-01-20
    M3       B   closed       KE      water, agriculture  lyon       2025-03-01 closed 2025-09-01
    M4       C   cancelled    KE      health              home       2025-02-01 cancelled 2025-03-01
    M5       C   draft        FR      water               -          -
    M6       B   open         SN      data                home       2025-10-01
    M7       A   accepted     SN      water               home       2025-04-01

    Needs: M1's submitted 2024-01-01 (10 days before publication), M2's 2024-12-01 (50 days).
    Teams (first selection after publication): M1 v1 (+4 days), v2 (+20); M2 v1 (+6), v3 (+9);
    M3 v3 (+2), v4 (+30); M4 v2 (+3); M7 v2 (+11); M6 nobody.
    Validated hours: M1 v1 10 (2024-03-01), v2 5.5 (2024-04-01); M2 v1 4, v3 2.5 (2025-02);
    M3 v4 8 (2025-05-05); M7 v2 6 (2025-05-01). Pending (never counted): M1 v1 3, M7 v2 1.
    Surveys: M1 worked 5, applied yes, 300 people, recommend 10, testimonial with consent,
    answered 2024-06-10; M3 worked 3, partly, 120, recommend 6, testimonial WITHOUT consent,
    2025-08-20; M7 worked 4, no, 0, recommend 9, testimonial with consent, 2025-11-05.
    """

    def __init__(self, cast) -> None:
        settings = PlatformSettings.load()
        settings.hourly_rate = Decimal("20.00")
        settings.save()
        self.cast = cast
        org_a, org_b = cast.organisation, cast.other_organisation
        org_c = OrganisationFactory(name="Jardins Partagés")
        self.home = CampusFactory(slug="home", name="École Centrale")
        self.lyon = CampusFactory(slug="lyon", name="INSA Lyon")
        self.v1, self.v2, self.v3, self.v4 = (
            UserFactory(full_name=n, roles=[Role.VOLUNTEER]) for n in ("V1", "V2", "V3", "V4")
        )
        for volunteer, campus in ((self.v1, self.home), (self.v2, self.home), (self.v3, self.lyon)):
            VolunteerProfile.objects.create(user=volunteer, campus=campus, languages=["fr"])
        d = {slug: Domain.objects.get(slug=slug) for slug in
             ("water", "energy", "agriculture", "health", "data")}  # fmt: skip
        need1 = NeedFactory(organisation=org_a, submitted_at=at(2024, 1, 1))
        need2 = NeedFactory(organisation=org_a, submitted_at=at(2024, 12, 1))
        w, e, a, h, data = (d[k] for k in ("water", "energy", "agriculture", "health", "data"))
        home, lyon = self.home, self.lyon
        self.m1, self.m2, self.m3, self.m4, self.m5, self.m6, self.m7 = (
            self.mission(*row[:7], **row[7])
            for row in (
                ("M1", org_a, S.CLOSED, "SN", [w], [home], at(2024, 1, 11),
                 {"need": need1, "closed_at": at(2024, 6, 15)}),
                ("M2", org_a, S.IN_PROGRESS, "SN", [e], [home, lyon], at(2025, 1, 20),
                 {"need": need2}),
                ("M3", org_b, S.CLOSED, "KE", [w, a], [lyon], at(2025, 3, 1),
                 {"closed_at": at(2025, 9, 1)}),
                ("M4", org_c, S.CANCELLED, "KE", [h], [home], at(2025, 2, 1),
                 {"cancelled_at": at(2025, 3, 1)}),
                ("M5", org_c, S.DRAFT, "FR", [w], [], None, {}),
                ("M6", org_b, S.OPEN, "SN", [data], [home], at(2025, 10, 1), {}),
                ("M7", org_a, S.ACCEPTED, "SN", [w], [home], at(2025, 4, 1), {}),
            )
        )  # fmt: skip
        for mission, volunteer, days in (
            (self.m1, self.v1, 4), (self.m1, self.v2, 20), (self.m2, self.v1, 6),
            (self.m2, self.v3, 9), (self.m3, self.v3, 2), (self.m3, self.v4, 30),
            (self.m4, self.v2, 3), (self.m7, self.v2, 11),
        ):  # fmt: skip
            self.select(mission, volunteer, days)
        for mission, volunteer, hours, day, validated in (
            (self.m1, self.v1, "10", dt.date(2024, 3, 1), True),
            (self.m1, self.v2, "5.5", dt.date(2024, 4, 1), True),
            (self.m1, self.v1, "3", dt.date(2024, 4, 2), False),
            (self.m2, self.v1, "4", dt.date(2025, 2, 10), True),
            (self.m2, self.v3, "2.5", dt.date(2025, 2, 11), True),
            (self.m3, self.v4, "8", dt.date(2025, 5, 5), True),
            (self.m7, self.v2, "6", dt.date(2025, 5, 1), True),
            (self.m7, self.v2, "1", dt.date(2025, 5, 2), False),
        ):  # fmt: skip
            HoursEntry.objects.create(
                mission=mission, volunteer=volunteer, worked_on=day, hours=Decimal(hours),
                description="Work", validated_by=cast.supervisor if validated else None,
                validated_at=timezone.now() if validated else None,
            )  # fmt: skip
        for row in (
            (self.m1, 5, "yes", 300, 10, "Clean water for 300 pupils.", True, at(2024, 6, 10)),
            (self.m3, 3, "partly", 120, 6, "Useful, but slow.", False, at(2025, 8, 20)),
            (self.m7, 4, "no", 0, 9, "We love it.", True, at(2025, 11, 5)),
        ):
            self.survey(*row)

    def mission(self, title, org, status, country, domains, campuses, published, **extra):
        mission = MissionFactory(
            title=title, organisation=org, status=status, country=country, domains=domains,
            published_at=published, supervisor=self.cast.supervisor, **extra,
        )  # fmt: skip
        mission.campuses.set(campuses)
        return mission

    def select(self, mission, volunteer, days_after_publication):
        application = Application.objects.create(
            mission=mission, volunteer=volunteer, status=Application.Status.SELECTED
        )
        seat = mission.team.count() + 1
        member = TeamMember.objects.create(
            mission=mission, application=application, volunteer=volunteer, seat=seat,
            capacity=mission.team_size,
        )  # fmt: skip
        joined = mission.published_at + dt.timedelta(days=days_after_publication)
        TeamMember.objects.filter(pk=member.pk).update(joined_at=joined)  # auto_now_add

    def survey(self, mission, worked, applied, people, recommend, text, consent, answered):
        survey = OrganisationSurvey.objects.create(
            mission=mission, worked=worked, applied=applied, local_impact="Better water.",
            beneficiaries=people, recommend=recommend, testimonial=text,
            testimonial_consent=consent, answered_by=mission.organisation.created_by,
        )  # fmt: skip
        OrganisationSurvey.objects.filter(pk=survey.pk).update(answered_at=answered)


@pytest.fixture
def world(cast) -> World:
    return World(cast)


def tallies(items) -> dict[str, int | Decimal]:
    return {t.key: t.value for t in items}


def values(rows) -> dict[str, tuple[Decimal, Decimal]]:
    return {r.label: (r.hours, r.value) for r in rows}


# --- figures against the hand-counted set ---------------------------------------------


def test_mission_figures_without_filters(world):
    data = figures.dashboard(Filters())
    # One of each status but two closed (M1, M3); delivered and the early ones: none.
    assert tallies(data.by_status) == {
        "draft": 1, "awaiting_approval": 0, "changes_requested": 0, "approved": 0, "open": 1,
        "in_progress": 1, "delivered": 0, "accepted": 1, "closed": 2, "cancelled": 1,
    }  # fmt: skip
    # Published in 2024: M1; in 2025: M2, M3, M4, M6, M7 (M5 never published).
    assert tallies(data.launched_per_year) == {"2024": 1, "2025": 5}
    # Closed: M1 in 2024, M3 in 2025.
    assert tallies(data.closed_per_year) == {"2024": 1, "2025": 1}
    # water: M1, M3, M5, M7; the others one each (M3 counts in water and agriculture).
    assert [(t.key, t.value) for t in data.by_domain] == [
        ("water", 4), ("agriculture", 1), ("data", 1), ("energy", 1), ("health", 1),
    ]  # fmt: skip
    # SN: M1, M2, M6, M7; KE: M3, M4; FR: M5.
    assert [(c.code, c.name, c.count) for c in data.by_country] == [
        ("SN", "Senegal", 4), ("KE", "Kenya", 2), ("FR", "France", 1),
    ]  # fmt: skip
    # home: M1, M2, M4, M6, M7; lyon: M2, M3.
    assert tallies(data.by_campus) == {"home": 5, "lyon": 2}
    # Started (in progress or later): M1, M2, M7 (A) and M3 (B); C has a draft and a
    # cancelled mission only.
    assert data.organisations_served == 2


def test_people_hours_and_value_without_filters(world):
    data = figures.dashboard(Filters())
    # Teams of missions not cancelled: v1 on M1, M2; v2 on M1, M7 (M4 cancelled); v3 on
    # M2, M3; v4 on M3. Four engaged, three on two missions.
    assert (data.volunteers.engaged, data.volunteers.returning) == (4, 3)
    # 10 + 5.5 + 4 + 2.5 + 8 + 6 = 36 validated hours (pending 3 and 1 left out); x 20 EUR.
    assert data.hours == figures.Hours(Decimal("36.00"), Decimal("20.00"), Decimal("720.00"))
    value = data.value
    assert values(value.by_mission) == {
        "M1": (Decimal("15.50"), Decimal("310.00")),  # 10 + 5.5
        "M3": (Decimal("8.00"), Decimal("160.00")),
        "M2": (Decimal("6.50"), Decimal("130.00")),  # 4 + 2.5
        "M7": (Decimal("6.00"), Decimal("120.00")),
    }
    assert [r.label for r in value.by_mission] == ["M1", "M3", "M2", "M7"]  # largest first
    assert values(value.by_organisation) == {
        "Eau Claire Thiès": (Decimal("28.00"), Decimal("560.00")),  # M1 + M2 + M7
        "Soleil Mangue": (Decimal("8.00"), Decimal("160.00")),  # M3
    }
    # By the volunteer's campus: home = v1 (10 + 4) + v2 (5.5 + 6); lyon = v3; v4 has none.
    assert values(value.by_campus) == {
        "École Centrale": (Decimal("25.50"), Decimal("510.00")),
        "No campus given": (Decimal("8.00"), Decimal("160.00")),
        "INSA Lyon": (Decimal("2.50"), Decimal("50.00")),
    }
    # 2024: 10 + 5.5; 2025: 4 + 2.5 + 8 + 6.
    assert values(value.by_year) == {
        "2024": (Decimal("15.50"), Decimal("310.00")),
        "2025": (Decimal("20.50"), Decimal("410.00")),
    }


def test_satisfaction_and_lead_times_without_filters(world):
    data = figures.dashboard(Filters())
    s = data.satisfaction
    assert s.answered == 3
    assert s.worked_average == Decimal("4.0")  # (5 + 3 + 4) / 3
    # recommend 10 and 9 are promoters, 6 a detractor: (2 - 1) / 3 = 33 points.
    assert (s.promoters, s.passives, s.detractors, s.nps) == (2, 0, 1, 33)
    assert tallies(s.applied) == {"yes": 1, "partly": 1, "planned": 0, "no": 1}
    assert s.applied_rate == Decimal("66.7")  # (yes 1 + partly 1) / 3
    assert s.beneficiaries == 420  # 300 + 120 + 0
    lead = data.lead_times
    # Need to publication: M1 10 days, M2 50 days (the others have no need).
    assert (lead.need_to_publication, lead.need_to_publication_missions) == (Decimal("30.0"), 2)
    # First selection after publication: M1 4, M2 6, M3 2, M4 3, M7 11 = 26 / 5.
    assert (lead.publication_to_selection, lead.publication_to_selection_missions) == (
        Decimal("5.2"), 5,
    )  # fmt: skip


def test_the_year_filter(world):
    data = figures.dashboard(Filters(year=2025))
    # Active in 2025: M2, M3, M4, M6, M7 (M1 closed in 2024, M5 never published).
    assert {k: v for k, v in tallies(data.by_status).items() if v} == {
        "open": 1, "in_progress": 1, "accepted": 1, "closed": 1, "cancelled": 1,
    }  # fmt: skip
    assert tallies(data.launched_per_year) == {"2025": 5}
    assert tallies(data.closed_per_year) == {"2025": 1}
    assert data.organisations_served == 2  # A (M2, M7), B (M3)
    # v1 (M2), v2 (M7), v3 (M2, M3), v4 (M3): only v3 on two missions of 2025.
    assert (data.volunteers.engaged, data.volunteers.returning) == (4, 1)
    assert data.hours.hours == Decimal("20.50")  # worked in 2025: 4 + 2.5 + 8 + 6
    assert data.hours.value == Decimal("410.00")
    # Answered in 2025: M3 (worked 3, partly, 120, recommend 6), M7 (4, no, 0, 9).
    s = data.satisfaction
    assert (s.answered, s.worked_average, s.nps) == (2, Decimal("3.5"), 0)
    assert (s.applied_rate, s.beneficiaries) == (Decimal("50.0"), 120)
    # Published in 2025: need known for M2 only (50 days); selection M2 6, M3 2, M4 3, M7 11.
    assert data.lead_times.need_to_publication == Decimal("50.0")
    assert data.lead_times.publication_to_selection == Decimal("5.5")


def test_the_campus_filter(world):
    data = figures.dashboard(Filters(campus="lyon"))
    # Offered at lyon: M2 (in progress, SN, energy) and M3 (closed, KE, water + agriculture).
    assert {k: v for k, v in tallies(data.by_status).items() if v} == {
        "in_progress": 1, "closed": 1,
    }  # fmt: skip
    assert tallies(data.by_domain) == {"water": 1, "energy": 1, "agriculture": 1}
    assert tallies(data.by_campus) == {"lyon": 2, "home": 1}  # M2 is offered at both
    assert data.organisations_served == 2
    # Volunteers of lyon: v3 only, on M2 and M3; their hours: v3's 2.5.
    assert (data.volunteers.engaged, data.volunteers.returning) == (1, 1)
    assert data.hours.value == Decimal("50.00")
    assert values(data.value.by_campus) == {"INSA Lyon": (Decimal("2.50"), Decimal("50.00"))}
    # The only survey of a lyon mission: M3.
    assert (data.satisfaction.answered, data.satisfaction.nps) == (1, -100)
    assert data.satisfaction.applied_rate == Decimal("100.0")


def test_the_domain_and_country_filters_together(world):
    data = figures.dashboard(Filters(domain="water", country="SN"))
    # Water in Senegal: M1 (closed) and M7 (accepted).
    assert {k: v for k, v in tallies(data.by_status).items() if v} == {"closed": 1, "accepted": 1}
    assert [(c.code, c.count) for c in data.by_country] == [("SN", 2)]
    assert data.hours.hours == Decimal("21.50")  # M1 15.5 + M7 6
    # v1 (M1), v2 (M1, M7).
    assert (data.volunteers.engaged, data.volunteers.returning) == (2, 1)
    assert data.satisfaction.beneficiaries == 300  # M1 300 + M7 0


def test_an_empty_database_gives_zeros_and_no_data(db):
    data = figures.dashboard(Filters())
    assert all(t.value == 0 for t in data.by_status)
    assert data.launched_per_year == data.by_domain == data.by_country == data.by_campus == ()
    assert data.organisations_served == 0
    assert data.volunteers == figures.Volunteers(0, 0)
    assert data.hours == figures.Hours(Decimal("0.00"), Decimal("15.00"), Decimal("0.00"))
    assert data.value.by_mission == data.value.by_year == ()
    s = data.satisfaction
    assert (s.answered, s.worked_average, s.nps, s.applied_rate, s.beneficiaries) == (
        0, None, None, None, 0,
    )  # fmt: skip
    assert data.lead_times == figures.LeadTimes(None, 0, None, 0)
    assert PlatformSettings.objects.count() == 0  # reading the rate wrote nothing
    public = figures.public_figures()
    assert (public.missions_launched, public.by_country, public.testimonials) == (0, (), ())


# --- the dashboard page ---------------------------------------------------------------


def test_coordinators_read_the_dashboard_with_charts_and_tables(cast, world):
    html = cast.client("coordinator").get(DASHBOARD).content.decode()
    assert html.count("<h1>") == 1
    # Every chart is an image with a name and a description, and its data table beside it.
    assert html.count('role="img"') == 6
    assert '<desc id="chart-domain-desc">Water and sanitation: 4;' in html
    assert '<th scope="row">Water and sanitation</th><td class="number">4</td>' in html
    assert "720.00" in html  # the value of the 36 validated hours
    assert '<th scope="row">Eau Claire Thiès</th><td class="number">28.00</td>' in html
    assert "style=" not in html
    assert "<script>" not in html


def test_the_dashboard_filters_are_a_get_form(cast, world):
    client = cast.client("coordinator")
    html = client.get(DASHBOARD, {"year": "2024", "campus": "", "domain": "", "country": ""})
    html = html.content.decode()
    assert '<option value="2024" selected>' in html
    assert "310.00" in html  # only 2024's 15.5 hours
    assert "720.00" not in html


def test_a_bad_filter_is_shown_next_to_its_field_and_ignored(cast, world):
    response = cast.client("coordinator").get(DASHBOARD, {"year": "1999", "country": "SN"})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="id_year_error">\s*<p>Select a valid choice', html)
    # The valid filter still applies: Senegal's 28 hours (M1 15.5, M2 6.5, M7 6), not 36.
    assert "560.00" in html
    assert "720.00" not in html


def test_the_dashboard_says_no_data_on_an_empty_platform(cast):
    html = cast.client("coordinator").get(DASHBOARD).content.decode()
    assert "No closing survey answered yet: no data." in html
    assert "No validated hours yet." in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("supervisor", 403), ("member", 403), ("volunteer", 403), ("ambassador", 403)],
)
def test_only_coordinators_read_the_dashboard(cast, who, status):
    assert cast.client(who).get(DASHBOARD).status_code == status


def test_visitors_are_sent_to_log_in_for_the_dashboard(cast):
    response = cast.client(None).get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _more_missions(world, n: int) -> None:
    """n more started missions, each with a team member, hours and a survey."""
    for i in range(n):
        mission = world.mission(f"Extra {i}", world.cast.organisation, S.CLOSED, "BF",
                                [Domain.objects.get(slug="energy")], [world.home],
                                at(2025, 6, 1), closed_at=at(2025, 7, 1))  # fmt: skip
        world.select(mission, world.v1, 1)
        HoursEntry.objects.create(
            mission=mission, volunteer=world.v1, worked_on=dt.date(2025, 6, 2), hours=2,
            description="Work", validated_by=world.cast.supervisor, validated_at=timezone.now(),
        )  # fmt: skip
        world.survey(mission, 4, "yes", 10, 9, "Great.", True, at(2025, 7, 2))


def test_the_dashboard_queries_do_not_grow_with_the_data(
    cast, world, django_assert_max_num_queries
):
    """Computed on each load here (the world is not committed, so not cached): 13 queries
    of figures, 4 of filter choices, the session's and the page's own."""
    client = cast.client("coordinator")
    client.get(DASHBOARD)  # warm the session
    with django_assert_max_num_queries(23):
        client.get(DASHBOARD, {"year": "2025", "campus": "home", "domain": "water"})
    _more_missions(world, 15)
    with django_assert_max_num_queries(23):
        html = client.get(DASHBOARD).content.decode()
    assert "Extra 14" in html


def test_the_value_per_mission_can_keep_only_the_largest(world):
    top = figures.volunteer_value(Filters(), top=2)
    assert [r.label for r in top.by_mission] == ["M1", "M3"]
    assert top.more_missions
    assert [r.label for r in top.by_organisation] == ["Eau Claire Thiès", "Soleil Mangue"]
    assert not top.more_organisations  # exactly two: none left out
    everything = figures.volunteer_value(Filters())
    assert len(everything.by_mission) == 4
    assert not everything.more_missions


def test_equal_hours_are_listed_by_name(cast, world):
    """Ties in the value tables go by name, then by key, so the largest shown do not change
    from one computation to the next."""
    for title in ("Zèbre", "Abeille"):  # 6 validated hours each, as M7
        mission = world.mission(title, world.cast.other_organisation, S.IN_PROGRESS, "SN",
                                [], [world.home], at(2025, 6, 1))  # fmt: skip
        HoursEntry.objects.create(
            mission=mission, volunteer=world.v3, worked_on=dt.date(2025, 6, 2), hours=6,
            description="Work", validated_by=cast.supervisor, validated_at=timezone.now(),
        )  # fmt: skip
    value = figures.volunteer_value(Filters(), top=5)
    assert [r.label for r in value.by_mission] == ["M1", "M3", "M2", "Abeille", "M7"]
    assert value.more_missions  # Zèbre, the sixth
    # Soleil Mangue: M3 8 + 6 + 6 = 20 hours; by campus: lyon (v3) 2.5 + 12.
    assert [(r.label, r.hours) for r in value.by_organisation] == [
        ("Eau Claire Thiès", Decimal("28.00")), ("Soleil Mangue", Decimal("20.00")),
    ]  # fmt: skip
    assert values(value.by_campus)["INSA Lyon"] == (Decimal("14.50"), Decimal("290.00"))


def test_the_dashboard_lists_the_twenty_largest_missions_and_says_so(cast, world):
    _more_missions(world, 20)  # 24 missions with validated hours
    html = cast.client("coordinator").get(DASHBOARD).content.decode()
    per_mission = html.split("<caption>Per mission</caption>")[1].split("</table>")[0]
    assert per_mission.count('<th scope="row">') == 20
    assert '<th scope="row">M1</th>' in per_mission  # the largest (15.5 hours) first
    assert "Only the 20 missions with the most validated hours are shown" in html
    assert "Only the 20 organisations" not in html  # two organisations: all shown


def test_the_dashboard_draws_the_twenty_largest_campuses_and_says_so(cast, world):
    """300 campuses drawn and listed made the national dashboard 216 KB of HTML."""
    for i in range(21):  # 23 campuses: home, lyon and these, each with one mission
        campus = CampusFactory(slug=f"c{i:02d}", name=f"Campus {i:02d}")
        mission = world.mission(f"Far {i}", world.cast.organisation, S.IN_PROGRESS, "SN",
                                [], [campus], at(2025, 6, 1))  # fmt: skip
        volunteer = UserFactory(full_name=f"W{i}", roles=[Role.VOLUNTEER])
        VolunteerProfile.objects.create(user=volunteer, campus=campus, languages=["fr"])
        world.select(mission, volunteer, 1)
        HoursEntry.objects.create(
            mission=mission, volunteer=volunteer, worked_on=dt.date(2025, 6, 2), hours=1,
            description="Work", validated_by=cast.supervisor, validated_at=timezone.now(),
        )  # fmt: skip
    html = cast.client("coordinator").get(DASHBOARD).content.decode()
    chart = html.split('id="chart-campus-heading"')[1].split("</section>")[0]
    assert chart.count('<th scope="row">') == 20
    assert '<th scope="row">École Centrale</th><td class="number">5</td>' in chart  # largest
    assert "3 more campuses, with fewer missions, are left out" in chart
    per_campus = html.split("<caption>Per campus</caption>")[1].split("</table>")[0]
    assert per_campus.count('<th scope="row">') == 20
    assert '<th scope="row">École Centrale</th><td class="number">25.50</td>' in per_campus
    assert "Only the 20 campuses with the most validated hours are shown" in html
    assert "more countries" not in html  # three countries: all drawn


def test_the_dashboard_says_when_its_figures_were_computed(cast, world):
    html = cast.client("coordinator").get(DASHBOARD).content.decode()
    assert re.search(r'<time datetime="[^"]+">Figures as of \d\d:\d\d\.</time>', html)


# --- the public page ------------------------------------------------------------------


def test_the_public_page_shows_aggregates_and_the_map(cast, world):
    response = cast.client(None).get(PUBLIC)
    html = response.content.decode()
    assert response.status_code == 200
    figures_html = html.split('id="map-heading"')[0]
    # Launched and not cancelled: M1, M2, M3, M6, M7; completed: M1, M3.
    assert "<dt>Missions launched</dt><dd>5</dd>" in figures_html
    assert "<dt>Missions completed</dt><dd>2</dd>" in figures_html
    assert "<dt>Volunteers engaged</dt><dd>4</dd>" in figures_html
    assert "<dt>Hours given</dt><dd>36</dd>" in figures_html
    assert "<dt>People who benefit (organisations' estimates)</dt><dd>420</dd>" in html
    # The map: a circle per country, named; Senegal has M1, M2, M6, M7; Kenya M3 (M4 was
    # cancelled, M5 is a draft in France: not on the map).
    assert re.search(r'<circle class="dot"[^>]*data-country="SN"><title>Senegal: 4 missions', html)
    assert re.search(r'<circle class="dot"[^>]*data-country="KE"><title>Kenya: 1 mission<', html)
    assert 'data-country="FR"' not in html
    assert '<th scope="row">Senegal</th><td class="number">4</td>' in html


def test_the_public_page_shows_only_consented_testimonials(cast, world):
    html = cast.client(None).get(PUBLIC).content.decode()
    assert "Clean water for 300 pupils." in html
    assert "We love it." in html
    assert "Useful, but slow." not in html  # M3's organisation did not consent
    assert "Eau Claire Thiès, November 2025" in html
    assert "Soleil Mangue" not in html


def test_the_public_page_names_no_person(cast, world):
    html = cast.client(None).get(PUBLIC).content.decode()
    main = html.split("<main")[1]
    for person in ("V1", "V2", "V3", "V4", "Samuel Superviseur", "Mariam Membre"):
        assert person not in main


def test_the_public_page_is_the_same_for_everyone(cast, world):
    """No per-user content in the page's main part, so it can be cached in front. (Here
    the world is not committed, so each load computes the figures again: only the time they
    were computed at differs.)"""
    pages = {
        who: re.sub(
            r"<time [^>]*>.*?</time>", "",
            cast.client(who).get(PUBLIC).content.decode().split("<main")[1].split("</main>")[0],
        )
        for who in (None, "coordinator", "volunteer")
    }  # fmt: skip
    assert pages[None] == pages["coordinator"] == pages["volunteer"]


def test_the_public_page_on_an_empty_platform(db, client):
    html = client.get(PUBLIC).content.decode()
    assert "No mission has been launched yet." in html
    assert "No testimonial published yet." in html


def test_the_public_page_in_french(cast, world):
    client = cast.client(None)
    client.cookies["django_language"] = "fr"
    html = client.get(PUBLIC, headers={"accept-language": "fr"}).content.decode()
    # Coordinates are never written with a decimal comma, whatever the language.
    assert re.search(r'<circle class="dot" cx="\d+(\.\d)?" cy="\d+(\.\d)?" r="\d+(\.\d)?"', html)


def test_the_public_page_queries_do_not_grow_with_the_data(
    cast, world, django_assert_max_num_queries
):
    client = cast.client(None)
    with django_assert_max_num_queries(7):
        client.get(PUBLIC)
    _more_missions(world, 15)
    with django_assert_max_num_queries(7):
        html = client.get(PUBLIC).content.decode()
    assert 'data-country="BF"' in html


def test_the_public_page_is_linked_without_login(cast):
    assert reverse("impact:public") == PUBLIC
    assert reverse("impact:dashboard") == DASHBOARD
