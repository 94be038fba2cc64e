"""Visitors' pages come whole from the cache, and every change shows at once.

These tests commit (``transaction=True``), as the site does: a page group's version is
replaced when a change commits, so a test wrapped in one transaction that never commits could
not tell a working invalidation from a missing one. A page "from the cache" is one whose
request ran no query (the local memory cache of the tests), or only the cache's own query
with the database cache of production.
"""

from __future__ import annotations

import datetime as dt
import html
import pickle
import re
from contextlib import contextmanager

import pytest
import time_machine
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection, transaction
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path, reverse
from django.utils import timezone

from soscience.applications.models import Application, TeamMember
from soscience.cases.models import Case
from soscience.closing.models import OrganisationSurvey
from soscience.core.models import Domain
from soscience.core.page_cache import store, versions, visitor_page
from soscience.core.page_cache_checks import shared_page_cache
from soscience.events.models import Event, Registration
from soscience.missions.models import Mission, MissionSkill
from soscience.missions.services import mission_publish, mission_unpublish
from soscience.organisations.services import EDITABLE_FIELDS, organisation_update
from soscience.volunteers.models import Skill
from soscience.volunteers.taxonomy import skill_rename
from tests.factories import CampusFactory, MissionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

S = Mission.Status
HOME = "/"
CATALOGUE = "/missions/"
EVENTS = "/events/"
CASES = "/cases/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE_ATTR = re.compile(r'nonce="([^"]+)"')


def _clear() -> None:
    # The caches outlive each test's data (flushed after it): start and end empty. The pages
    # may have a cache of their own ("pages"), and each process keeps copies.
    cache.clear()
    versions.shared_cache().clear()
    store.local.clear()
    versions.seen.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    _clear()
    yield
    _clear()


@pytest.fixture
def world(cast):
    """An open mission of cast.organisation offered at a campus, with a selected volunteer."""
    campus = CampusFactory(slug="centrale", name="École Centrale")
    mission = MissionFactory(
        title="Filtre à sable", organisation=cast.organisation, status=S.OPEN,
        published_at=timezone.now() - dt.timedelta(days=3), supervisor=cast.supervisor,
        created_by=cast.coordinator,
    )  # fmt: skip
    mission.campuses.set([campus])
    application = Application.objects.create(
        mission=mission, volunteer=cast.volunteer, status=Application.Status.SELECTED
    )
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=cast.volunteer, seat=1,
        capacity=mission.team_size,
    )  # fmt: skip
    return mission


def detail(mission: Mission) -> str:
    return reverse("missions:detail", kwargs={"pk": mission.pk})


def get(client: Client, url: str, **headers: str):
    """The answer and the queries the request ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    return response, [query["sql"] for query in captured.captured_queries]


def text(response) -> str:
    return html.unescape(response.content.decode())


def without_holes(page: str) -> str:
    """The page without what differs for each visitor: the CSRF token and the nonce."""
    return NONCE_ATTR.sub("", CSRF_INPUT.sub("", page))


def cached(url: str, **headers: str) -> str:
    """A visitor's page that must come from the cache (no query at all)."""
    response, queries = get(Client(), url, **headers)
    assert response.status_code == 200
    assert queries == [], f"{url} was rendered again:\n" + "\n".join(queries)
    return text(response)


def fresh(url: str, **headers: str) -> str:
    """A visitor's page that must have been rendered again (it reads the database)."""
    response, queries = get(Client(), url, **headers)
    assert response.status_code == 200
    assert queries, f"{url} came from the cache"
    return text(response)


def warm(*urls: str) -> None:
    for url in urls:
        assert Client().get(url).status_code == 200


# What is cached, and for whom ----------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["home", "catalogue", "results", "filtered", "mission", "events", "cases"]
)
def test_a_visitors_second_request_runs_no_query(world, url):
    Event.objects.create(
        title="Water and schools", slug="water", description="Talks.", room="Amphi",
        starts_at=timezone.now() + dt.timedelta(days=7),
        ends_at=timezone.now() + dt.timedelta(days=7, hours=2), capacity=30,
        status=Event.Status.PUBLISHED, created_by=world.created_by,
    )  # fmt: skip
    path, headers, shown = {
        "home": (HOME, {}, "Filtre à sable"),
        "catalogue": (CATALOGUE, {}, "Filtre à sable"),
        "results": (CATALOGUE, HTMX, "Filtre à sable"),
        "filtered": (f"{CATALOGUE}?domain=water&remote=on&q=", {}, "Filtre à sable"),
        "mission": (detail(world), {}, "Valentin"),  # the public team: first names
        "events": (EVENTS, {}, "Water and schools"),
        "cases": (CASES, {}, "Solutions library"),
    }[url]
    first, queries = get(Client(), path, **headers)
    assert first.status_code == 200
    assert queries
    again = cached(path, **headers)
    assert shown in again
    assert without_holes(again) == without_holes(text(first))


DATABASE_CACHE = override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "page_cache_test",
        }
    }
)


@contextmanager
def another_server():
    """Requests served by another application server: the shared cache is the same, the
    copies and versions each process keeps are its own."""
    here = store.local, versions.seen
    store.local, versions.seen = store.Local(), versions.Seen()
    try:
        yield
    finally:
        store.local, versions.seen = here


@DATABASE_CACHE
def test_with_the_database_cache_of_production_a_page_costs_one_query_at_most(world):
    call_command("createcachetable", verbosity=0)
    caches["default"].clear()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        warm(CATALOGUE)
        # The server that rendered it keeps it, and the version it read a moment ago.
        assert "Filtre à sable" in cached(CATALOGUE)
        with another_server():  # the page and its group's version, read together
            response, queries = get(Client(), CATALOGUE)
            assert "Filtre à sable" in text(response)
            assert len(queries) == 1
            assert "page_cache_test" in queries[0]
        clock.shift(2)  # past a second, the version is read again (a few bytes)
        response, queries = get(Client(), CATALOGUE)
        assert "Filtre à sable" in text(response)
        assert len(queries) == 1
        assert "page_cache_test" in queries[0]


@DATABASE_CACHE
def test_a_server_keeps_copies_within_its_memory_budget(world, settings):
    call_command("createcachetable", verbosity=0)
    caches["default"].clear()
    warm(CATALOGUE)
    cached(CATALOGUE)  # kept by this server
    settings.SOSCIENCE_PAGE_CACHE_LOCAL_BYTES = 1_000  # less than a page
    warm(detail(world))
    store.local.clear()
    for _visitor in range(2):  # not kept here: read from the shared cache each time
        response, queries = get(Client(), detail(world))
        assert "Filtre à sable" in text(response)
        assert len(queries) == 1


@DATABASE_CACHE
def test_a_change_made_through_another_server_shows_here_within_a_second(world):
    call_command("createcachetable", verbosity=0)
    caches["default"].clear()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        warm(CATALOGUE)
        with another_server():
            world.title = "Filtre à sable lent"
            world.save()
            assert "Filtre à sable lent" in fresh(CATALOGUE)  # and stored
        # This server trusts the version it read less than a second ago...
        assert "Filtre à sable lent" not in cached(CATALOGUE)
        clock.shift(1.5)
        # ...then reads it again, and the page the other server stored (not rendered).
        response, queries = get(Client(), CATALOGUE)
        assert "Filtre à sable lent" in text(response)
        assert len(queries) == 2, queries


def test_a_page_is_rendered_again_after_five_minutes(world):
    warm(CATALOGUE)
    cached(CATALOGUE)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=301)):
        fresh(CATALOGUE)


def test_searches_and_unknown_parameters_are_not_cached(world):
    for url in (f"{CATALOGUE}?q=filtre", f"{CATALOGUE}?utm_source=mail",
                f"{CATALOGUE}?domain=water&domain=energy", f"{CATALOGUE}?domain=nowhere",
                f"{CATALOGUE}?page=01", f"{CASES}?q=filtre"):  # fmt: skip
        warm(url)
        fresh(url)


def test_a_signed_in_person_never_gets_a_cached_page_nor_fills_one(cast, world):
    coordinator = cast.client("coordinator")
    # The coordinator first: the page they see has their links, and is not kept.
    response, _queries = get(coordinator, detail(world))
    assert "Manage this mission order" in text(response)
    page = fresh(detail(world))
    assert "Manage this mission order" not in page
    assert "Join as a volunteer" in page
    # Now cached for visitors, but the coordinator and a volunteer still get their own.
    cached(detail(world))
    response, queries = get(coordinator, detail(world))
    assert queries
    assert "Manage this mission order" in text(response)
    assert "Join as a volunteer" not in text(response)
    response, queries = get(cast.client("volunteer"), CATALOGUE)
    assert queries
    assert "Valentin" in text(response)


def test_french_and_english_are_kept_apart(world):
    english = fresh(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en")
    french = fresh(CATALOGUE, HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="en">' in english
    assert '<html lang="fr">' in french
    assert '<html lang="fr">' in cached(CATALOGUE, HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="en">' in cached(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en")


def test_the_results_fragment_and_the_whole_page_do_not_mix(world):
    fragment = fresh(CATALOGUE, **HTMX)
    assert "<html" not in fragment
    assert 'id="results"' in fragment
    page = fresh(CATALOGUE)
    assert "<html" in page
    assert "hx-swap-oob" not in page
    assert "<html" not in cached(CATALOGUE, **HTMX)
    assert "<html" in cached(CATALOGUE)
    # A boosted link or a history restore wants the whole page: not the fragment's entry.
    boosted = fresh(CATALOGUE, HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert "<html" in boosted
    # Another target is not the view's fragment: never cached.
    warm(CATALOGUE)
    fresh(CATALOGUE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main")


def test_a_visitor_with_a_message_waiting_sees_it(cast, world):
    warm(HOME)
    cached(HOME)
    leaving = cast.client("volunteer")
    response = leaving.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response.url == HOME
    page = text(leaving.get(HOME))
    assert "You have signed out." in page
    # Read once, the message is gone, and the page comes from the cache again.
    response, queries = get(leaving, HOME)
    assert "You have signed out." not in text(response)
    assert not [sql for sql in queries if "missions_mission" in sql]


# The holes: this visitor's CSRF token and CSP nonce ------------------------------------


def switch_language(client: Client, token: str) -> int:
    """The language form posted with ``token``: the answer's status."""
    data = {"language": "fr", "next": CATALOGUE, "csrfmiddlewaretoken": token}
    return client.post("/i18n/setlang/", data).status_code


def test_the_csrf_token_of_a_cached_page_is_the_visitors_own(world):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for client in (first, second):
        response, queries = get(client, CATALOGUE)
        tokens.append(CSRF_INPUT.search(text(response)).group(1))
    assert queries == []  # the second visitor got the cached page
    assert tokens[0] != tokens[1]
    # Each token works for its visitor (the language form), not for the other one.
    assert switch_language(second, tokens[0]) == 403
    assert switch_language(second, tokens[1]) == 302
    assert switch_language(first, tokens[0]) == 302


def test_the_csp_header_names_the_pages_nonce(world):
    nonces = []
    for _visitor in range(2):
        response = Client().get(CATALOGUE)
        in_page = set(NONCE_ATTR.findall(text(response)))
        assert len(in_page) == 1
        nonce = in_page.pop()
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_cache_holds_neither_a_token_nor_a_nonce(world):
    response = Client().get(CATALOGUE)
    token = CSRF_INPUT.search(text(response)).group(1)
    nonce = NONCE_ATTR.search(text(response)).group(1)
    # The local memory cache keeps its values pickled, under the prefixed keys.
    stored = [
        pickle.loads(value)  # noqa: S301  # the test's own cache
        for key, value in versions.shared_cache()._cache.items()
        if ":page:catalogue:" in key
    ]
    assert len(stored) == 1
    assert token.encode() not in stored[0].body
    assert nonce.encode() not in stored[0].body


# Pages that must not be kept, whatever the view's decorator says ------------------------

RENDERS: list[str] = []  # the views below, each time they run
PAGE = engines["django"].from_string(
    '<form method="post">{% csrf_token %}</form>'
    '<script nonce="{{ csp_nonce }}"></script>{{ extra }}'
)


def _test_view(name: str, extra=lambda request, response: ""):
    @login_not_required
    @visitor_page("catalogue")
    def view(request):
        RENDERS.append(name)
        response = TemplateResponse(request, PAGE, {})
        response.context_data = {"extra": extra(request, response)}
        return response

    return path(f"{name}/", view)


urlpatterns = [
    _test_view("plain"),
    # A tag or a view that reaches the real token or nonce itself: it is in the page.
    _test_view("token", lambda request, response: get_token(request)),
    _test_view("nonce", lambda request, response: str(get_nonce(request))),
    _test_view("cookie", lambda request, response: response.set_cookie("seen", "1") or ""),
    _test_view("message", lambda request, response: messages.info(request, "Hello") or ""),
    _test_view("session", lambda request, response: request.session.update({"seen": 1}) or ""),
    path("", include("soscience.urls")),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("name", ["token", "nonce", "cookie", "message", "session"])
def test_a_page_that_reached_the_visitors_own_data_is_served_not_kept(name):
    RENDERS.clear()
    for _visitor in range(2):
        response = Client().get(f"/{name}/")
        assert response.status_code == 200
    assert [name, name] == RENDERS
    Client().get("/plain/")
    Client().get("/plain/")
    assert [name, name, "plain"] == RENDERS  # the same page without it is kept


@pytest.mark.urls(__name__)
def test_a_page_with_the_real_token_still_works_for_its_visitor():
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/token/").content.decode()
    token = CSRF_INPUT.search(page).group(1)
    assert (
        visitor.post("/i18n/setlang/", {"language": "fr", "csrfmiddlewaretoken": token}).status_code
        == 302
    )


# Invalidation: each change shows on the next visitor's request ---------------------------


def test_publishing_and_withdrawing_a_mission_show_at_once(cast, world):
    approved = MissionFactory(
        title="Séchoir solaire", organisation=cast.organisation, status=S.APPROVED,
        created_by=cast.coordinator,
    )  # fmt: skip
    warm(HOME, CATALOGUE, detail(world))
    mission_publish(mission=approved, by=cast.coordinator, campuses=list(world.campuses.all()))
    assert "Séchoir solaire" in fresh(CATALOGUE)
    assert "Séchoir solaire" in fresh(HOME)
    mission_unpublish(mission=world, by=cast.coordinator, reason="To correct the dates.")
    assert "Filtre à sable" not in fresh(CATALOGUE)
    assert "Filtre à sable" not in fresh(HOME)
    assert Client().get(detail(world)).status_code == 404


def test_editing_a_mission_shows_at_once(cast, world):
    warm(CATALOGUE, detail(world))
    world.title = "Filtre à sable lent"
    world.save(update_fields=["title", "updated_at"])
    assert "Filtre à sable lent" in fresh(CATALOGUE)
    assert "Filtre à sable lent" in fresh(detail(world))
    # Its domains and skills too.
    warm(CATALOGUE, detail(world))
    world.domains.add(Domain.objects.get(slug="energy"))
    energy = Domain.objects.get(slug="energy").name_en
    assert energy in fresh(CATALOGUE)
    assert energy in fresh(detail(world))
    skill = Skill.objects.exclude(slug="water-treatment").order_by("pk").first()
    MissionSkill.objects.create(mission=world, skill=skill, level=1)
    assert skill.name_en in fresh(detail(world))
    insa = CampusFactory(slug="insa", name="INSA Lyon")
    warm(detail(world))
    world.campuses.add(insa)
    assert "INSA Lyon" in fresh(detail(world))  # offered to its volunteers


def test_a_save_of_fields_no_page_shows_keeps_the_pages(cast, world):
    warm(CATALOGUE, detail(world))
    world.equipment_budget = 250
    world.save(update_fields=["equipment_budget", "updated_at"])
    cast.volunteer.save(update_fields=["last_login"])
    cached(CATALOGUE)
    cached(detail(world))


def test_renaming_an_organisation_shows_at_once(cast, world):
    warm(CATALOGUE, detail(world))
    organisation = cast.organisation
    data = {field: getattr(organisation, field) for field in EDITABLE_FIELDS}
    organisation_update(
        organisation=organisation, by=cast.coordinator, data={**data, "name": "Eau Vive Thiès"},
        proof=None,
    )  # fmt: skip
    assert "Eau Vive Thiès" in fresh(CATALOGUE)
    assert "Eau Vive Thiès" in fresh(detail(world))


def test_renaming_a_skill_shows_at_once(cast, world):
    skill = Skill.objects.get(slug="water-treatment")
    warm(CATALOGUE, detail(world))
    skill_rename(skill=skill, by=cast.coordinator, name_fr="Potabilisation",
                 name_en="Making water drinkable")  # fmt: skip
    assert "Making water drinkable" in fresh(CATALOGUE)
    assert "Making water drinkable" in fresh(detail(world))


def test_the_team_on_the_mission_page_shows_at_once(cast, world):
    warm(detail(world))
    cast.volunteer.full_name = "Valérie Volontaire"
    cast.volunteer.save()
    assert "Valérie" in fresh(detail(world))
    application = Application.objects.create(
        mission=world, volunteer=cast.other_volunteer, status=Application.Status.SELECTED
    )
    TeamMember.objects.create(
        mission=world, application=application, volunteer=cast.other_volunteer, seat=2,
        capacity=world.team_size,
    )  # fmt: skip
    assert "Vera" in fresh(detail(world))


def test_renaming_a_domain_or_a_campus_shows_at_once(cast, world):
    event = Event.objects.create(
        title="Water and schools", slug="water", description="Talks.", room="Amphi",
        campus=world.campuses.get(), starts_at=timezone.now() + dt.timedelta(days=7),
        ends_at=timezone.now() + dt.timedelta(days=7, hours=2), capacity=30,
        status=Event.Status.PUBLISHED, created_by=cast.coordinator,
    )  # fmt: skip
    warm(CATALOGUE, EVENTS)
    water = Domain.objects.get(slug="water")
    water.name_en = "Drinking water"
    water.save()
    assert "Drinking water" in fresh(CATALOGUE)
    campus = event.campus
    campus.name = "CentraleSupélec"
    campus.save()
    assert "CentraleSupélec" in fresh(CATALOGUE)  # the campus filter
    assert "CentraleSupélec" in fresh(EVENTS)


def test_the_catalogues_filter_choices_are_read_again_only_after_a_change(cast, world):
    """Signed-in readers get the catalogue built, but its choices (campuses, skills...) are
    kept with the catalogue's data version, in each language."""
    Mission.objects.filter(pk=world.pk).update(country="SN")  # no signal: before any page
    client = cast.client("volunteer")
    client.get(CATALOGUE)  # the session recorded, the choices kept
    response, queries = get(client, CATALOGUE)
    assert "École Centrale" in text(response)
    assert not [sql for sql in queries if "volunteers_campus" in sql]
    campus = world.campuses.get()
    campus.name = "CentraleSupélec"
    campus.save()
    response, queries = get(client, CATALOGUE)
    assert "CentraleSupélec" in text(response)
    assert [sql for sql in queries if "volunteers_campus" in sql]
    assert "Senegal" in country_choices(response)
    # The choices as kept for English readers are not a French reader's (country names).
    response = Client().get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Sénégal" in country_choices(response)


def country_choices(response) -> str:
    return re.search(r'<select name="country".*?</select>', text(response), re.S).group(0)


def test_a_rolled_back_change_bumps_nothing(cast, world):
    warm(CATALOGUE, detail(world))

    def fails() -> None:
        with transaction.atomic():
            world.title = "Never saved"
            world.save()
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        fails()
    assert "Filtre à sable" in cached(CATALOGUE)
    assert "Filtre à sable" in cached(detail(world))


def test_inside_a_transaction_that_changed_the_data_the_pages_are_fresh(world):
    warm(CATALOGUE)
    with transaction.atomic():
        world.title = "Seen by its own transaction"
        world.save()
        assert "Seen by its own transaction" in fresh(CATALOGUE)
    assert "Seen by its own transaction" in fresh(CATALOGUE)


def test_a_new_event_and_a_registration_show_at_once(cast):
    assert "Water and schools" not in fresh(EVENTS)
    event = Event.objects.create(
        title="Water and schools", slug="water", description="Talks.", room="Amphi",
        starts_at=timezone.now() + dt.timedelta(days=7),
        ends_at=timezone.now() + dt.timedelta(days=7, hours=2), capacity=2,
        status=Event.Status.PUBLISHED, created_by=cast.coordinator,
    )  # fmt: skip
    assert "2 places left" in fresh(EVENTS)
    Registration.objects.create(
        event=event, user=cast.volunteer, name="Valentin", email=cast.volunteer.email,
        status=Registration.Status.CONFIRMED,
    )  # fmt: skip
    assert "1 place left" in fresh(EVENTS)
    assert "1 place left" in cached(EVENTS)


def test_a_published_case_and_consent_taken_back_show_at_once(cast):
    mission = MissionFactory(
        title="Pompe à bras", organisation=cast.organisation, status=S.CLOSED,
        closed_at=timezone.now(), created_by=cast.coordinator,
    )  # fmt: skip
    survey = OrganisationSurvey.objects.create(
        mission=mission, worked=4, applied=OrganisationSurvey.Applied.YES,
        local_impact="Clear water.", beneficiaries=300, recommend=9, case_consent=True,
        answered_by=cast.member,
    )  # fmt: skip
    assert "Pompe à bras" not in fresh(CASES)
    Case.objects.create(
        mission=mission, slug="pompe", title="Pompe à bras", problem="No water.",
        solution="A pump.", results="Water.", created_by=cast.coordinator,
        status=Case.Status.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip
    assert "Pompe à bras" in fresh(CASES)
    survey.case_consent = False
    survey.save()
    assert "Pompe à bras" not in fresh(CASES)


def test_the_deploy_check_wants_the_page_cache_shared_by_every_server():
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    database = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}
    with override_settings(CACHES={"default": locmem}):
        assert [m.id for m in shared_page_cache()] == ["core.W001"]
    with override_settings(CACHES={"default": database}):
        assert shared_page_cache() == []
    # A cache of their own for the pages is the one that counts.
    with override_settings(CACHES={"default": database, "pages": locmem}):
        assert [m.id for m in shared_page_cache()] == ["core.W001"]
    with override_settings(CACHES={"default": locmem, "pages": database}):
        assert shared_page_cache() == []
