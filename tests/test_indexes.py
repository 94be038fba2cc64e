"""Every filter and ordering of the busiest pages is served by an index on PostgreSQL (issue 8,
"Guards in the test suite"): at a realistic shape, the plan of each query a page runs on a big
table is an index scan, never a sequential scan of that table.

Each test fills the page's tables with bulk copies (thousands of rows, of which the page shows
a small part, as at the national size), runs ANALYZE, asks the page as its reader would, and
EXPLAINs every query the page ran. A few hundred rows would not do: on a small table reading
everything is cheaper and the planner rightly does so.

SQLite (development) has its own planner and is not what production runs: these tests are
PostgreSQL's, and say so when skipped.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soscience.core.models import Domain
from soscience.missions.models import Mission, MissionSkill
from soscience.needs.models import Need
from soscience.privacy.models import AuditEvent
from soscience.volunteers.models import Campus, Skill
from tests.factories import MissionFactory, NeedFactory, OrganisationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are PostgreSQL's (production); SQLite plans differently",
    ),
]

NOW = timezone.now()


def bulk_copies(base, count: int, vary: Callable[[object, int], None], batch: int = 2000):
    """``count`` copies of ``base`` (a saved row), each changed by ``vary(copy, n)``."""
    rows = []
    for n in range(count):
        row = copy.copy(base)
        row.pk = None
        vary(row, n)
        rows.append(row)
    return type(base).objects.bulk_create(rows, batch_size=batch)


def analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")  # our own table names


def plans_of(client, url: str) -> list[tuple[str, str]]:
    """(SQL, plan) of every query the page ran to build itself (nothing cached)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def assert_indexed(
    plans: Iterable[tuple[str, str]], table: str, *indexes: str, where: str = ""
) -> None:
    """Every query reading ``table`` (and containing ``where``, when given) reaches it through
    an index; ``indexes`` name some of those the plans must use."""
    reading = [(sql, plan) for sql, plan in plans if f'"{table}"' in sql and where in sql]
    assert reading, f"no query read {table}"
    for sql, plan in reading:
        assert not re.search(rf"Seq Scan on {table}\b(?!_)", plan), f"{sql}\n{plan}"
    together = "\n".join(plan for _sql, plan in reading)
    for index in indexes:
        assert index in together, f"{index} not used:\n{together}"


def index_of(model, field: str) -> str:
    """The name Django gave the index of ``field`` (db_index=True or a foreign key)."""
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, model._meta.db_table)
    names = [name for name, i in indexes.items() if i["index"] and i["columns"] == [column]]
    assert names, f"{model.__name__}.{field} has no index"
    return names[0]


def index_name(model, *fields: str) -> str:
    """The name Django gave the Meta index of ``model`` on ``fields``."""
    for index in model._meta.indexes:
        if tuple(index.fields) == fields:
            return index.name
    raise AssertionError(f"{model.__name__} has no index on {fields}")


def bulk_users(count: int, prefix: str = "bulk") -> list:
    from soscience.accounts.models import User

    return User.objects.bulk_create(
        User(email=f"{prefix}{n}@example.org", full_name=f"Person {n}", password="!")
        for n in range(count)
    )


# --- the catalogue ---------------------------------------------------------------------------


def test_the_catalogue_and_its_filters_read_missions_through_indexes(cast):
    """4,000 missions of which 5% are open, each with a domain and a skill, a third offered
    to a campus; published over the last weeks, in ten countries."""
    base = MissionFactory(status=Mission.Status.CLOSED, title="Filtre", problem="Eau")
    countries = ["SN", "FR", "ML", "BF", "CI", "MA", "TN", "BJ", "TG", "NE"]

    def vary(mission, n):
        mission.status = Mission.Status.OPEN if n % 20 == 0 else Mission.Status.CLOSED
        mission.published_at = NOW - dt.timedelta(minutes=n)
        mission.country = countries[n % 10]

    missions = bulk_copies(base, 4_000, vary)
    domains = list(Domain.objects.all())
    skills = list(Skill.objects.order_by("pk")[:60])
    campuses = Campus.objects.bulk_create(
        Campus(name=f"Campus {n}", short_name=f"C{n}", slug=f"campus-{n}") for n in range(10)
    )
    Mission.domains.through.objects.bulk_create(
        Mission.domains.through(mission=m, domain=domains[n % len(domains)])
        for n, m in enumerate(missions)
    )
    MissionSkill.objects.bulk_create(
        MissionSkill(mission=m, skill=skills[n % len(skills)], level=2)
        for n, m in enumerate(missions)
    )
    Mission.campuses.through.objects.bulk_create(
        Mission.campuses.through(mission=m, campus=campuses[n % 10])
        for n, m in enumerate(missions)
        if n % 3 == 0
    )
    analyze(
        "missions_mission", "missions_mission_domains", "missions_missionskill",
        "missions_mission_campuses",
    )  # fmt: skip
    client, url = cast.client(None), reverse("missions:catalogue")

    newest_first = index_name(Mission, "status", "-published_at")
    assert_indexed(plans_of(client, url), "missions_mission", newest_first)
    by_country = plans_of(client, f"{url}?country=SN")
    assert_indexed(by_country, "missions_mission", index_name(Mission, "country", "status"))
    by_domain = plans_of(client, f"{url}?domain={domains[0].slug}")
    assert_indexed(by_domain, "missions_mission")
    assert_indexed(by_domain, "missions_mission_domains", where='"core_domain"."slug" =')
    by_campus = plans_of(client, f"{url}?campus={campuses[0].slug}")
    assert_indexed(by_campus, "missions_mission")
    assert_indexed(by_campus, "missions_mission_campuses", where='"volunteers_campus"."slug" =')
    by_skill = plans_of(client, f"{url}?skill={skills[0].slug}")
    assert_indexed(by_skill, "missions_mission")
    assert_indexed(by_skill, "missions_missionskill", where='"volunteers_skill"."slug" =')


# --- the coordinator's triage queue ----------------------------------------------------------


@pytest.fixture
def triage_shape(cast) -> Domain:
    """6,000 needs over two years, of which 2% wait for triage, each with a domain."""
    base = NeedFactory(organisation=cast.organisation, status=Need.Status.SCOPING)
    countries = ["SN", "FR", "ML", "BF", "CI", "MA", "TN", "BJ", "TG", "NE"]

    def vary(need, n):
        need.status = Need.Status.SUBMITTED if n % 50 == 0 else Need.Status.SCOPING
        need.submitted_at = NOW - dt.timedelta(hours=3 * n)
        need.country = countries[n % 10]

    needs = bulk_copies(base, 6_000, vary)
    domains = list(Domain.objects.all())
    Need.domains.through.objects.bulk_create(
        Need.domains.through(need=need, domain=domains[n % len(domains)])
        for n, need in enumerate(needs)
    )
    analyze("needs_need", "needs_need_domains")
    return domains[0]


def test_the_triage_queue_and_its_filters_read_needs_through_indexes(cast, triage_shape):
    client, url = cast.client("coordinator"), reverse("needs:triage")
    queue = '"needs_need"."status" ='  # the queue's own queries (see the next test)

    oldest_first = index_name(Need, "status", "submitted_at")
    assert_indexed(plans_of(client, url), "needs_need", oldest_first, where=queue)
    assert_indexed(plans_of(client, f"{url}?country=SN"), "needs_need", where=queue)
    by_domain = plans_of(client, f"{url}?domain={triage_shape.slug}")
    assert_indexed(by_domain, "needs_need", where=queue)
    assert_indexed(by_domain, "needs_need_domains", where='"needs_need_domains"."domain_id" =')


def test_the_triage_country_choices_do_not_read_every_need(cast, triage_shape):
    # The filter offers the countries needs come from: read from the listed status (its
    # index), not from the whole table.
    plans = plans_of(cast.client("coordinator"), reverse("needs:triage"))
    assert_indexed(plans, "needs_need", where='DISTINCT "needs_need"."country"')


# --- the supervisor's missions ---------------------------------------------------------------


def test_the_supervisors_missions_are_found_through_indexes(cast):
    """5,000 missions among 100 supervisors, a fifth running, with hours and news."""
    from soscience.execution.models import HoursEntry, ProgressUpdate

    supervisors = [cast.supervisor, *bulk_users(99, "supervisor")]
    base = MissionFactory(status=Mission.Status.CLOSED, supervisor=cast.supervisor)

    def vary(mission, n):
        mission.supervisor = supervisors[n % 100]
        mission.status = Mission.Status.IN_PROGRESS if n % 5 == 0 else Mission.Status.CLOSED

    missions = bulk_copies(base, 5_000, vary)
    running = [m for m in missions if m.status == Mission.Status.IN_PROGRESS]
    HoursEntry.objects.bulk_create(
        HoursEntry(mission=m, volunteer=cast.volunteer, worked_on=NOW.date(), hours=2,
                   description="Drawings")
        for m in missions
    )  # fmt: skip
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(mission=m, author=cast.volunteer, body="Works.") for m in missions
    )
    analyze("missions_mission", "execution_hoursentry", "execution_progressupdate")
    plans = plans_of(cast.client("supervisor"), reverse("supervision:my_missions"))
    assert len(running) == 1_000
    assert_indexed(plans, "missions_mission")
    assert_indexed(plans, "execution_hoursentry")
    assert_indexed(plans, "execution_progressupdate")


# --- the volunteer's applications ------------------------------------------------------------


def test_a_volunteers_applications_are_found_through_an_index(cast):
    """10,000 applications of 500 volunteers to 20 missions."""
    from soscience.applications.models import Application

    missions = [MissionFactory(status=Mission.Status.OPEN) for _ in range(20)]
    volunteers = [cast.volunteer, *bulk_users(499)]
    Application.objects.bulk_create(
        Application(mission=mission, volunteer=volunteer, status=Application.Status.APPLIED,
                    applied_at=NOW)
        for volunteer in volunteers for mission in missions
    )  # fmt: skip
    analyze("applications_application")
    plans = plans_of(cast.client("volunteer"), reverse("applications:mine"))
    assert_indexed(plans, "applications_application")


# --- the notifications inbox -----------------------------------------------------------------


def test_the_inbox_and_the_unread_count_use_the_notifications_index(cast):
    """20,000 notifications of 200 people, half of them read."""
    from soscience.notifications.models import Notification

    people = [cast.volunteer, *bulk_users(199)]
    Notification.objects.bulk_create(
        Notification(user=people[n % 200], text=f"News {n}", read_at=NOW if n % 2 else None)
        for n in range(20_000)
    )
    analyze("notifications_notification")
    plans = plans_of(cast.client("volunteer"), reverse("notifications:inbox"))
    inbox = index_name(Notification, "user", "read_at", "-created_at")
    assert_indexed(plans, "notifications_notification", inbox)


# --- the audit log ---------------------------------------------------------------------------


@pytest.fixture
def audit_shape(cast) -> str:
    """20,000 audited actions over two months, of every kind; returns one of the kinds."""
    from soscience.privacy.audit import Action

    actions = list(Action.values)
    events = AuditEvent.objects.bulk_create(
        AuditEvent(action=actions[n % len(actions)], actor=cast.coordinator,
                   actor_label=cast.coordinator.email, target=f"accounts.user:{n}")
        for n in range(20_000)
    )  # fmt: skip
    # ``at`` is set on insert: spread the actions over two months afterwards.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_auditevent SET at = now() - (id % 86400) * interval '1 minute'"
        )
    analyze("privacy_auditevent")
    assert events
    return Action.ROLE_GRANTED


def test_the_audit_log_and_its_filters_read_events_through_indexes(cast, audit_shape):
    client, url = cast.client("coordinator"), reverse("privacy:audit")
    # The newest page; its "Page 1 of N" counts the whole log, which no index makes cheaper,
    # so only the page's own query is checked here. A filter bounds the count.
    assert_indexed(plans_of(client, url), "privacy_auditevent", where="ORDER BY")
    by_action = plans_of(client, f"{url}?action={audit_shape}")
    assert_indexed(by_action, "privacy_auditevent")
    a_day = (NOW - dt.timedelta(days=40)).date().isoformat()
    one_day = plans_of(client, f"{url}?date_from={a_day}&date_to={a_day}")
    assert_indexed(one_day, "privacy_auditevent", index_of(AuditEvent, "at"))


# --- the mission space's timeline ------------------------------------------------------------


def test_the_mission_spaces_timeline_reads_its_rows_through_indexes(cast):
    """1,000 missions with ten news, ten lines of history and five milestones each."""
    from soscience.execution.models import Milestone, ProgressUpdate
    from soscience.missions.models import MissionEvent

    base = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor,
        status=Mission.Status.IN_PROGRESS,
    )  # fmt: skip
    missions = [base, *bulk_copies(base, 999, lambda mission, n: None)]
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(mission=m, author=cast.supervisor, body="Works.")
        for m in missions for _ in range(10)
    )  # fmt: skip
    MissionEvent.objects.bulk_create(
        MissionEvent(mission=m, actor=cast.coordinator, kind=MissionEvent.Kind.EDITED)
        for m in missions for _ in range(10)
    )  # fmt: skip
    Milestone.objects.bulk_create(
        Milestone(mission=m, title="Step", planned_on=NOW.date())
        for m in missions for _ in range(5)
    )  # fmt: skip
    analyze("execution_progressupdate", "missions_missionevent", "execution_milestone")
    plans = plans_of(cast.client("supervisor"), reverse("execution:space", args=[base.pk]))
    for table in ("execution_progressupdate", "missions_missionevent", "execution_milestone"):
        assert_indexed(plans, table)


# --- events ----------------------------------------------------------------------------------


def test_the_public_event_lists_read_events_through_indexes(cast):
    """3,000 events over four years on 50 campuses, a few to come; most published, each with
    five registrations."""
    from soscience.events.models import Event, Registration

    campuses = Campus.objects.bulk_create(
        Campus(name=f"Campus {n}", short_name=f"C{n}", slug=f"campus-{n}") for n in range(50)
    )
    statuses = [Event.Status.PUBLISHED] * 8 + [Event.Status.CANCELLED, Event.Status.DRAFT]

    def event(n: int) -> Event:
        starts = NOW + dt.timedelta(hours=10 * (n - 2_950))
        return Event(
            title=f"Talk {n}", slug=f"talk-{n}", description="Talks.", room="Amphi",
            campus=campuses[n % 50], starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
            capacity=50, status=statuses[n % 10], created_by=cast.coordinator,
        )  # fmt: skip

    events = Event.objects.bulk_create((event(n) for n in range(3_000)), batch_size=2000)
    Registration.objects.bulk_create(
        Registration(event=e, name="Vic", email=f"vic{n}@example.org", status="confirmed")
        for e in events
        for n in range(5)
    )
    analyze("events_event", "events_registration")
    client = cast.client(None)

    coming = plans_of(client, reverse("events:list"))
    assert_indexed(coming, "events_event", "event_status_ends")
    assert_indexed(coming, "events_registration")
    # The past ones: the page of the latest; "Page 1 of N" counts nearly every event,
    # which reading the table does best.
    past = plans_of(client, reverse("events:past"))
    assert_indexed(past, "events_event", "event_status_starts_desc", where="ORDER BY")
    assert_indexed(plans_of(client, reverse("events:feed")), "events_event", "event_status_ends")
    assert_indexed(plans_of(client, "/api/v1/events/"), "events_event", "event_status_ends")
    api_past = plans_of(client, "/api/v1/events/?past=true")
    assert_indexed(api_past, "events_event", "event_status_starts_desc", where="ORDER BY")


# --- the organisations' review queue ---------------------------------------------------------


def test_the_review_queue_and_its_decided_tabs_read_organisations_through_indexes(cast):
    """6,000 organisations: 2% waiting for a decision, 5% rejected, the rest verified."""
    from soscience.organisations.models import Organisation

    base = OrganisationFactory(status=Organisation.Status.VERIFIED)

    def vary(organisation, n):
        organisation.name = f"Association {n}"
        organisation.status = Organisation.Status.VERIFIED
        if n % 50 == 0:
            organisation.status = Organisation.Status.PENDING
        elif n % 20 == 1:
            organisation.status = Organisation.Status.REJECTED
        organisation.submitted_at = organisation.reviewed_at = NOW - dt.timedelta(hours=n)
        organisation.reviewed_by = cast.coordinator

    bulk_copies(base, 6_000, vary)
    analyze("organisations_organisation")
    client, url = cast.client("coordinator"), reverse("organisations:review_queue")

    waiting = index_name(Organisation, "status", "submitted_at")
    assert_indexed(plans_of(client, url), "organisations_organisation", waiting)
    rejected = plans_of(client, f"{url}?status=rejected")
    assert_indexed(rejected, "organisations_organisation", "organisation_status_reviewed")
    # The verified tab: its page of the latest decisions; "Page 1 of N" counts nearly every
    # organisation, which reading the table does best.
    verified = plans_of(client, f"{url}?status=verified")
    assert_indexed(
        verified, "organisations_organisation", "organisation_status_reviewed", where="ORDER BY"
    )


# --- the coordinators' list of mission orders ------------------------------------------------


def test_the_orders_of_one_status_are_read_latest_first_through_an_index(cast):
    """5,000 missions, most of them closed, a few drafts and orders awaiting approval."""
    statuses = [Mission.Status.CLOSED] * 14 + [
        Mission.Status.DRAFT, Mission.Status.AWAITING_APPROVAL, Mission.Status.OPEN,
        Mission.Status.IN_PROGRESS, Mission.Status.CANCELLED, Mission.Status.APPROVED,
    ]  # fmt: skip
    base = MissionFactory(status=Mission.Status.CLOSED)
    bulk_copies(base, 5_000, lambda mission, n: setattr(mission, "status", statuses[n % 20]))
    analyze("missions_mission")
    client, url = cast.client("coordinator"), reverse("missions:list")

    drafts = plans_of(client, f"{url}?status=draft")
    assert_indexed(drafts, "missions_mission", "mission_status_updated", where="ORDER BY")
    # Closed: its page of the latest changed; "Page 1 of N" counts most missions, which
    # reading the table does best.
    closed = plans_of(client, f"{url}?status=closed")
    assert_indexed(closed, "missions_mission", "mission_status_updated", where="ORDER BY")
