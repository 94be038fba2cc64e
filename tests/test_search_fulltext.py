"""Full-text search of the catalogue on PostgreSQL (issue 8): French and English stemming,
accents ignored, words as prefixes, best matches first, and the GIN index in the plan.

SQLite (development) keeps a substring search: these behaviours are PostgreSQL's, the
production database, and the tests say so when they are skipped.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from soscience.core import search
from soscience.missions.models import Mission
from soscience.missions.selectors import catalogue
from tests.factories import MissionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="full-text search is PostgreSQL's (production); SQLite searches substrings",
    ),
]

CATALOGUE = reverse("missions:catalogue")


def published(title: str, problem: str = "", *, hours_ago: int = 1) -> Mission:
    return MissionFactory(
        status=Mission.Status.OPEN,
        title=title,
        problem=problem,
        context="",
        objectives="",
        published_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )


def titles_found(client, q: str) -> list[str]:
    response = client.get(CATALOGUE, {"q": q})
    assert response.status_code == 200
    page = response.context["page"]
    return [mission.title for mission in page.object_list]


@pytest.fixture
def library(db):
    return {
        "pump": published("Pompe solaire pour le maraîchage", "Les pompes tombent en panne."),
        "energy": published("Bilan énergétique d'une boulangerie", "Réduire la facture."),
        "hydro": published("Étude hydrologique du bassin", "Crues et étiages."),
        "english": published("Water pumps for rice terraces", "The pumps break in the rains."),
        "sensors": published("Capteurs de niveau d'eau", "Alerte précoce des crues."),
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("pompes", {"pump"}),  # French plural finds the singular in the title
        ("ENERGETIQUE", {"energy"}),  # no accent, capitals
        ("énergie", {"energy"}),  # the same stem, another word of the family
        ("hydro", {"hydro"}),  # a beginning of a word
        ("pumping", {"english"}),  # English stemming
        ("crues", {"hydro", "sensors"}),  # found in the body too
        ("crue alerte", {"sensors"}),  # every word must be there
        ("l'eau", {"sensors"}),  # the article's letter is not a word of its own
        ("pompe pluie", set()),
    ],
)
def test_french_and_english_words_are_found_by_their_stem(cast, library, typed, expected):
    found = set(titles_found(cast.client(None), typed))
    assert found == {library[key].title for key in expected}


def test_a_title_match_comes_before_a_match_in_the_text_whatever_the_date(cast):
    in_text = published("Analyse de sols", "Mesure du pH et des nitrates.", hours_ago=1)
    in_title = published("Nitrates dans les puits", "Qualité de l'eau.", hours_ago=48)
    assert titles_found(cast.client(None), "nitrates") == [in_title.title, in_text.title]


@pytest.mark.parametrize("typed", ["&", "a | b", "!!", "(x", "'quoted' :* <->", "_"])
def test_query_syntax_characters_are_never_operators(cast, library, typed):
    # Each would be a syntax error or an operator if it reached to_tsquery: no 500, and
    # only the plain words count.
    response = cast.client(None).get(CATALOGUE, {"q": typed})
    assert response.status_code == 200


def test_an_edited_title_is_found_by_its_new_words_at_once(cast, library):
    mission = library["pump"]
    mission.title = "Irrigation goutte à goutte"
    mission.save()
    client = cast.client(None)
    assert titles_found(client, "goutte") == ["Irrigation goutte à goutte"]
    assert mission.title not in titles_found(client, "solaire")


def test_the_catalogue_search_uses_the_gin_index():
    # Without the index PostgreSQL would read every published mission's document. At a few
    # hundred rows reading them all is cheaper and the planner rightly does so; from about
    # 3,000 missions (300 published) the partial GIN index wins by cost, as it does at the
    # national size (docs/performance.md). The rows are copies of one mission (bulk insert,
    # the trigger fills their documents).
    base = published("Mission modèle", "Texte")
    words = ["sol", "eau", "air", "bois", "riz", "lait", "sel", "vent", "pain", "four", "mur"]
    copies = []
    for n in range(3000):
        mission = copy.copy(base)
        mission.pk = None
        mission.title = f"Mission {words[n % 11]} {words[(n * 5) % 11]} {n}"
        mission.problem = f"Texte {words[(n * 7) % 11]}"
        mission.status = Mission.Status.OPEN if n % 10 == 0 else Mission.Status.CLOSED
        copies.append(mission)
    Mission.objects.bulk_create(copies, batch_size=1000)
    published("Pompe à bélier", "Sans électricité.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE missions_mission")
        sql, params = catalogue({"q": "pompe"}).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "missions_mission_search_document_gin" in plan, plan


def test_words_of_keeps_letters_and_digits_only():
    assert search.words_of("l'eau & (200 kg) | :*") == ["eau", "200", "kg"]
    assert search.words_of("M") == ["M"]
    assert search.words_of("%_!") == []
