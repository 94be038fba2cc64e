"""The public catalogue, mission pages and feed, as visitors and volunteers use them."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from soscience.core.models import Domain, InternalNote
from soscience.missions.models import Mission
from soscience.needs.models import NeedAttachment
from soscience.volunteers.models import Campus
from tests.factories import (
    PDF_BYTES,
    CampusFactory,
    MembershipFactory,
    MissionFactory,
    NeedFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("missions:catalogue")
FEED = reverse("missions:feed")
ATOM = "{http://www.w3.org/2005/Atom}"


def published(*, hours_ago: int = 1, campuses: list[Campus] | None = None, **kwargs) -> Mission:
    mission = MissionFactory(
        status=Mission.Status.OPEN,
        published_at=timezone.now() - dt.timedelta(hours=hours_ago),
        **kwargs,
    )
    mission.campuses.set(campuses or [])
    return mission


def detail_url(mission: Mission) -> str:
    return reverse("missions:detail", kwargs={"pk": mission.pk})


def page_of(client, url: str = CATALOGUE, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# --- Only published missions, for everyone -------------------------------------------------

UNPUBLISHED = [
    Mission.Status.DRAFT,
    Mission.Status.AWAITING_APPROVAL,
    Mission.Status.CHANGES_REQUESTED,
    Mission.Status.APPROVED,
    Mission.Status.CANCELLED,
]


def test_the_catalogue_lists_only_published_missions(cast):
    published(title="Mission ouverte au public")
    for status in UNPUBLISHED:
        MissionFactory(status=status, title=f"Mission cachée {status}")
    html = page_of(cast.client(None))
    assert "Mission ouverte au public" in html
    assert "Mission cachée" not in html
    assert "1 mission found" in html


@pytest.mark.parametrize("status", UNPUBLISHED)
@pytest.mark.parametrize("who", [None, "volunteer", "coordinator"])
def test_an_unpublished_mission_has_no_public_page(cast, status, who):
    mission = MissionFactory(status=status, organisation=cast.organisation)
    assert cast.client(who).get(detail_url(mission)).status_code == 404


def test_an_unknown_mission_is_not_found(cast):
    assert (
        cast.client(None).get(reverse("missions:detail", kwargs={"pk": 999999})).status_code == 404
    )


def test_a_withdrawn_mission_leaves_the_catalogue_feed_and_page(cast):
    mission = published(title="Bientôt retirée")
    Mission.objects.filter(pk=mission.pk).update(status=Mission.Status.APPROVED)
    client = cast.client(None)
    assert "Bientôt retirée" not in page_of(client)
    assert "Bientôt retirée" not in page_of(client, FEED)
    assert client.get(detail_url(mission)).status_code == 404


# --- The mission page ----------------------------------------------------------------------


def test_a_visitor_reads_the_whole_mission_order(cast):
    start = timezone.localdate() + dt.timedelta(days=20)
    mission = published(
        organisation=cast.organisation,
        title="Filtre à sable lent pour l'école",
        context="Une école de **300 élèves**.",
        problem="L'eau du puits est trouble après les pluies. <script>alert(1)</script>",
        objectives="Dimensionner un filtre.",
        deliverables="Plans et guide de construction.",
        out_of_scope="La construction sur place.",
        team_size=3,
        hours_per_week=6,
        start_date=start,
        end_date=start + dt.timedelta(weeks=8),
        work_mode=Mission.WorkMode.HYBRID,
        languages=["fr", "en"],
        equipment_budget="987.65",
        results_licence=Mission.ResultsLicence.SHARED,
        skills=[("water-treatment", 3), ("microbiology", 1)],
        campuses=[CampusFactory(name="ESPCI Paris", short_name="ESPCI", slug="espci")],
    )
    html = page_of(cast.client(None), detail_url(mission))
    assert "<h1>Filtre à sable lent pour l&#x27;école</h1>" in html
    assert "<strong>300 élèves</strong>" in html
    assert "<script>alert(1)</script>" not in html
    for text in ["Dimensionner un filtre.", "Plans et guide de construction.",
                 "La construction sur place.", "3 volunteers", "6 hours a week", "8 weeks",
                 "Remote and on site", "French, English", "Water treatment", "Expert",
                 "Microbiology", "Notions", "reuse by other ESS actors allowed", "ESPCI Paris",
                 "Eau Claire Thiès", "Bring safe drinking water to schools."]:  # fmt: skip
        assert text in html, text
    assert "987" not in html  # the equipment budget is internal
    assert '<meta name="description" content="L&#x27;eau du puits est trouble' in html


def test_a_visitor_is_invited_to_join_as_a_volunteer(cast):
    mission = published()
    html = page_of(cast.client(None), detail_url(mission))
    assert f'href="{reverse("account_signup")}?as=volunteer"' in html
    assert "Join as a volunteer" in html


def test_a_volunteer_is_offered_to_apply(cast):
    mission = published()
    html = page_of(cast.client("volunteer"), detail_url(mission))
    assert f'href="{reverse("applications:apply", kwargs={"pk": mission.pk})}"' in html
    assert "Join as a volunteer" not in html


# --- Filters and search --------------------------------------------------------------------


@pytest.fixture
def two_missions(db):
    espci = CampusFactory(name="ESPCI Paris", short_name="ESPCI", slug="espci")
    estp = CampusFactory(name="ESTP Paris", short_name="ESTP", slug="estp")
    water = published(
        title="Filtre à sable lent", problem="L'eau est trouble.", country="SN", hours_ago=2,
        work_mode=Mission.WorkMode.REMOTE, domains=[Domain.objects.get(slug="water")],
        skills=[("water-treatment", 2)], campuses=[espci],
    )  # fmt: skip
    dryer = published(
        title="Séchoir solaire à mangues", problem="Les mangues pourrissent.", country="BF",
        hours_ago=3,
        context="Coopérative de femmes.", objectives="Sécher 200 kg par jour.",
        work_mode=Mission.WorkMode.ON_SITE, domains=[Domain.objects.get(slug="energy")],
        skills=[("solar-thermal", 2)], campuses=[estp],
    )  # fmt: skip
    return water, dryer


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"domain": "water"}, "water"),
        ({"domain": "energy"}, "dryer"),
        ({"country": "SN"}, "water"),
        ({"country": "BF"}, "dryer"),
        ({"remote": "on"}, "water"),
        ({"skill": "solar-thermal"}, "dryer"),
        ({"campus": "espci"}, "water"),
        ({"campus": "estp"}, "dryer"),
        ({"q": "trouble"}, "water"),  # problem
        ({"q": "coopérative"}, "dryer"),  # context
        ({"q": "200 KG"}, "dryer"),  # objectives, every word, any case
        ({"q": "sable"}, "water"),  # title
        ({"q": "SÉCHOIR"}, "dryer"),  # accented capitals, on SQLite as on PostgreSQL
    ],
)
def test_each_filter_narrows_the_list(cast, two_missions, params, found):
    water, dryer = two_missions
    html = page_of(cast.client(None), **params)
    wanted, other = (water, dryer) if found == "water" else (dryer, water)
    assert wanted.title in html
    assert other.title not in html
    assert "1 mission found" in html


def test_hybrid_missions_count_as_remote(cast, two_missions):
    hybrid = published(title="Capteurs de qualité de l'air", work_mode=Mission.WorkMode.HYBRID)
    html = page_of(cast.client(None), remote="on")
    assert hybrid.title.replace("'", "&#x27;") in html
    assert two_missions[1].title not in html


def test_search_needs_every_word_and_treats_wildcards_literally(cast, two_missions):
    client = cast.client(None)
    assert "0 missions found" in page_of(client, q="sable mangues")
    assert "0 missions found" in page_of(client, q="%")
    assert "0 missions found" in page_of(client, q="_")


def test_filters_combine_and_keep_what_was_chosen(cast, two_missions):
    html = page_of(cast.client(None), domain="water", country="BF", q="filtre")
    assert "0 missions found" in html
    assert '<option value="water" selected>' in html
    assert 'value="filtre"' in html


def test_an_unknown_filter_value_is_reported_and_the_other_filters_still_apply(cast, two_missions):
    html = page_of(cast.client(None), domain="no-such-domain", country="SN")
    assert "Select a valid choice" in html
    assert 'id="id_domain_error"' in html
    assert "Filtre à sable lent" in html
    assert "Séchoir solaire à mangues" not in html


def test_filter_choices_come_from_open_missions(cast, two_missions):
    MissionFactory(status=Mission.Status.DRAFT, country="MG", skills=[("hydraulics", 2)])
    CampusFactory(name="École fermée", short_name="Fermée", slug="fermee", is_active=False)
    html = page_of(cast.client(None))
    assert '<option value="SN">Senegal</option>' in html
    assert 'value="MG"' not in html  # only a draft mission there
    assert 'value="hydraulics"' not in html
    assert 'value="solar-thermal"' in html
    assert 'value="fermee"' not in html
    assert 'value="health"' in html  # every domain is offered


# --- Pagination, htmx and query count -------------------------------------------------------


def test_results_come_twenty_per_page_newest_first(cast):
    for n in range(25):
        published(title=f"Mission numéro {n:02d}", hours_ago=n + 1)
    client = cast.client(None)
    first = page_of(client, q="numéro")
    assert first.count('class="card mission-card"') == 20
    assert "25 missions found" in first
    assert first.index("Mission numéro 00") < first.index("Mission numéro 19")
    assert "Mission numéro 20" not in first
    assert 'href="?q=num%C3%A9ro&amp;page=2"' in first
    second = page_of(client, q="numéro", page=2)
    assert second.count('class="card mission-card"') == 5
    assert "Mission numéro 24" in second
    assert 'href="?q=num%C3%A9ro&amp;page=1"' in second
    assert "Page 2 of 2" in page_of(client, q="numéro", page=99)
    assert "Page 1 of 2" in page_of(client, q="numéro", page="abc")


def test_htmx_gets_only_the_results(cast, two_missions):
    response = cast.client(None).get(CATALOGUE, {"domain": "water"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith('<div id="results"')
    assert "Filtre à sable lent" in html
    assert "Séchoir solaire à mangues" not in html
    assert "HX-Request" in response["Vary"]
    # The count's live region stays in the page: htmx only replaces its text (out of band),
    # so screen readers announce the new count.
    assert '<p id="result-count" hx-swap-oob="innerHTML">1 mission found</p>' in html


def test_the_result_count_is_one_live_region_outside_the_swapped_results(cast, two_missions):
    html = cast.client(None).get(CATALOGUE).content.decode()
    assert html.count('role="status"') == 1
    assert html.index('id="result-count"') < html.index('<div id="results"')


def test_htmx_history_restore_gets_the_whole_page(cast):
    response = cast.client(None).get(
        CATALOGUE, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_the_catalogue_needs_the_same_queries_for_30_missions(cast, django_assert_max_num_queries):
    campus = CampusFactory()
    domains = list(Domain.objects.filter(slug__in=["water", "health"]))
    for n in range(30):
        published(
            title=f"M{n}", hours_ago=n + 1, domains=domains, campuses=[campus],
            skills=[("water-treatment", 2), ("microbiology", 1)],
            organisation=OrganisationFactory(),
        )  # fmt: skip
    client = cast.client("volunteer")
    # session, user, roles (2), 5 filter options (the skills of open missions in two steps:
    # see catalogue_filters_options), count, missions, domains, skills.
    with django_assert_max_num_queries(14):  # + unread notifications
        html = page_of(client, q="M", remote="on", campus=campus.slug)
    assert html.count('class="card mission-card"') == 20


def test_the_mission_page_has_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    mission = published(skills=[("water-treatment", 2), ("microbiology", 1), ("hydraulics", 3)])
    with django_assert_max_num_queries(6):
        page_of(cast.client(None), detail_url(mission))


# --- Privacy: nothing private, ever ---------------------------------------------------------

PRIVATE = [
    "mariam.secret@example.org",
    "Mariam Secretname",
    "NOTE-INTERNE-XYZ",
    "preuve-confidentielle-777.pdf",
    "piece-jointe-888.pdf",
    "Association Très Discrète",
    "tres-discrete.example.org",
    "Sa mission sociale révèle son nom",
]


@pytest.fixture
def private_world(cast):
    """A public and a discreet published mission whose organisations hold private data."""
    member = UserFactory(email="mariam.secret@example.org", full_name="Mariam Secretname")
    open_org = OrganisationFactory(
        name="Association Ouverte", proof_name="preuve-confidentielle-777.pdf"
    )
    MembershipFactory(organisation=open_org, user=member)
    discreet_org = OrganisationFactory(
        name="Association Très Discrète", website="https://tres-discrete.example.org",
        social_mission="Sa mission sociale révèle son nom.",
    )  # fmt: skip
    need = NeedFactory(organisation=open_org)
    attachment = NeedAttachment(
        need=need, original_name="piece-jointe-888.pdf", content_type="application/pdf",
        size=len(PDF_BYTES), uploaded_by=member,
    )  # fmt: skip
    attachment.file.save("piece-jointe-888.pdf", ContentFile(PDF_BYTES))
    public_mission = published(title="Mission publique", organisation=open_org, need=need)
    discreet_mission = published(
        title="Mission discrète", organisation=discreet_org,
        confidentiality=Mission.Confidentiality.DISCREET,
    )  # fmt: skip
    for subject in (open_org, discreet_org, need, public_mission, discreet_mission):
        InternalNote.objects.create(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk,
            author=cast.coordinator, body="NOTE-INTERNE-XYZ à ne jamais montrer",
        )  # fmt: skip
    return public_mission, discreet_mission


@pytest.mark.parametrize("who", [None, "volunteer"])
def test_no_private_data_on_any_public_page(cast, private_world, who):
    public_mission, discreet_mission = private_world
    client = cast.client(who)
    pages = {
        "catalogue": page_of(client),
        "public": page_of(client, detail_url(public_mission)),
        "discreet": page_of(client, detail_url(discreet_mission)),
        "feed": page_of(client, FEED),
    }
    for name, html in pages.items():
        for secret in PRIVATE:
            assert secret not in html, f"{secret!r} leaks on {name}"
    assert "Association Ouverte" in pages["public"]
    assert "A partner organisation" in pages["discreet"]
    assert "A partner organisation" in pages["catalogue"]


# --- The Atom feed -----------------------------------------------------------------------


def test_the_feed_is_atom_newest_first_with_links_and_domains(cast, two_missions):
    water, dryer = two_missions
    newest = published(title="La plus récente", hours_ago=0, problem="Un **problème** nouveau.")
    MissionFactory(status=Mission.Status.APPROVED, title="Pas encore publiée")
    response = cast.client(None).get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, not untrusted input
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == [newest.title, water.title, dryer.title]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href").endswith(detail_url(newest))
    assert first.findtext(f"{ATOM}summary") == "Un problème nouveau."
    assert first.findtext(f"{ATOM}updated")
    categories = [c.get("term") for c in entries[1].findall(f"{ATOM}category")]
    assert categories == ["Water and sanitation"]


def test_the_feed_holds_the_fifty_newest(cast):
    for n in range(52):
        published(title=f"F{n}", hours_ago=n + 1)
    root = ET.fromstring(cast.client(None).get(FEED).content)  # noqa: S314
    titles = [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
    assert len(titles) == 50
    assert titles[0] == "F0"
    assert "F50" not in titles
