"""The impact figures are cached until something they read changes, and nobody waits for
their recomputation when figures exist.

These tests commit (``transaction=True``), as the site does: the figures' version is replaced
when a change commits, so a test wrapped in one transaction that never commits could not
tell a working invalidation from a missing one. Each change is made the way people make it
(a page, or the service behind it), with the cache warm before, and must show on the next
load; a load "from the cache" is one that reads none of the tables the figures read.

The suite's task backend runs each task at once, inside the call that queues it: after a
change, the warm-up task has already recomputed the default dashboard and the public page
when the change's request returns (their next load is from the cache, and new); a filtered
dashboard's next load shows the previous figures and queues their recomputation, which the
load after shows. Tests that look at the moment in between hold the tasks in the dummy
backend (``held``) and run them when the worker would.
"""

from __future__ import annotations

import datetime as dt
import pickle
import re
import subprocess
from dataclasses import fields, is_dataclass
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, models, transaction
from django.tasks import default_task_backend
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.roles import Role
from soscience.applications.models import Application, TeamMember
from soscience.closing.models import OrganisationSurvey
from soscience.core.models import Domain, PlatformSettings
from soscience.core.services import platform_settings_update
from soscience.execution.models import HoursEntry
from soscience.impact import cache as figures_cache
from soscience.impact import freshness, rollup, tasks
from soscience.impact.checks import shared_cache
from soscience.impact.figures import Filters
from soscience.impact.freshness import VERSION_KEY, changed_in_this_transaction
from soscience.missions.models import Mission
from soscience.missions.services import mission_publish
from soscience.volunteers.models import VolunteerProfile
from soscience.volunteers.services import campus_save
from tests.factories import CampusFactory, MissionFactory, NeedFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

S = Mission.Status
TODAY = timezone.localdate()
DASHBOARD = "/impact/dashboard/"
PUBLIC = "/impact/"
# The tables the figures read: a load that touches none of them used the cache.
FIGURE_TABLES = (
    "missions_mission", "needs_need", "organisations_organisation", "applications_teammember",
    "execution_hoursentry", "impact_validatedhours", "closing_organisationsurvey",
    "core_platformsettings",
    "volunteers_campus", "volunteers_volunteerprofile", "core_domain",
)  # fmt: skip
RULES = {
    "max_mission_weeks": 16, "answer_within_days": 7, "stall_after_days": 14,
    "hourly_rate": "20.00", "followup_first_months": 6, "followup_second_months": 12,
    "inactive_years_before_anonymising": 3,
}  # fmt: skip


@pytest.fixture(autouse=True)
def _empty_cache():
    # The local memory cache outlives each test's data (flushed after it): start and end empty.
    cache.clear()
    yield
    cache.clear()


class Platform:
    """A running mission M (Senegal, water, offered at campus "home") whose team is the cast's
    volunteer (of campus home), with 2 validated hours and 3 pending; an accepted mission A
    (Kenya) to close or survey; an open mission O to select someone into. Rate: 20 EUR."""

    def __init__(self, cast) -> None:
        self.cast = cast
        platform_settings_update(by=cast.coordinator, rules={**RULES})
        self.home = CampusFactory(slug="home", name="École Centrale")
        VolunteerProfile.objects.create(user=cast.volunteer, campus=self.home, languages=["fr"])
        self.m = self.mission("Filtre à sable", S.IN_PROGRESS, "SN")
        self.join(self.m, cast.volunteer, seat=1)
        self.validated = self.hours(self.m, "2", validated=True)
        self.pending = self.hours(self.m, "3", validated=False)
        self.a = self.mission("Séchoir solaire", S.ACCEPTED, "KE")
        self.o = self.mission("Pompe à bras", S.OPEN, "SN")
        self.application = Application.objects.create(
            mission=self.o, volunteer=cast.other_volunteer, status=Application.Status.APPLIED
        )

    def mission(self, title: str, status: str, country: str) -> Mission:
        mission = MissionFactory(
            title=title, organisation=self.cast.organisation, supervisor=self.cast.supervisor,
            status=status, country=country, created_by=self.cast.coordinator,
            published_at=timezone.now() - dt.timedelta(days=30),
            start_date=TODAY - dt.timedelta(days=10), kicked_off_on=TODAY - dt.timedelta(days=10),
            end_date=TODAY + dt.timedelta(days=40),
        )  # fmt: skip
        mission.campuses.set([self.home])
        return mission

    def join(self, mission: Mission, volunteer, seat: int) -> TeamMember:
        application = Application.objects.create(
            mission=mission, volunteer=volunteer, status=Application.Status.SELECTED
        )
        return TeamMember.objects.create(
            mission=mission, application=application, volunteer=volunteer, seat=seat,
            capacity=mission.team_size,
        )  # fmt: skip

    def hours(self, mission: Mission, hours: str, *, validated: bool) -> HoursEntry:
        return HoursEntry.objects.create(
            mission=mission, volunteer=self.cast.volunteer, hours=Decimal(hours),
            worked_on=TODAY - dt.timedelta(days=1), description="Drawings",
            validated_by=self.cast.supervisor if validated else None,
            validated_at=timezone.now() if validated else None,
        )  # fmt: skip


@pytest.fixture
def platform(cast) -> Platform:
    return Platform(cast)


def load(client, url: str) -> tuple[str, list[str]]:
    """The page's HTML and the queries it made on the figures' tables."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    return response.content.decode(), [q for q in sql if any(f'"{t}' in q for t in FIGURE_TABLES)]


def cached(client, url: str) -> str:
    html, figure_sql = load(client, url)
    assert figure_sql == [], "expected the figures from the cache"
    return html


def recomputed(client, url: str) -> str:
    html, figure_sql = load(client, url)
    assert figure_sql, "expected the figures computed again"
    return html


def figure(html: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", html, re.S)
    assert found, label
    return found.group(1).strip()


def failing(change) -> None:
    """``change()`` in a transaction (a savepoint inside another) that then fails."""
    with transaction.atomic():
        change()
        raise RuntimeError("the action failed after the change")


def warm(*pairs) -> None:
    """Load each page twice: the second from the cache, proving it was filled."""
    for client, url in pairs:
        client.get(url)
        cached(client, url)


STALE_NOTICE = "Newer figures are being computed"


def next_loads(client, url: str) -> str:
    """A page the warm-up does not cover (a filtered dashboard), just after a change: its
    first load is from the cache, with the previous figures and the notice that newer ones
    are coming, and queues their recomputation (run at once here); the next load has them."""
    stale = client.get(url).content.decode()
    assert STALE_NOTICE in stale
    fresh = cached(client, url)
    assert STALE_NOTICE not in fresh
    return fresh


class Held:
    """The dummy task backend: tasks are queued and held until ``run()``, as a busy worker
    would leave them."""

    def __init__(self) -> None:
        self.backend = default_task_backend

    def queued(self, task=None) -> list:
        return [r for r in self.backend.results if task is None or r.task.func is task.func]

    def run(self) -> list:
        """Run every held task, in the order queued, as the worker does; returns what each
        returned."""
        results, held = [], list(self.backend.results)
        self.backend.clear()
        for result in held:
            results.append(result.task.call(*result.args, **result.kwargs))
        return results


@pytest.fixture
def held(settings) -> Held:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return Held()


# --- what a load costs -------------------------------------------------------------------


def test_the_second_dashboard_load_reads_no_figure(cast, platform, django_assert_num_queries):
    client = cast.client("coordinator")
    with CaptureQueriesContext(connection) as first:
        client.get(DASHBOARD)
    figure_sql = [q for q in first.captured_queries
                  if any(f'"{t}' in q["sql"] for t in FIGURE_TABLES)]  # fmt: skip
    assert len(figure_sql) >= 16  # the dashboard's aggregates and the filters' options
    # What is left is the page's own: the session, the user and their roles, the inbox.
    with django_assert_num_queries(len(first) - len(figure_sql)):
        html = client.get(DASHBOARD).content.decode()
    assert figure(html, "Validated hours") == "2.00"


def test_a_visitor_gets_the_public_page_from_the_cache_without_a_query(
    cast, platform, django_assert_num_queries
):
    visitor = cast.client(None)
    assert figure(recomputed(visitor, PUBLIC), "Hours given") == "2"
    with django_assert_num_queries(0):
        html = visitor.get(PUBLIC).content.decode()
    assert figure(html, "Hours given") == "2"


def test_every_coordinator_reads_the_same_cached_figures_after_the_access_check(cast, platform):
    recomputed(cast.client("coordinator"), DASHBOARD)
    other = UserFactory(full_name="Chloé Coordinatrice", roles=[Role.COORDINATOR])
    client = cast.client(None)
    client.force_login(other)
    main = cached(client, DASHBOARD).split("<main")[1].split("</main>")[0]
    assert (
        main == cached(cast.client("coordinator"), DASHBOARD).split("<main")[1].split("</main>")[0]
    )
    # A warm cache opens nothing to those who may not read the dashboard.
    assert cast.client("supervisor").get(DASHBOARD).status_code == 403
    assert cast.client(None).get(DASHBOARD).status_code == 302


def test_the_figures_rendered_in_english_are_not_served_in_french(cast, platform):
    """The figures' part of the dashboard is kept rendered, per filters, computation and
    language: with the clock stopped, both languages' figures are computed at the same
    instant, so only the language tells their renderings apart."""
    with time_machine.travel(timezone.now(), tick=False):
        warm((cast.client("coordinator"), DASHBOARD))
        assert "Validated hours" in cached(cast.client("coordinator"), DASHBOARD)
        cast.coordinator.language = "fr"
        cast.coordinator.save()
        french, _sql = load(cast.client("coordinator"), DASHBOARD)
    assert "Heures validées" in french
    assert "Validated hours" not in french


def test_each_set_of_filters_has_its_own_figures(cast, platform):
    client = cast.client("coordinator")
    warm((client, DASHBOARD))
    kenya = recomputed(client, DASHBOARD + "?country=KE")
    assert figure(kenya, "Validated hours") == "0.00"  # M's hours are in Senegal
    assert figure(cached(client, DASHBOARD + "?country=KE"), "Validated hours") == "0.00"
    assert figure(cached(client, DASHBOARD), "Validated hours") == "2.00"


# --- each kind of change shows on the next load -----------------------------------------


def test_validating_hours_shows_at_once(cast, platform):
    coordinator, visitor = cast.client("coordinator"), cast.client(None)
    warm((coordinator, DASHBOARD), (visitor, PUBLIC))
    response = cast.client("supervisor").post(
        reverse("equipment:hours_validate", args=[platform.m.pk]),
        {"entries": [platform.pending.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    # Recomputed by the warm-up the change queued: the next readers wait for nothing.
    assert figure(cached(coordinator, DASHBOARD), "Validated hours") == "5.00"
    assert figure(cached(visitor, PUBLIC), "Hours given") == "5"


def test_withdrawing_a_validation_shows_at_once(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    cast.client("supervisor").post(
        reverse("equipment:hours_unvalidate", args=[platform.validated.pk]),
        {"reason": "Two hours were counted twice."},
    )  # fmt: skip
    assert figure(cached(coordinator, DASHBOARD), "Validated hours") == "0.00"


def test_pending_hours_logged_corrected_or_deleted_keep_the_cache(cast, platform):
    coordinator, volunteer = cast.client("coordinator"), cast.client("volunteer")
    warm((coordinator, DASHBOARD))
    day = (TODAY - dt.timedelta(days=2)).isoformat()
    volunteer.post(reverse("equipment:hours_log", args=[platform.m.pk]),
                   {"worked_on": day, "hours": "1.5", "description": "Tests"})  # fmt: skip
    volunteer.post(reverse("equipment:hours_edit", args=[platform.pending.pk]),
                   {"worked_on": day, "hours": "4", "description": "Drawings"})  # fmt: skip
    volunteer.post(reverse("equipment:hours_delete", args=[platform.pending.pk]))
    assert HoursEntry.objects.filter(validated_at__isnull=True).count() == 1  # the new one
    # Pending hours count nowhere: nothing to recompute.
    assert figure(cached(coordinator, DASHBOARD), "Validated hours") == "2.00"


def test_closing_a_mission_shows_at_once(cast, platform):
    visitor, coordinator = cast.client(None), cast.client("coordinator")
    warm((visitor, PUBLIC), (coordinator, DASHBOARD))
    assert figure(cached(visitor, PUBLIC), "Missions completed") == "0"
    response = coordinator.post(reverse("closing:close", args=[platform.a.pk]), follow=True)
    assert "The mission is closed." in response.content.decode()
    assert figure(cached(visitor, PUBLIC), "Missions completed") == "1"
    html = cached(coordinator, DASHBOARD)
    assert '<th scope="row">Closed</th><td class="number">1</td>' in html


def test_cancelling_a_mission_shows_at_once(cast, platform):
    visitor = cast.client(None)
    warm((visitor, PUBLIC))
    cast.client("coordinator").post(
        reverse("closing:cancel", args=[platform.o.pk]), {"reason": "The school closed."}
    )
    assert figure(cached(visitor, PUBLIC), "Missions launched") == "2"  # M and A left


def test_an_answered_survey_and_its_published_testimonial_show_at_once(cast, platform):
    visitor, coordinator = cast.client(None), cast.client("coordinator")
    warm((visitor, PUBLIC), (coordinator, DASHBOARD))
    assert "No testimonial published yet." in cached(visitor, PUBLIC)
    answers = {
        "worked": "5", "applied": "yes", "local_impact": "The crops dry in two days.",
        "beneficiaries": "120", "recommend": "10",
        "testimonial": "Our mangoes keep all year now.", "testimonial_consent": "on",
    }  # fmt: skip
    cast.client("member").post(reverse("closing:org_survey", args=[platform.a.pk]), answers)
    assert OrganisationSurvey.objects.filter(mission=platform.a).exists()
    html = cached(visitor, PUBLIC)
    assert "Our mangoes keep all year now." in html
    assert figure(html, "People who benefit (organisations' estimates)") == "120"
    dashboard = cached(coordinator, DASHBOARD)
    assert "From 1 organisation's closing survey." in dashboard


def test_a_new_hourly_rate_shows_at_once(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    assert figure(cached(coordinator, DASHBOARD), "Value of these hours (EUR)") == "40.00"
    response = coordinator.post(
        reverse("core:platform_settings"), {**RULES, "hourly_rate": "25.00"}
    )
    assert response.status_code == 302
    assert figure(cached(coordinator, DASHBOARD), "Value of these hours (EUR)") == "50.00"


def test_selecting_a_volunteer_into_a_team_shows_at_once(cast, platform):
    coordinator, visitor = cast.client("coordinator"), cast.client(None)
    warm((coordinator, DASHBOARD), (visitor, PUBLIC))
    coordinator.post(reverse("applications:select", args=[platform.application.pk]),
                     {"role": TeamMember.Role.MEMBER})  # fmt: skip
    assert TeamMember.objects.filter(mission=platform.o).count() == 1
    assert figure(cached(coordinator, DASHBOARD), "Volunteers engaged") == "2"
    assert figure(cached(visitor, PUBLIC), "Volunteers engaged") == "2"


def test_publishing_a_mission_at_new_campuses_shows_at_once(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    lyon = CampusFactory(slug="lyon", name="INSA Lyon")  # a new campus: a change already
    assert "INSA Lyon" in cached(coordinator, DASHBOARD)  # in the filter's choices
    approved = MissionFactory(organisation=cast.organisation, status=S.APPROVED, country="BF",
                              created_by=cast.coordinator)  # fmt: skip
    mission_publish(mission=approved, by=cast.coordinator, campuses=[lyon])
    html = cached(coordinator, DASHBOARD)
    assert '<th scope="row">INSA Lyon</th><td class="number">1</td>' in html
    assert '<th scope="row">Burkina Faso</th><td class="number">1</td>' in html


def test_a_mission_moved_to_another_domain_shows_at_once(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    platform.m.domains.set([Domain.objects.get(slug="energy")])  # the mission order's edit
    html = cached(coordinator, DASHBOARD)
    assert '<th scope="row">Energy</th><td class="number">1</td>' in html


def test_renamed_campuses_domains_and_organisations_show_at_once(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    platform.home.name = "Centrale Lyon"
    campus_save(campus=platform.home, by=cast.coordinator)
    assert '<th scope="row">Centrale Lyon</th>' in cached(coordinator, DASHBOARD)
    water = Domain.objects.get(slug="water")
    water.name_en = "Water and hygiene"
    water.save()  # domains are edited in the admin
    assert '<th scope="row">Water and hygiene</th>' in cached(coordinator, DASHBOARD)
    cast.organisation.name = "Eau Claire Dakar"
    cast.organisation.save()
    assert '<th scope="row">Eau Claire Dakar</th>' in cached(coordinator, DASHBOARD)


def test_a_volunteer_changing_campus_shows_at_once(cast, platform):
    coordinator = cast.client("coordinator")
    lyon = CampusFactory(slug="lyon", name="INSA Lyon")
    warm((coordinator, DASHBOARD + "?campus=home"))
    profile = VolunteerProfile.objects.get(user=cast.volunteer)
    profile.campus = lyon
    profile.save()
    html = next_loads(coordinator, DASHBOARD + "?campus=home")  # not warmed: filtered
    assert figure(html, "Validated hours") == "0.00"  # their hours follow them to lyon


def test_a_corrected_submission_date_of_a_need_shows_at_once(cast, platform):
    """Lead times read the need's submission date (set once, when submitted; a correction
    is a coordinator's fix in the admin)."""
    need = NeedFactory(organisation=cast.organisation)
    need.submitted_at = platform.m.published_at - dt.timedelta(days=10)
    need.save(update_fields=["submitted_at"])
    platform.m.need = need
    platform.m.save(update_fields=["need"])
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    label = "Days from need to publication (average)"
    assert figure(cached(coordinator, DASHBOARD), label).startswith("10.0 ")
    need.submitted_at = platform.m.published_at - dt.timedelta(days=20)
    need.save(update_fields=["submitted_at"])
    assert figure(cached(coordinator, DASHBOARD), label).startswith("20.0 ")


def test_saving_fields_the_figures_do_not_read_keeps_the_cache(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    platform.m.end_date = TODAY + dt.timedelta(days=60)
    platform.m.save(update_fields=["end_date", "updated_at"])
    cast.organisation.news_frequency = cast.organisation.news_frequency
    cast.organisation.save(update_fields=["news_frequency"])
    cached(coordinator, DASHBOARD)


# --- what does not bump, and what the cache never hides ----------------------------------


def test_a_change_rolled_back_leaves_the_cache(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    version = cache.get(VERSION_KEY)

    def new_rate_then_failure() -> None:
        platform_settings_update(by=cast.coordinator, rules={**RULES, "hourly_rate": "99.00"})
        raise RuntimeError("the action failed after the change")

    with pytest.raises(RuntimeError):
        failing(new_rate_then_failure)
    assert cache.get(VERSION_KEY) == version
    assert figure(cached(coordinator, DASHBOARD), "Value of these hours (EUR)") == "40.00"


def test_a_savepoint_rolled_back_takes_only_its_own_change(cast, platform):
    version = cache.get(VERSION_KEY)
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            failing(platform.home.save)
        assert not changed_in_this_transaction()  # its bump went with the savepoint
        platform.home.save()
        assert changed_in_this_transaction()
    assert cache.get(VERSION_KEY) != version
    # And a change made before a savepoint that rolls back stays bumped.
    version = cache.get(VERSION_KEY)
    with transaction.atomic():
        platform.home.save()
        with pytest.raises(RuntimeError):
            failing(platform.home.save)
        assert changed_in_this_transaction()
    assert cache.get(VERSION_KEY) != version


def test_one_bump_per_transaction_however_many_rows(cast, platform):
    with transaction.atomic():
        for _ in range(3):
            platform.hours(platform.m, "1", validated=True)
        bumps = [f for _ids, f, _robust in connection.run_on_commit if f is freshness._bump]
        assert len(bumps) == 1


def test_inside_a_changing_transaction_the_figures_are_fresh_and_not_stored(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    with transaction.atomic():
        platform.hours(platform.m, "1", validated=True)
        inside = figures_cache.dashboard(Filters())
        assert not inside.from_cache
        assert inside.value.data.hours.hours == Decimal("3.00")
        transaction.set_rollback(True)
    assert figure(cached(coordinator, DASHBOARD), "Validated hours") == "2.00"


def test_exports_and_the_annual_report_compute_fresh(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    # A fix made straight in the database sends no signal: the cached dashboard keeps its
    # figures until it expires, but the exports and the report read the tables. (The sums of
    # validated hours the report adds up are repaired as the docs say, without a signal.)
    HoursEntry.objects.filter(pk=platform.pending.pk).update(
        validated_at=timezone.now(), validated_by=cast.supervisor
    )
    rollup.rebuild()
    assert figure(cached(coordinator, DASHBOARD), "Validated hours") == "2.00"
    export = coordinator.get(reverse("exports:table", kwargs={"table": "hours", "fmt": "csv"}))
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 2  # the header and both entries
    year = str(platform.validated.worked_on.year)
    pdf = coordinator.get(reverse("exports:report", kwargs={"year": year})).content
    text = subprocess.run(["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode()  # fmt: skip
    assert "100.00" in text  # 5 validated hours at 20 EUR, not the cached 40.00


# --- languages, time, safety -------------------------------------------------------------


def test_french_and_english_readers_get_their_own_labels(cast, platform):
    english, french = cast.client(None), cast.client(None)
    french.cookies["django_language"] = "fr"
    recomputed(english, PUBLIC)
    recomputed(french, PUBLIC)  # not the English entry
    assert '<th scope="row">Senegal</th>' in cached(english, PUBLIC)
    assert '<th scope="row">Sénégal</th>' in cached(french, PUBLIC)
    coordinator = UserFactory(full_name="Chloé", roles=[Role.COORDINATOR], language="fr")
    client = cast.client(None)
    client.force_login(coordinator)
    recomputed(client, DASHBOARD)
    html = cached(client, DASHBOARD)
    assert '<th scope="row">Eau et assainissement</th>' in html
    assert '<th scope="row">Water and sanitation</th>' in recomputed(
        cast.client("coordinator"), DASHBOARD
    )


def test_the_dashboard_says_when_its_figures_were_computed(cast, platform):
    coordinator = cast.client("coordinator")
    today = timezone.localtime()  # the site's time zone, Europe/Paris
    with time_machine.travel(today.replace(hour=14, minute=5), tick=False):
        assert "Figures as of 14:05." in recomputed(coordinator, DASHBOARD)
    with time_machine.travel(today.replace(hour=14, minute=40), tick=False):
        assert "Figures as of 14:05." in cached(coordinator, DASHBOARD)
        coordinator.post(reverse("core:platform_settings"), {**RULES, "hourly_rate": "30.00"})
        assert "Figures as of 14:40." in cached(coordinator, DASHBOARD)  # the warm-up's time


def test_figures_of_another_day_say_which_day(cast, platform, held):
    coordinator = cast.client("coordinator")
    yesterday = timezone.localtime().replace(hour=14, minute=5) - dt.timedelta(days=1)
    with time_machine.travel(yesterday, tick=False):
        recomputed(coordinator, DASHBOARD)
    html = cached(coordinator, DASHBOARD)  # stale by now: shown while recomputed
    day = f"{yesterday.day} {yesterday:%B} {yesterday.year}"
    assert f"Figures as of {day}, 14:05.</time> {STALE_NOTICE}" in html


def test_figures_older_than_an_hour_are_recomputed_whatever_happens(cast, platform, held):
    """The safety net for a change no signal saw (a fix made in SQL): after an hour the
    figures are stale anyway, served once more while a task recomputes them."""
    visitor = cast.client(None)
    warm((visitor, PUBLIC))
    HoursEntry.objects.filter(pk=platform.pending.pk).update(validated_at=timezone.now())
    rollup.rebuild()  # the sums repaired after the fix, as the docs say: no signal either
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=59)):
        assert STALE_NOTICE not in cached(visitor, PUBLIC)
        assert held.queued() == []
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        html = cached(visitor, PUBLIC)
        assert (figure(html, "Hours given"), STALE_NOTICE in html) == ("2", True)
        assert len(held.queued(tasks.refresh_figures)) == 1
        held.run()
        html = cached(visitor, PUBLIC)
        assert (figure(html, "Hours given"), STALE_NOTICE in html) == ("5", False)


def test_while_one_reader_recomputes_the_others_get_the_previous_figures(cast, platform, held):
    visitor = cast.client(None)
    warm((visitor, PUBLIC))
    platform.hours(platform.m, "1", validated=True)  # a change: the figures are stale
    held.backend.clear()  # (the warm-up it queued is not what this test is about)
    # Another server is recomputing them at this moment (its mark in the shared cache).
    assert cache.add("impact:public:en:computing", "another server", 120)
    assert figure(cached(visitor, PUBLIC), "Hours given") == "2"
    assert held.queued() == []  # not a second computation
    cache.delete("impact:public:en:computing")  # its mark expired: that server died
    assert figure(cached(visitor, PUBLIC), "Hours given") == "2"
    assert len(held.queued(tasks.refresh_figures)) == 1  # this reader queued it again
    held.run()
    assert cache.get("impact:public:en:computing") is None  # the task took its mark away
    assert figure(cached(visitor, PUBLIC), "Hours given") == "3"


def test_a_lost_version_means_figures_computed_again(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    HoursEntry.objects.filter(pk=platform.pending.pk).update(
        validated_at=timezone.now(), validated_by=cast.supervisor
    )
    rollup.rebuild()  # a change no signal saw (the sums repaired as the docs say)
    cache.delete(VERSION_KEY)  # culled, or the cache restarted
    # Every entry is stale: shown as such once, while they are computed again.
    assert figure(next_loads(coordinator, DASHBOARD), "Validated hours") == "5.00"


# --- nobody waits: stale figures are served while a task recomputes them ------------------


def test_stale_figures_are_served_dated_while_one_task_recomputes_them(cast, platform, held):
    coordinator = cast.client("coordinator")
    senegal = DASHBOARD + "?country=SN"
    warm((coordinator, senegal))
    cast.client("supervisor").post(
        reverse("equipment:hours_validate", args=[platform.m.pk]),
        {"entries": [platform.pending.pk]},
    )  # fmt: skip
    assert [r.task.name for r in held.queued()] == ["warm_figures"]  # not this dashboard
    # Three coordinators open it before the worker gets to it: none waits for the
    # aggregates, each sees the previous figures, dated and said to be on their way...
    for _ in range(3):
        html = cached(coordinator, senegal)
        assert figure(html, "Validated hours") == "2.00"
        assert "Newer figures are being computed: reload the page in a minute" in html
        assert re.search(r"Figures as of \d\d:\d\d\.</time>", html)
    # ... and the first queued ONE recomputation of each entry it read (the filters'
    # choices, the figures): the mark keeps the others from queueing more.
    refreshes = held.queued(tasks.refresh_figures)
    assert [list(r.args) for r in refreshes] == [["choices", "en"], ["dashboard::::SN", "en"]]
    # The warm-up leaves the choices to the task queued for them, and has nothing else of
    # its own to do (the default dashboard and the public page were not read).
    assert held.run() == [[], True, True]
    html = cached(coordinator, senegal)
    assert (figure(html, "Validated hours"), STALE_NOTICE in html) == ("5.00", False)
    assert cache.get("impact:dashboard::::SN:en:computing") is None


def test_the_first_load_of_a_set_of_filters_is_computed_in_the_request(cast, platform, held):
    html = recomputed(cast.client("coordinator"), DASHBOARD + "?country=KE")
    assert (figure(html, "Validated hours"), STALE_NOTICE in html) == ("0.00", False)
    assert held.queued() == []  # nothing to show meanwhile: no task


def test_a_burst_of_hour_validations_queues_one_warm_up(cast, platform, held):
    coordinator, visitor, supervisor = (cast.client(w) for w in ("coordinator", None, "supervisor"))
    entries = [platform.hours(platform.m, "1", validated=False) for _ in range(100)]
    warm((coordinator, DASHBOARD), (visitor, PUBLIC))
    for entry in entries:  # one at a time: 100 transactions, 100 new versions
        response = supervisor.post(
            reverse("equipment:hours_validate", args=[platform.m.pk]), {"entries": [entry.pk]}
        )
        assert response.status_code == 302
    assert len(held.queued(tasks.warm_figures)) == 1
    assert held.queued(tasks.refresh_figures) == []  # nobody read them meanwhile
    held.run()
    # The warm-up computed both pages after the last change: their next readers wait for
    # nothing and see all 100 hours.
    assert figure(cached(coordinator, DASHBOARD), "Validated hours") == "102.00"
    assert figure(cached(visitor, PUBLIC), "Hours given") == "102"
    # The next change queues the next warm-up.
    platform.hours(platform.m, "1", validated=True)
    assert len(held.queued(tasks.warm_figures)) == 1


def test_the_warm_up_recomputes_the_main_pages_in_the_languages_they_were_read_in(
    cast, platform, held
):
    english, french = cast.client(None), cast.client(None)
    french.cookies["django_language"] = "fr"
    recomputed(english, PUBLIC)
    coordinator = UserFactory(full_name="Chloé", roles=[Role.COORDINATOR], language="fr")
    client = cast.client(None)
    client.force_login(coordinator)
    recomputed(client, DASHBOARD)  # the default dashboard and its filter choices, in French
    recomputed(client, DASHBOARD + "?country=SN")  # not warmed: read by the next reader
    platform.hours(platform.m, "1", validated=True)
    assert held.run() == [["dashboard:::::fr", "choices:fr", "public:en"]]
    assert figure(cached(english, PUBLIC), "Hours given") == "3"
    assert figure(cached(client, DASHBOARD), "Heures validées") == "3,00"
    assert held.queued() == []  # both from the cache and current: nothing queued


def test_a_task_for_figures_already_current_computes_nothing(cast, platform):
    warm((cast.client(None), PUBLIC))
    with CaptureQueriesContext(connection) as captured:
        assert tasks.refresh_figures.call("public", "en") is False  # queued twice, say
    assert len(captured) == 0


def test_a_task_queue_that_is_down_takes_neither_pages_nor_changes_with_it(cast, platform):
    coordinator = cast.client("coordinator")
    warm((coordinator, DASHBOARD))
    # A backend without the default queue: it refuses every task queued.
    dummy = "django.tasks.backends.dummy.DummyBackend"
    nowhere = {"default": {"BACKEND": dummy, "QUEUES": ["elsewhere"]}}
    with override_settings(TASKS=nowhere):
        version = cache.get(VERSION_KEY)
        platform.hours(platform.m, "1", validated=True)  # its warm-up cannot be queued
        assert cache.get(VERSION_KEY) != version
        html = cached(coordinator, DASHBOARD)  # its recomputation cannot be queued either
        assert figure(html, "Validated hours") == "2.00"
        assert cache.get("impact:dashboard:::::en:computing") is None  # the next one tries
        assert cache.get(figures_cache.WARM_MARK) is None
    html = next_loads(coordinator, DASHBOARD)  # the queue is back
    assert figure(html, "Validated hours") == "3.00"


def _plain(value: object, path: str = "entry") -> None:
    """Only dataclasses, tuples and plain values: never a model, a queryset or a lazy
    string (which would pickle the translation machinery)."""
    assert not isinstance(value, models.Model | models.QuerySet), path
    if is_dataclass(value):
        for field in fields(value):
            _plain(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            _plain(item, f"{path}[{i}]")
    else:
        plain = (str, int, float, bool, Decimal, dt.date, type(None))
        assert type(value) in plain or isinstance(value, plain), (path, type(value))


def test_the_cache_holds_plain_pickle_safe_values(cast, platform):
    cast.client("coordinator").get(DASHBOARD)
    cast.client(None).get(PUBLIC)
    entries = [cache.get(f"impact:{key}:en") for key in ("dashboard::::", "public", "choices")]
    for entry in entries:
        assert entry is not None
        _plain(entry.value)
        assert pickle.loads(pickle.dumps(entry)) == entry  # noqa: S301 (our own bytes)


def test_the_deploy_check_wants_a_cache_shared_by_every_server(settings):
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=locmem):
        assert [m.id for m in shared_cache()] == ["impact.W001"]
    database = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                            "LOCATION": "soscience_cache"}}  # fmt: skip
    with override_settings(CACHES=database):
        assert shared_cache() == []


def test_platform_settings_read_without_a_row_are_cached_too(cast):
    # No settings row yet (a GET never writes one): the default rate, then from the cache.
    assert not PlatformSettings.objects.exists()
    visitor = cast.client(None)
    assert figure(recomputed(visitor, PUBLIC), "Hours given") == "0"
    cached(visitor, PUBLIC)
    assert not PlatformSettings.objects.exists()
