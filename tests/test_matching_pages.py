"""The matching pages as the coordination team and volunteers use them: suggestions for a
mission, the team builder, "missions for me", and the index kept up to date by the worker."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications.models import Application, TeamMember
from soscience.matching import services
from soscience.matching.adapters import matchable, profile_to_volunteer, volunteers_where
from soscience.matching.models import MatchingIndexState
from soscience.matching.tasks import matching_index_rebuild
from soscience.missions.models import Mission
from soscience.notifications.models import Notification
from soscience.volunteers.models import Availability, Skill, VolunteerProfile, VolunteerSkill
from soscience.volunteers.services import ProfileInput, profile_save
from tests.factories import CampusFactory, MissionFactory, UserFactory
from tests.test_volunteers import in_weeks, profile_post


@pytest.fixture(autouse=True)
def _index_dir(settings, tmp_path):
    settings.MATCHING_INDEX_DIR = tmp_path / "matching"


def text(response) -> str:
    return html.unescape(response.content.decode())


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def today() -> dt.date:
    return timezone.localdate()


def volunteer(
    name: str, *, skills=(), bio: str = "", languages=("fr", "en"), kind: str = "student",
    campus=None, consent: bool = True, hours: int = 10, country: str = "FR",
) -> User:  # fmt: skip
    """A volunteer with a profile made through the ORM (no index refresh: the tests say
    when the index is built)."""
    user = UserFactory(full_name=name, roles=[Role.VOLUNTEER])
    profile = VolunteerProfile.objects.create(
        user=user, kind=kind, bio=bio, languages=list(languages), country=country,
        campus=campus, consent_matching_at=timezone.now() if consent else None,
    )  # fmt: skip
    for slug, level in skills:
        VolunteerSkill.objects.create(
            profile=profile, skill=Skill.objects.get(slug=slug), level=level
        )
    Availability.objects.create(
        profile=profile, start=today(), end=today() + dt.timedelta(weeks=20), hours_per_week=hours
    )
    return user


WELL = {
    "title": "Rendre potable l'eau du puits de l'école",
    "context": "Une école rurale de 300 élèves près de Thiès.",
    "problem": "L'eau du puits est trouble et salée après les pluies ; des enfants sont malades.",
    "objectives": "Concevoir un traitement simple pour rendre l'eau potable.",
    "deliverables": "Les plans du filtre et un guide d'entretien.",
}


def mission(cast, *, team_size: int = 1, skills=(("water-treatment", 3),), **fields) -> Mission:
    values = {
        "status": Mission.Status.OPEN, "published_at": timezone.now(), "hours_per_week": 4,
        "languages": ["fr"], **WELL, **fields,
    }  # fmt: skip
    return MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, created_by=cast.coordinator,
        team_size=team_size, skills=list(skills), **values,
    )  # fmt: skip


def suggestions_url(m: Mission) -> str:
    return reverse("matching:suggestions", kwargs={"pk": m.pk})


def builder_url(m: Mission) -> str:
    return reverse("matching:team_builder", kwargs={"pk": m.pk})


def names(people) -> list[str]:
    return [p.user.full_name for p in people]


# Suggestions.


@pytest.fixture
def pool(cast):
    """A water-treatment specialist, a solar engineer, a network engineer, and two
    specialists the engine must leave out (no common language; no consent)."""
    return {
        "water": volunteer(
            "Wendy Waters", skills=[("water-treatment", 3)],
            bio="My thesis was on slow sand filters and drinking-water disinfection.",
        ),
        "solar": volunteer("Sam Sunny", skills=[("solar-pv", 3)], bio="I size PV systems."),
        "network": volunteer(
            "Nina Net", skills=[("computer-networks", 3)], bio="Wi-Fi networks and servers."
        ),
        "spanish": volunteer(
            "Ivan Idioma", skills=[("water-treatment", 3)], languages=["es"],
            bio="Potabilización del agua.",
        ),
        "private": volunteer("Nora Nope", skills=[("water-treatment", 3)], consent=False),
    }  # fmt: skip


def test_the_specialist_comes_first_and_ineligible_volunteers_are_absent(cast, pool):
    m = mission(cast)
    response = cast.client("coordinator").get(suggestions_url(m))

    assert response.status_code == 200
    people = response.context["data"].people
    assert names(people)[0] == "Wendy Waters"
    page = text(response)
    # The reasons are the engine's, in the reader's language (the mission is in French).
    assert "level 3" in page
    assert "niveau 3" not in page
    assert "Ivan Idioma" not in page  # no working language in common
    assert "Nora Nope" not in page  # no consent to matching
    assert "Invite Wendy Waters to apply" in page


FIT_LABELS = ("Strong match", "Good match", "Partial match")


def written_in(fragment: str) -> str:
    """The language a reason or gap is written in, from its words."""
    french = re.search(r"niveau|parle|disponible|ne couvre pas|sur place|h/semaine", fragment)
    return "fr" if french else "en"


def explanations(page: str) -> list[tuple[str, str]]:
    """(lang attribute, text) of every reason and gap on the page."""
    found = re.findall(r'<li lang="(\w+)">(.*?)</li>', page)
    return found + re.findall(r'<p class="gaps" lang="(\w+)">(.*?)</p>', page)


def test_each_reason_says_its_language_and_a_match_reads_as_a_label(cast, pool):
    m = mission(cast)
    client = cast.client("coordinator")
    page = text(client.get(suggestions_url(m)))

    found = explanations(page)
    assert found
    assert all(lang == written_in(words) == "en" for lang, words in found), found
    # A coordinator who reads French reads them in French, marked as such.
    User.objects.filter(pk=cast.coordinator.pk).update(language="fr")
    french = text(client.get(suggestions_url(m)))
    assert "niveau 3" in french
    assert all(lang == written_in(words) == "fr" for lang, words in explanations(french))
    # A label a coordinator understands rather than a raw number.
    block = page[page.index(f'id="volunteer-{pool["water"].pk}"') :][:3000]
    assert re.search(r'<span class="fit">(Strong|Good|Partial) match</span>', block)
    assert "score" not in page


def test_applicants_are_marked_and_not_invited_again(cast, pool):
    m = mission(cast)
    Application.objects.create(
        mission=m, volunteer=pool["water"], status=Application.Status.APPLIED,
        applied_at=timezone.now(), motivation="Filters!", availability_confirmed=True,
    )  # fmt: skip
    page = text(cast.client("coordinator").get(suggestions_url(m)))

    block = page[page.index(f'id="volunteer-{pool["water"].pk}"') :]
    assert re.search(r'status-applied">Applied<', block[:2000])
    assert "Invite Wendy Waters to apply" not in page


def test_inviting_from_the_suggestions(cast, pool, django_capture_on_commit_callbacks):
    m = mission(cast)
    url = suggestions_url(m)
    client = cast.client("coordinator")
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:invite", kwargs={"pk": m.pk}),
            {"volunteer": pool["water"].pk, "next": url},
        )

    assert response.status_code == 302
    assert response["Location"] == url
    application = Application.objects.get(mission=m, volunteer=pool["water"])
    assert application.status == Application.Status.INVITED
    assert Notification.objects.filter(user=pool["water"]).exists()
    assert [message.to for message in mail.outbox] == [[pool["water"].email]]
    page = text(client.get(url))
    assert "Wendy Waters is invited to apply and was told." in page
    assert "Invite Wendy Waters to apply" not in page
    assert "Invited to apply" in page


def test_a_volunteer_on_another_team_for_the_same_dates_is_flagged(cast, pool):
    m = mission(cast)
    other = mission(cast, title="Réseau d'eau du village")
    selected = Application.objects.create(
        mission=other, volunteer=pool["water"], status=Application.Status.SELECTED
    )
    TeamMember.objects.create(
        mission=other, application=selected, volunteer=pool["water"], seat=1, capacity=1
    )
    page = text(cast.client("coordinator").get(suggestions_url(m)))

    assert "Wendy Waters" in page
    assert "Selected elsewhere for overlapping dates: “Réseau d'eau du village”" in page


def test_the_supervisor_reads_the_suggestions_without_inviting(cast, pool):
    m = mission(cast)
    response = cast.client("supervisor").get(suggestions_url(m))

    assert response.status_code == 200
    assert "Wendy Waters" in text(response)
    assert "to apply</button>" not in text(response)
    assert cast.client("supervisor").get(builder_url(m)).status_code == 403


def test_who_may_see_the_suggestions(cast, pool):
    published = mission(cast)
    draft = mission(cast, status=Mission.Status.DRAFT, published_at=None)
    for who in ("volunteer", "other_volunteer", "ambassador", "member", "other_member"):
        client = cast.client(who)
        assert client.get(suggestions_url(published)).status_code == 403, who
        assert client.get(builder_url(published)).status_code == 403, who
    # An unpublished mission of another organisation does not exist for an outsider.
    assert cast.client("other_member").get(suggestions_url(draft)).status_code == 404
    assert cast.client("volunteer").get(builder_url(draft)).status_code == 404
    assert cast.client("member").get(suggestions_url(draft)).status_code == 403
    assert cast.client("coordinator").get(suggestions_url(draft)).status_code == 200


# The team builder.

LAB = {
    "title": "Filtrer l'eau du puits et contrôler sa qualité microbiologique",
    "problem": (
        "L'eau du puits est trouble après les pluies. Nous cherchons quelqu'un pour concevoir "
        "un filtre, et quelqu'un pour faire les analyses microbiologiques en laboratoire "
        "(coliformes, E. coli) avant et après le filtre."
    ),
}


def apply(m: Mission, user: User, status=Application.Status.APPLIED) -> Application:
    return Application.objects.create(
        mission=m, volunteer=user, status=status, applied_at=timezone.now(),
        motivation="I can help.", availability_confirmed=True,
    )  # fmt: skip


@pytest.fixture
def applicants(cast):
    """Two water-treatment people and two microbiologists, all applied."""
    m = mission(cast, team_size=2, skills=[("water-treatment", 3), ("microbiology", 3)], **LAB)
    people = {
        "filter": volunteer(
            "Fiona Filter", skills=[("water-treatment", 3)],
            bio="I designed slow sand filters for a village water supply.",
        ),
        "filter2": volunteer(
            "Felix Filtre", skills=[("water-treatment", 2)], bio="Sand filtration project."
        ),
        "lab": volunteer(
            "Lea Lab", skills=[("microbiology", 3)],
            bio="I count coliforms and E. coli in water samples in a microbiology lab.",
        ),
        "lab2": volunteer(
            "Luc Labo", skills=[("microbiology", 2)], bio="Bacterial cultures in the lab."
        ),
    }  # fmt: skip
    applications = {key: apply(m, user) for key, user in people.items()}
    return m, people, applications


def test_the_team_builder_proposes_complementary_applicants(cast, applicants):
    m, _people, _applications = applicants
    response = cast.client("coordinator").get(builder_url(m))

    assert response.status_code == 200
    data = response.context["data"]
    assert set(names(data.proposal.members)) == {"Fiona Filter", "Lea Lab"}
    # Each covers an area of the mission the other does not.
    assert len(data.proposal.covered) >= 2
    assert data.proposal.members[0].covers != data.proposal.members[1].covers
    page = text(response)
    assert "Seats taken: 0 of 2." in page
    assert "Select Fiona Filter" in page


def test_the_team_builder_shows_motivations_and_links_to_profiles(cast, applicants):
    m, people, applications = applicants
    applications["lab"].motivation = "I count **coliforms** every week. " + "Details. " * 30
    applications["lab"].save()
    page = text(cast.client("coordinator").get(builder_url(m)))

    block = page[page.index(f'id="applicant-{people["lab"].pk}"') :]
    block = block[: block.index("</form>")]
    profile = people["lab"].volunteer_profile
    detail = reverse("volunteers:volunteer_detail", kwargs={"pk": profile.pk})
    assert f'<h3><a href="{detail}">Lea Lab</a>' in block
    # The motivation, short, opens in full.
    summary = re.search(r'<details class="motivation">\s*<summary>(.*?)</summary>', block, re.S)
    assert summary
    assert "Motivation" in summary.group(1)
    assert len(re.sub(r"<[^>]+>", "", summary.group(1))) < 120
    assert "<strong>coliforms</strong>" in block
    assert all(lang == written_in(words) for lang, words in explanations(page))
    assert re.search(r'<span class="fit">(Strong|Good|Partial) match</span>', block)


def test_selecting_from_the_team_builder_then_completing_the_team(
    cast, applicants, django_capture_on_commit_callbacks
):
    m, people, applications = applicants
    client = cast.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:select", kwargs={"pk": applications["lab"].pk}),
            {"role": "member"},
        )
    assert response.status_code == 302
    assert TeamMember.objects.filter(mission=m, volunteer=people["lab"]).exists()

    response = client.get(builder_url(m))
    data = response.context["data"]
    # One seat left: the team now lacks the filter, not a second microbiologist.
    assert names(data.proposal.members) == ["Fiona Filter"]
    assert "Seats taken: 1 of 2." in text(response)
    assert "Lea Lab · Member" in text(response)


def test_the_team_builder_says_who_it_leaves_out_and_why(cast, applicants):
    m, _people, _applications = applicants
    apply(m, volunteer("Esteban Solo", skills=[("water-treatment", 3)], languages=["es"]))
    apply(m, volunteer("Nadia Private", skills=[("microbiology", 3)], consent=False))
    page = text(cast.client("coordinator").get(builder_url(m)))

    assert "Esteban Solo: no working language in common" in page
    assert "Nadia Private" in page[page.index("Applicants not assessed") :]


def test_the_suggestions_propose_a_team_for_a_team_of_two(cast, applicants):
    m, _people, _applications = applicants
    response = cast.client("coordinator").get(suggestions_url(m))

    team = response.context["data"].team
    assert set(names(team.members)) == {"Fiona Filter", "Lea Lab"}
    assert "Proposed team" in text(response)


# Missions for me.

FOR_ME = reverse("matching:for_me")


def test_missions_for_me_are_ranked_and_only_those_offered_to_my_campus(cast):
    home, other = CampusFactory(slug="home", is_home=True), CampusFactory(slug="partner")
    me = volunteer(
        "Wendy Waters", skills=[("water-treatment", 3)], campus=home,
        bio="My thesis was on slow sand filters and drinking-water disinfection.",
    )  # fmt: skip
    well = mission(cast)
    solar = mission(
        cast, title="Dimensionner des panneaux solaires pour le dispensaire",
        problem="Le dispensaire n'a pas d'électricité la nuit.", skills=[("solar-pv", 3)],
    )  # fmt: skip
    elsewhere = mission(cast, title="Traiter l'eau de la citerne du collège")
    invited = mission(cast, title="Désinfecter l'eau du centre de santé")
    well.campuses.set([home])
    solar.campuses.set([home])
    elsewhere.campuses.set([other])
    invited.campuses.set([other])
    Application.objects.create(mission=invited, volunteer=me, status=Application.Status.INVITED)
    client = client_of(me)

    response = client.get(FOR_ME)

    assert response.status_code == 200
    titles = [row.mission.title for row in response.context["data"].missions]
    assert titles[0] in (well.title, invited.title)
    assert well.title in titles
    assert invited.title in titles
    assert elsewhere.title not in titles  # offered to another campus only
    if solar.title in titles:
        assert titles.index(solar.title) > titles.index(well.title)
    page = text(response)
    assert "level 3" in page  # the reasons, in the reader's language
    assert reverse("applications:apply", kwargs={"pk": well.pk}) in page
    assert "Invited to apply" in page
    assert all(lang == written_in(words) for lang, words in explanations(page))
    assert re.search(r'<p class="fit">(Strong|Good|Partial) match</p>', page)
    assert "score" not in page


def test_missions_for_me_cards_start_with_their_title(cast):
    """No empty space above a card's title: the title is the card's first element, and
    the page's stylesheet takes the heading's top margin away there."""
    me = volunteer("Wendy Waters", skills=[("water-treatment", 3)])
    mission(cast)
    page = text(client_of(me).get(FOR_ME))

    assert re.search(r'<ol class="ranked-list">\s*<li>\s*<h2>', page)
    assert "css/matching.css" in page
    css = (Path(finders.find("css/matching.css"))).read_text()
    assert ".ranked-list > li > h2:first-child" in css
    rule = css[css.index(".ranked-list > li > h2:first-child") :]
    assert "margin-top: 0" in rule[: rule.index("}")]


def test_missions_for_me_without_a_profile_or_consent_explain_what_to_do(cast):
    mission(cast)
    page = text(cast.client("other_volunteer").get(FOR_ME))
    assert "Fill in my volunteer profile" in page
    assert reverse("volunteers:profile") in page

    shy = volunteer("Sandra Shy", skills=[("water-treatment", 3)], consent=False)
    page = text(client_of(shy).get(FOR_ME))
    assert "You have not agreed that your profile be used" in page
    assert "Give my consent in my profile" in page


# The index, kept up to date by the worker.


def test_a_profile_change_rebuilds_the_index_and_shows_in_the_suggestions(
    cast, pool, django_capture_on_commit_callbacks
):
    m = mission(cast)
    client = cast.client("coordinator")
    assert "Sam Sunny" not in text(client.get(suggestions_url(m)))
    version = MatchingIndexState.load().version

    sam = client_of(pool["solar"])
    with django_capture_on_commit_callbacks(execute=True):
        response = sam.post(reverse("volunteers:profile"), profile_post(
            consent_matching="on", skills=[("solar-pv", 3), ("water-treatment", 3)],
            windows=[(today().isoformat(), in_weeks(20), 10)],
            **{"availability-INITIAL_FORMS": "1"},  # the window already given, kept
        ))  # fmt: skip
    assert response.status_code == 302

    state = MatchingIndexState.load()
    assert state.version == version + 1
    assert not state.is_dirty
    assert "Sam Sunny" in text(client.get(suggestions_url(m)))


def test_a_burst_of_saves_costs_one_rebuild(cast, pool, django_capture_on_commit_callbacks):
    services.index_rebuild(force=True)
    version = MatchingIndexState.load().version

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for key in ("water", "solar", "network"):
            profile_save(user=pool[key], data=ProfileInput(
                languages=["fr", "en"], consent_matching=True,
                skills=[(Skill.objects.get(slug="hydraulics"), 2)],
            ))  # fmt: skip
    assert len(callbacks) >= 3  # each save asked for a rebuild

    assert MatchingIndexState.load().version == version + 1
    assert matching_index_rebuild.call()["skipped"] is True
    assert MatchingIndexState.load().version == version + 1


def test_withdrawing_consent_takes_a_volunteer_out_at_once(cast, pool):
    m = mission(cast)
    client = cast.client("coordinator")
    assert "Wendy Waters" in text(client.get(suggestions_url(m)))
    # Before the worker rebuilds, the page already respects the withdrawal.
    VolunteerProfile.objects.filter(user=pool["water"]).update(consent_matching_at=None)
    assert "Wendy Waters" not in text(client.get(suggestions_url(m)))


def test_a_large_pool_without_an_index_waits_for_the_worker(
    cast, pool, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "SMALL_POOL", 2)
    m = mission(cast)
    client = cast.client("coordinator")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = text(client.get(suggestions_url(m)))
    assert "Suggestions are being prepared, come back in a minute." in page
    assert MatchingIndexState.load().version == 0

    for callback in callbacks:  # the worker runs the queued rebuild
        callback()
    assert MatchingIndexState.load().version == 1
    assert "Wendy Waters" in text(client.get(suggestions_url(m)))


def test_the_operators_command_rebuilds(cast, pool):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("matching_rebuild_index", stdout=out)
    assert "Matching index v1: 4 volunteers" in out.getvalue()  # the consenting ones
    call_command("matching_rebuild_index", "--if-dirty", stdout=out)
    assert "Matching index v1 is up to date." in out.getvalue()


def test_bulk_and_single_profile_reads_agree(cast, pool):
    """The index is read in bulk; "missions for me" reads one profile: same volunteer."""
    bulk = {v.id: v for v in volunteers_where(matchable())}
    assert set(bulk) == {str(pool[k].pk) for k in ("water", "solar", "network", "spanish")}
    profile = (
        VolunteerProfile.objects.prefetch_related("skills__skill", "domains", "availabilities")
        .select_related("user", "campus")
        .get(user=pool["water"])
    )
    assert profile_to_volunteer(profile) == bulk[str(pool["water"].pk)]


# Query counts: the pool comes from the index, only the people shown from the database.


def _many_volunteers(count: int) -> None:
    """``count`` matchable volunteers, made in bulk (skills drawn from a few areas)."""
    slugs = ["water-treatment", "microbiology", "solar-pv", "hydraulics", "sand-filtration"]
    skills = {s.slug: s for s in Skill.objects.filter(slug__in=slugs)}
    users = User.objects.bulk_create(
        User(email=f"bulk{i}@example.org", full_name=f"Bulk Volunteer {i}") for i in range(count)
    )
    now = timezone.now()
    profiles = VolunteerProfile.objects.bulk_create(
        VolunteerProfile(user=u, languages=["fr"], consent_matching_at=now, bio="Étudiante.")
        for u in users
    )
    VolunteerSkill.objects.bulk_create(
        VolunteerSkill(profile=p, skill=skills[slugs[i % len(slugs)]], level=1 + i % 3)
        for i, p in enumerate(profiles)
    )
    Availability.objects.bulk_create(
        Availability(profile=p, start=today(), end=today() + dt.timedelta(weeks=20),
                     hours_per_week=8)
        for p in profiles
    )  # fmt: skip


def _suggestions_of_a_big_mission(cast, count: int) -> tuple:
    """A team-of-three mission and ``count`` volunteers, indexed; the page seen once (the
    process has loaded the index)."""
    _many_volunteers(count)
    m = mission(cast, team_size=3, skills=[("water-treatment", 3), ("microbiology", 2)], **LAB)
    services.index_rebuild(force=True)  # what the worker does after the profiles changed
    client = cast.client("coordinator")
    assert client.get(suggestions_url(m)).status_code == 200
    return client, suggestions_url(m)


SUGGESTIONS_QUERIES = 14  # 8 for the session, the user, access, the menu; 6 for the page


def test_suggestions_queries_do_not_grow_with_the_pool(cast, django_assert_max_num_queries):
    client, url = _suggestions_of_a_big_mission(cast, 30)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(response.context["data"].people) == 20

    VolunteerProfile.objects.all().delete()
    User.objects.filter(email__startswith="bulk").delete()
    client, url = _suggestions_of_a_big_mission(cast, 300)
    with django_assert_max_num_queries(SUGGESTIONS_QUERIES) as many:
        response = client.get(url)
    assert len(response.context["data"].people) == 20
    assert response.context["data"].team.members
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_mission_page_links_to_the_suggestions_and_the_team_builder(cast):
    m = mission(cast)
    manage = reverse("missions:manage", kwargs={"pk": m.pk})
    page = text(cast.client("coordinator").get(manage))
    assert suggestions_url(m) in page
    assert builder_url(m) in page
    page = text(cast.client("supervisor").get(manage))
    assert suggestions_url(m) in page
    assert builder_url(m) not in page
    assert suggestions_url(m) not in text(cast.client("member").get(manage))


TEAM_BUILDER_QUERIES = 18  # 8 for the session, the user, access, the menu; 10 for the page


def test_team_builder_queries_do_not_grow_with_the_applicants(
    cast, applicants, django_assert_max_num_queries
):
    m, _people, applications = applicants
    client = cast.client("coordinator")
    client.post(reverse("applications:select", kwargs={"pk": applications["lab"].pk}),
                {"role": "member"})  # fmt: skip
    with CaptureQueriesContext(connection) as few:
        client.get(builder_url(m))
    for i in range(6):
        apply(m, volunteer(f"Extra {i}", skills=[("hydraulics", 2)], bio="Pumps and pipes."))
    with django_assert_max_num_queries(TEAM_BUILDER_QUERIES) as many:
        response = client.get(builder_url(m))
    assert len(response.context["data"].ranked) >= 9
    assert len(many.captured_queries) == len(few.captured_queries)


FOR_ME_QUERIES = 14  # 5 for the session, the user, the menu; 9 for the page


def test_missions_for_me_queries_do_not_grow_with_the_missions(cast, django_assert_max_num_queries):
    me = client_of(volunteer("Wendy Waters", skills=[("water-treatment", 3)]))
    for i in range(2):
        mission(cast, title=f"Filtrer l'eau du puits numéro {i}")
    with CaptureQueriesContext(connection) as few:
        me.get(FOR_ME)
    for i in range(5):
        mission(cast, title=f"Potabiliser l'eau de la citerne {i}", skills=[("hydraulics", 2)])
    with django_assert_max_num_queries(FOR_ME_QUERIES) as many:
        response = me.get(FOR_ME)
    assert len(response.context["data"].missions) >= 5
    assert len(many.captured_queries) == len(few.captured_queries)
