"""'Missions for me' from the index of published missions: the page shows what it showed
when it ranked every mission live, and stays right while the worker catches up with a
mission published, withdrawn or edited; a missing or damaged index file is rebuilt."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soscience.applications.models import Application
from soscience.core.models import Domain
from soscience.matching import missions_index
from soscience.matching.adapters import mission_to_need, needs_where, with_need_relations
from soscience.matching.missions_index import (
    missions_index_current,
    missions_index_refresh,
)
from soscience.matching.models import MatchingIndexState
from soscience.missions.models import Mission, MissionOrderVersion
from soscience.volunteers.models import Skill
from tests.factories import CampusFactory, MissionFactory
from tests.test_matching_pages import FOR_ME, client_of, mission, text, volunteer
from tests.test_missions_manage import order_post

pytestmark = pytest.mark.django_db

WATER_BIO = "My thesis was on slow sand filters and drinking-water disinfection."
SOLAR = {
    "title": "Dimensionner des panneaux solaires pour le dispensaire",
    "problem": "Le dispensaire n'a pas d'électricité la nuit.",
    "skills": [("solar-pv", 3)],
}


def at(name: str, m: Mission) -> str:
    return reverse(f"missions:{name}", kwargs={"pk": m.pk})


def state() -> MatchingIndexState:
    return MatchingIndexState.load(MatchingIndexState.MISSIONS)


def indexed_ids() -> set[int]:
    index = missions_index_current()
    assert index is not None
    return set(index.mission_ids())


def shown(client) -> tuple[list[tuple[str, str, tuple, tuple]], str]:
    """What the volunteer reads: each mission's title, fit, reasons and gaps, and the
    line saying how many missions are offered to them."""
    response = client.get(FOR_ME)
    assert response.status_code == 200
    rows = [
        (row.mission.title, row.fit_label, tuple(row.reasons), tuple(row.gaps))
        for row in response.context["data"].missions
    ]
    offered = re.search(r"\d+ missions? (is|are) offered to you in all", text(response))
    assert offered
    return rows, offered.group(0)


@pytest.fixture
def catalogue(cast):
    """A water specialist on the home campus, and missions offered to them or not."""
    home, other = CampusFactory(slug="home", is_home=True), CampusFactory(slug="partner")
    me = volunteer("Wendy Waters", skills=[("water-treatment", 3)], campus=home, bio=WATER_BIO)
    missions = {
        "well": mission(cast),
        "solar": mission(cast, **SOLAR),
        "everywhere": mission(cast, title="Potabiliser l'eau de la citerne du collège"),
        "elsewhere": mission(cast, title="Traiter l'eau de la citerne du lycée"),
        "invited": mission(cast, title="Désinfecter l'eau du centre de santé"),
        "closed": mission(
            cast, title="Filtrer l'eau de la cantine",
            applications_close_on=timezone.localdate() - dt.timedelta(days=1),
        ),
        "hydraulics": mission(
            cast, title="Réparer la pompe du puits", skills=[("hydraulics", 2)],
            problem="La pompe du puits tombe en panne chaque semaine.",
        ),
    }  # fmt: skip
    for key in ("well", "solar", "closed", "hydraulics"):
        missions[key].campuses.set([home])
    for key in ("elsewhere", "invited"):
        missions[key].campuses.set([other])
    Application.objects.create(
        mission=missions["invited"], volunteer=me, status=Application.Status.INVITED
    )
    return me, missions, home


def test_the_index_shows_what_ranking_every_mission_live_showed(catalogue):
    me, missions, _home = catalogue
    client = client_of(me)
    live = shown(client)
    titles = [title for title, *_ in live[0]]
    assert missions["well"].title in titles
    assert missions["invited"].title in titles
    assert missions["elsewhere"].title not in titles  # another campus's only
    assert missions["closed"].title not in titles  # applications closed yesterday

    missions_index_refresh(force=True)
    assert indexed_ids() == {m.pk for m in missions.values()}  # every published mission
    with CaptureQueriesContext(connection) as queries:
        from_index = shown(client)
    assert from_index == live
    # The missions' texts, skills and domains were not read: the index holds them.
    assert not any("missions_missionskill" in q["sql"] for q in queries.captured_queries)


def test_a_mission_published_since_the_build_is_shown_at_once_then_indexed(
    cast, catalogue, django_capture_on_commit_callbacks
):
    me, _missions, home = catalogue
    missions_index_refresh(force=True)
    version = state().version
    new = MissionFactory(
        organisation=cast.organisation, created_by=cast.coordinator, status=Mission.Status.APPROVED,
        title="Rendre potable l'eau de la source", skills=[("water-treatment", 3)],
        problem="L'eau de la source rend les enfants malades ; il faut la traiter.",
        languages=["fr"], hours_per_week=4,
    )  # fmt: skip
    coordinator = cast.client("coordinator")
    with django_capture_on_commit_callbacks() as callbacks:
        assert coordinator.post(at("publish", new), {"campuses": [home.pk]}).status_code == 302

    # Before the worker: the page reads the new mission live.
    client = client_of(me)
    before, offered = shown(client)
    assert new.title in [title for title, *_ in before]
    assert new.pk not in indexed_ids()

    for callback in callbacks:  # the worker runs what the publication queued
        callback()
    assert new.pk in indexed_ids()
    assert state().version == version + 1
    assert not state().is_dirty
    assert shown(client) == (before, offered)


def test_a_withdrawn_mission_leaves_the_page_at_once_then_the_index(
    cast, catalogue, django_capture_on_commit_callbacks
):
    me, missions, _home = catalogue
    well = missions["well"]
    missions_index_refresh(force=True)
    client = client_of(me)
    assert well.title in [title for title, *_ in shown(client)[0]]

    with django_capture_on_commit_callbacks() as callbacks:
        response = cast.client("coordinator").post(
            at("unpublish", well), {"reason": "Dates to correct."}
        )
    assert response.status_code == 302

    # The index still holds it until the worker runs: the page checks what it shows.
    assert well.pk in indexed_ids()
    rows, _offered = shown(client)
    assert well.title not in [title for title, *_ in rows]
    assert missions["invited"].title in [title for title, *_ in rows]

    for callback in callbacks:
        callback()
    assert well.pk not in indexed_ids()
    assert shown(client)[0] == rows


def test_an_edited_mission_is_ranked_on_its_new_text(
    cast, catalogue, django_capture_on_commit_callbacks
):
    """A published order cannot be edited: withdrawn, edited, published again."""
    me, missions, home = catalogue
    well = missions["well"]
    missions_index_refresh(force=True)
    client = client_of(me)
    before = {title: rest for title, *rest in shown(client)[0]}
    assert before[well.title][0] == "Strong match"

    coordinator, member = cast.client("coordinator"), cast.client("member")
    edit = order_post(
        cast, title="Éclairer le dispensaire la nuit", languages=["fr"], hours_per_week="4",
        problem="Le dispensaire n'a pas d'électricité ; il faut des panneaux solaires.",
        context="Un dispensaire rural.", objectives="Dimensionner une installation solaire.",
        deliverables="Un plan de l'installation solaire.",
        skill_0=str(Skill.objects.get(slug="solar-pv").pk), level_0="3",
        start_date=well.start_date.isoformat(), end_date=well.end_date.isoformat(),
    )  # fmt: skip
    with django_capture_on_commit_callbacks() as callbacks:
        assert coordinator.post(at("unpublish", well), {"reason": "To correct."}).status_code == 302
        assert coordinator.post(at("edit", well), edit).status_code == 302
        assert coordinator.post(at("submit", well)).status_code == 302
        version = MissionOrderVersion.objects.filter(mission=well).latest("number").number
        assert member.post(at("approve", well), {"version": version}).status_code == 302
        assert coordinator.post(at("publish", well), {"campuses": [home.pk]}).status_code == 302

    after, offered = shown(client)
    titles = [title for title, *_ in after]
    assert well.title not in titles
    edited = {title: rest for title, *rest in after}.get("Éclairer le dispensaire la nuit")
    assert edited is None or edited[0] != "Strong match"  # a solar mission, for a water expert

    for callback in callbacks:
        callback()
    assert shown(client) == (after, offered)
    index = missions_index_current()
    assert index is not None
    row = index.needs.position[str(well.pk)]
    assert index.needs.needs[row].title == "Éclairer le dispensaire la nuit"
    assert "solar_pv" in index.needs.profiles[row].weights


@pytest.mark.parametrize("damage", ["missing", "damaged"])
def test_without_a_readable_index_the_page_ranks_live_and_the_worker_rebuilds(
    catalogue, damage, django_capture_on_commit_callbacks
):
    me, _missions, _home = catalogue
    client = client_of(me)
    missions_index_refresh(force=True)
    expected = shown(client)
    version = state().version
    path = missions_index.index_file_path(state())
    assert path is not None
    if damage == "missing":
        path.unlink()
    else:
        path.write_bytes(b"not an index")
    missions_index._held = None  # a web process that has not read it yet

    with django_capture_on_commit_callbacks(execute=True):
        assert shown(client) == expected  # ranked live, and the worker asked
    assert state().version == version + 1
    assert missions_index_current() is not None
    assert shown(client) == expected


def test_a_refresh_after_a_change_that_shows_nowhere_writes_no_file(
    cast, catalogue, django_capture_on_commit_callbacks
):
    missions_index_refresh(force=True)
    before = state()
    assert missions_index_refresh().skipped  # nothing changed since

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        draft = MissionFactory(organisation=cast.organisation, title="Un brouillon")
        draft.title = "Un brouillon corrigé"
        draft.save()
    assert callbacks  # a mission saved: the worker looked
    after = state()
    assert after.file == before.file  # the published missions are as indexed
    assert after.version == before.version
    assert after.built_at > before.built_at
    assert not after.is_dirty


def test_a_change_rolled_back_asks_for_nothing(catalogue, django_capture_on_commit_callbacks):
    _me, missions, _home = catalogue
    missions_index_refresh(force=True)
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                missions["well"].title = "Renamed"
                missions["well"].save()
                raise RuntimeError
        except RuntimeError:
            pass
    assert not callbacks
    assert not state().is_dirty


# Query counts: the same whatever the number of missions.

FOR_ME_INDEXED_QUERIES = 13  # 5 for the session, the user, the menu; 8 for the page


def test_missions_for_me_from_the_index_costs_the_same_queries_whatever_the_missions(
    cast, django_assert_max_num_queries
):
    me = client_of(volunteer("Wendy Waters", skills=[("water-treatment", 3)], bio=WATER_BIO))
    for i in range(2):
        mission(cast, title=f"Filtrer l'eau du puits numéro {i}")
    missions_index_refresh(force=True)
    with CaptureQueriesContext(connection) as few:
        me.get(FOR_ME)
    for i in range(25):
        mission(cast, title=f"Potabiliser l'eau de la citerne {i}", skills=[("hydraulics", 2)])
    missions_index_refresh(force=True)
    with django_assert_max_num_queries(FOR_ME_INDEXED_QUERIES) as many:
        response = me.get(FOR_ME)
    assert len(response.context["data"].missions) == 20
    assert len(many.captured_queries) == len(few.captured_queries)

    # Published since the build: read live (two queries more: its skills and domains),
    # ranked with the others as the worker's index will rank it.
    mission(cast, title="Désinfecter l'eau du dispensaire")
    with django_assert_max_num_queries(FOR_ME_INDEXED_QUERIES + 2):
        before = shown(me)
    assert before[1] == "28 missions are offered to you in all"
    missions_index_refresh()
    assert shown(me) == before


def test_the_worker_reads_missions_as_the_page_does(cast):
    """The index reads the published missions in bulk; the page (without an index, and
    for those published since the build) one by one: the same needs for the engine."""
    mission(cast)
    mission(cast, **SOLAR, work_mode=Mission.WorkMode.ON_SITE, country="BF", city="")
    mission(cast, title="Sans compétence", skills=[], languages=["fr", "en"])
    several = mission(
        cast, title="Plusieurs domaines", skills=[("hydraulics", 1), ("water-treatment", 2)]
    )
    several.domains.set(Domain.objects.order_by("-slug")[:3])
    MissionFactory(organisation=cast.organisation, title="Un brouillon")  # not published

    bulk = [need for need, _row in needs_where(Q(status=Mission.Status.OPEN))]
    missions = with_need_relations(Mission.objects.published()).order_by("pk")
    assert bulk == [mission_to_need(m) for m in missions]
    assert len(bulk) == 4


def test_the_operators_command_builds_the_missions_index(catalogue):
    out = StringIO()
    call_command("matching_rebuild_index", "--missions", stdout=out)
    assert "Missions index v1: 7 missions" in out.getvalue()
    assert "volunteers" not in out.getvalue()
    call_command("matching_rebuild_index", "--missions", "--if-dirty", stdout=out)
    assert "Missions index v1 is up to date." in out.getvalue()
