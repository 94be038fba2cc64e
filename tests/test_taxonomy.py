"""The bilingual skills taxonomy: its seed, matching typed text, and the coordinators' pages
to add, rename, merge skills and map the terms the taxonomy did not know."""

from __future__ import annotations

import html
import importlib
import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import translation

from soscience.core.errors import DomainError
from soscience.core.models import Domain
from soscience.missions.models import MissionSkill
from soscience.volunteers.models import Skill, UnmatchedTerm, VolunteerProfile, VolunteerSkill
from soscience.volunteers.search import labels_of, normalise
from soscience.volunteers.selectors import skill_page
from soscience.volunteers.services import (
    skill_lookup,
    skill_merge,
    skill_rename,
    unmatched_term_record,
)
from tests.factories import MissionFactory, UserFactory

pytestmark = pytest.mark.django_db

STARTER = importlib.import_module("soscience.volunteers.migrations.0002_starter_skills").SKILLS


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{re.escape(field)}_error">(.*?)</div>', text(response), re.S)
    return match.group(1) if match else ""


def slugs(skills: list[Skill]) -> list[str]:
    return [s.slug for s in skills]


def profile_with(*skills: tuple[str, int]) -> VolunteerProfile:
    profile = VolunteerProfile.objects.create(user=UserFactory(), languages=["fr"])
    for slug, level in skills:
        VolunteerSkill.objects.create(profile=profile, skill=Skill.objects.get(slug=slug),
                                      level=level)  # fmt: skip
    return profile


# The seed


def test_the_taxonomy_holds_a_few_hundred_bilingual_skills_in_every_domain(db):
    skills = list(Skill.objects.select_related("domain"))
    assert len(skills) >= 250
    per_domain = Counter(s.domain.slug for s in skills if s.domain)
    assert set(per_domain) == set(Domain.objects.values_list("slug", flat=True))
    assert min(per_domain.values()) >= 20
    assert all(s.name_fr.strip() and s.name_en.strip() and s.domain for s in skills)


def test_the_starter_skills_keep_their_slugs_and_names(db):
    for slug, domain, name_fr, name_en, _synonyms in STARTER:
        seeded = Skill.objects.get(slug=slug)
        assert (seeded.domain.slug, seeded.name_fr, seeded.name_en) == (domain, name_fr, name_en)


def test_no_two_skills_answer_to_the_same_words(db):
    owners: dict[str, set[str]] = {}
    for s in Skill.objects.all():
        for label in labels_of(s):
            owners.setdefault(label, set()).add(s.slug)
    assert {label: o for label, o in owners.items() if len(o) > 1} == {}


# Matching typed text


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("CAO", "cad"), ("cad", "cad"), ("GIS", "gis"), ("sig", "gis"), ("IoT", "embedded"),
     ("PV", "solar-pv"), ("BTC", "earth-building"), ("CEB", "earth-building"),
     ("genie civil", "civil-engineering"), ("GÉNIE CIVIL", "civil-engineering"),
     ("Réseaux électriques", "power-grids"), ("computer networks", "computer-networks")],
)  # fmt: skip
def test_abbreviations_synonyms_and_names_lead_to_their_skill_first(db, typed, slug):
    assert slugs(skill_lookup(typed, "en"))[0] == slug


def test_look_up_by_the_beginning_of_a_word_or_a_whole_word(db):
    assert "hydrogeology" in slugs(skill_lookup("hydrog", "fr"))
    assert "hydrogen" in slugs(skill_lookup("hydrog", "fr"))
    # "eau" is a whole word in "Traitement de l'eau", not in "réseau".
    found = slugs(skill_lookup("eau", "fr", limit=None))
    assert "water-treatment" in found
    assert "power-grids" not in found
    assert skill_lookup("", "fr") == []
    assert skill_lookup("zzzz", "fr") == []


# Coordinators' pages


@pytest.mark.parametrize(
    "name", ["skill_list", "skill_create", "skill_edit", "skill_merge", "unmatched_terms"]
)
@pytest.mark.parametrize("who", ["volunteer", "supervisor", "member", "ambassador"])
def test_the_taxonomy_pages_are_for_coordinators(cast, name, who):
    kwargs = (
        {"pk": Skill.objects.get(slug="python").pk} if name in {"skill_edit", "skill_merge"} else {}
    )
    assert cast.client(who).get(reverse(f"volunteers:{name}", kwargs=kwargs)).status_code == 403


def test_the_skill_list_searches_filters_and_counts_in_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    for _i in range(3):
        profile_with(("gis", 2), ("python", 1))
    MissionFactory(skills=[("gis", 3)])
    client = cast.client("coordinator")
    url = reverse("volunteers:skill_list")
    with django_assert_max_num_queries(10):
        response = client.get(url, {"page": "1"})
    assert response.status_code == 200
    # One more: the domain filter is checked against the domains.
    with django_assert_max_num_queries(11):
        response = client.get(url, {"q": "sig", "domain": "data"})
    row = re.search(r"<tr>\s*<th scope=\"row\">Geographic information systems</th>(.*?)</tr>",
                    text(response), re.S)  # fmt: skip
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert [c.strip() for c in cells[3:5]] == ["3", "1"]
    assert "1 skill" in text(response)
    other_domain = client.get(url, {"q": "sig", "domain": "water"})
    assert "No skill matches this search." in text(other_domain)


def test_a_coordinator_adds_a_skill_and_it_is_found_at_once(cast):
    client = cast.client("coordinator")
    response = client.post(reverse("volunteers:skill_create"), {
        "name_fr": "Hydroponie en conteneur", "name_en": "Container hydroponics",
        "domain": Domain.objects.get(slug="agriculture").pk, "synonyms": "vertical farm, , ",
    })  # fmt: skip
    assert response.status_code == 302
    created = Skill.objects.get(slug="container-hydroponics")
    assert created.synonyms == "vertical farm"
    assert slugs(skill_lookup("vertical farm", "en")) == ["container-hydroponics"]


def test_a_name_already_used_by_another_skill_is_refused_next_to_the_field(cast):
    client = cast.client("coordinator")
    python = Skill.objects.get(slug="python")
    response = client.post(reverse("volunteers:skill_edit", args=[python.pk]), {
        "name_fr": "Programmation Python", "name_en": "python programming",
        "domain": python.domain.pk, "synonyms": "SIG",
    })  # fmt: skip
    assert response.status_code == 200
    assert "already names the skill “Geographic information systems”" in field_error(
        response, "synonyms"
    )
    assert 'value="python programming"' in text(response)
    python.refresh_from_db()
    assert python.synonyms == "Python, Django, Jupyter"


def test_a_coordinator_renames_a_skill_and_its_links_stay(cast):
    profile = profile_with(("python", 3))
    skill = Skill.objects.get(slug="python")
    response = cast.client("coordinator").post(reverse("volunteers:skill_edit", args=[skill.pk]), {
        "name_fr": "Langage Python", "name_en": "Python language",
        "domain": skill.domain.pk, "synonyms": skill.synonyms,
    })  # fmt: skip
    assert response.status_code == 302
    skill.refresh_from_db()
    assert (skill.slug, skill.name_fr, skill.name_en) == ("python", "Langage Python",
                                                          "Python language")  # fmt: skip
    assert profile.skills.get().skill == skill
    # The service renames alone too, keeping synonyms and domain.
    skill_rename(skill=skill, by=cast.coordinator, name_fr="Python", name_en="Python (language)")
    skill.refresh_from_db()
    assert (skill.name_en, skill.domain.slug) == ("Python (language)", "data")


def test_merging_moves_volunteers_and_missions_keeping_the_higher_level(cast):
    source = Skill.objects.get(slug="sand-filtration")
    target = Skill.objects.get(slug="water-treatment")
    both = profile_with(("sand-filtration", 3), ("water-treatment", 1))
    only_source = profile_with(("sand-filtration", 2))
    keeps_higher_target = profile_with(("sand-filtration", 1), ("water-treatment", 3))
    mission = MissionFactory(skills=[("sand-filtration", 3), ("water-treatment", 2)])
    other_mission = MissionFactory(skills=[("sand-filtration", 1)])
    term = unmatched_term_record("filtre lent")
    term.mapped_to = source
    term.save()

    client = cast.client("coordinator")
    url = reverse("volunteers:skill_merge", args=[source.pk])
    assert "2 missions need it" in text(client.get(url))
    response = client.post(url, {"target": target.pk}, follow=True)
    assert "“Sand filtration” was merged into “Water treatment”." in text(response)

    assert not Skill.objects.filter(pk=source.pk).exists()
    levels = {p: {(vs.skill.slug, vs.level) for vs in p.skills.all()}
              for p in (both, only_source, keeps_higher_target)}  # fmt: skip
    assert levels == {
        both: {("water-treatment", 3)},
        only_source: {("water-treatment", 2)},
        keeps_higher_target: {("water-treatment", 3)},
    }
    assert list(
        MissionSkill.objects.filter(mission=mission).values_list("skill__slug", "level")
    ) == [("water-treatment", 3)]
    assert MissionSkill.objects.get(mission=other_mission).skill == target
    target.refresh_from_db()
    assert "Filtration sur sable" in target.synonyms
    assert "slow sand filter" in target.synonyms
    assert slugs(skill_lookup("Sand filtration", "en"))[0] == "water-treatment"
    term.refresh_from_db()
    assert term.mapped_to == target


def test_a_skill_cannot_be_merged_into_itself(cast):
    python = Skill.objects.get(slug="python")
    response = cast.client("coordinator").post(
        reverse("volunteers:skill_merge", args=[python.pk]), {"target": python.pk}
    )
    assert "Select a valid choice" in field_error(response, "target")
    with pytest.raises(DomainError):
        skill_merge(source=python, target=python, by=cast.coordinator)
    assert Skill.objects.filter(pk=python.pk).exists()


def test_a_coordinator_maps_an_unmatched_term_and_the_next_volunteer_is_understood(cast):
    for _i in range(3):
        unmatched_term_record("Ethnobotanique")
    unmatched_term_record("Tressage de paniers")
    term = UnmatchedTerm.objects.get(text="Ethnobotanique")
    client = cast.client("coordinator")
    url = reverse("volunteers:unmatched_terms")
    page = text(client.get(url))
    assert page.index("Ethnobotanique") < page.index("Tressage de paniers")
    assert "3 times" in page

    bad = client.post(url, {"term": term.pk, f"term-{term.pk}-skill": "Botanique imaginaire"})
    assert "No skill has this name" in field_error(bad, f"term-{term.pk}-skill")
    assert 'value="Botanique imaginaire"' in text(bad)

    response = client.post(
        url, {"term": term.pk, f"term-{term.pk}-skill": "Natural product extraction"}
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.mapped_to.slug == "natural-products"
    page = text(client.get(url))
    assert "“Ethnobotanique” now leads to “Natural product extraction”." in page
    assert '<th scope="row">Ethnobotanique</th>' not in page
    assert slugs(skill_lookup("ethnobotanique", "fr")) == ["natural-products"]


def test_a_coordinator_makes_a_skill_from_an_unmatched_term(cast):
    term = unmatched_term_record("Vannerie")
    client = cast.client("coordinator")
    url = reverse("volunteers:skill_create")
    page = text(client.get(url, {"term": term.pk}))
    assert 'value="Vannerie"' in page
    response = client.post(url, {
        "term": term.pk, "name_fr": "Vannerie", "name_en": "Basketry",
        "domain": Domain.objects.get(slug="materials").pk, "synonyms": "",
    })  # fmt: skip
    assert response["Location"] == reverse("volunteers:unmatched_terms")
    term.refresh_from_db()
    assert term.mapped_to.name_en == "Basketry"
    assert slugs(skill_lookup("vannerie", "fr")) == ["basketry"]


def test_the_skill_list_reads_in_alphabetical_order_accents_ignored(cast):
    page = text(cast.client("coordinator").get(reverse("volunteers:skill_list"), {"page": "2"}))
    names = re.findall(r'<th scope="row">(.*?)</th>', page)
    assert len(names) == 50
    assert names == sorted(names, key=normalise)
    with translation.override("fr"):
        french = [s.name_fr for s in skill_page(q="", domain=None, page="1").object_list]
    # "Écoconception" among the E, not after the Z as a byte order would put it.
    assert french == sorted(french, key=normalise)
    assert french[0].startswith(("A", "Â"))
