"""The campus network: campuses' partnership details, the ambassador's dashboard (and losing
it at once when removed), a mission's share kit and poster, short links and what they
bring, and the weekly campus digest."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.roles import Role
from soscience.applications.models import Application
from soscience.missions.models import Mission
from soscience.network.models import CampusDigestSent, Referral, ShareLink
from soscience.volunteers.models import Ambassadorship, Campus, VolunteerProfile
from soscience.volunteers.profile_forms import _TAKES_DIGEST
from tests.factories import CampusFactory, MissionFactory, UserFactory

STRONG = "Tr3s-Secret-Filtre-42"


def text(response) -> str:
    """The page's text, tags removed and spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


@pytest.fixture
def world(cast):
    """A partner campus whose ambassador is cast.ambassador, another campus, and a mission
    published to the partner campus only."""
    campus = CampusFactory(name="École de physique", short_name="EP", slug="ep", city="Lyon")
    other = CampusFactory(name="Institut du Nord", short_name="IN", slug="in", city="Lille")
    Ambassadorship.objects.create(user=cast.ambassador, campus=campus)
    mission = _published(cast, "Filtre à sable pour Thiès", campuses=[campus])
    return type("World", (), {"campus": campus, "other": other, "mission": mission})


def _published(cast, title: str, *, campuses, **fields) -> Mission:
    fields.setdefault("published_at", timezone.now())
    mission = MissionFactory(
        organisation=cast.organisation, title=title, status=Mission.Status.OPEN,
        created_by=cast.coordinator, **fields,
    )  # fmt: skip
    mission.campuses.set(campuses)
    return mission


def _profile(user, campus, **fields) -> VolunteerProfile:
    return VolunteerProfile.objects.create(user=user, campus=campus, languages=["fr"], **fields)


def _link(world, cast, code: str = "abcd2345") -> ShareLink:
    return ShareLink.objects.create(
        code=code, mission=world.mission, campus=world.campus, channel="poster",
        ambassador=cast.ambassador, created_by=cast.ambassador,
    )  # fmt: skip


# Campuses: partnership details.


def _campus_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "École des Mines d'Alès", "short_name": "IMT Mines Alès", "slug": "mines-ales",
        "city": "Alès", "country": "FR", "is_active": "on",
        "contact_name": "Dr Jeanne Martin", "contact_email": "jeanne.martin@example.org",
        "partnership_start": "2026-01-15", "partnership_end": "2028-01-15",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_coordinator_records_a_campus_contact_and_partnership_dates(cast):
    client = cast.client("coordinator")
    response = client.post(reverse("volunteers:campus_create"), _campus_data())
    assert response.status_code == 302
    campus = Campus.objects.get(slug="mines-ales")
    assert campus.contact_email == "jeanne.martin@example.org"
    assert campus.partnership_start == dt.date(2026, 1, 15)
    assert campus.partnership_end == dt.date(2028, 1, 15)
    page = text(client.get(reverse("volunteers:campus_list")))
    assert "Dr Jeanne Martin" in page
    assert "jeanne.martin@example.org" in page

    client.post(
        reverse("volunteers:campus_edit", args=[campus.pk]),
        _campus_data(contact_name="Paul Durand", partnership_end=""),
    )
    campus.refresh_from_db()
    assert campus.contact_name == "Paul Durand"
    assert campus.partnership_end is None


def test_partnership_ending_before_it_starts_is_refused_next_to_the_field(cast):
    client = cast.client("coordinator")
    response = client.post(
        reverse("volunteers:campus_create"),
        _campus_data(partnership_start="2026-06-01", partnership_end="2026-01-01",
                     contact_email="not-an-address"),
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["partnership_end"] == ["The end of the partnership must be after its start."]
    assert "contact_email" in form.errors
    assert 'value="Dr Jeanne Martin"' in response.content.decode()
    assert not Campus.objects.filter(slug="mines-ales").exists()


# The ambassador's dashboard.


def test_ambassador_sees_their_campus_dashboard(cast, world):
    _profile(cast.volunteer, world.campus)
    _profile(cast.other_volunteer, world.other)
    elsewhere = _published(cast, "Séchoir solaire ailleurs", campuses=[world.other])
    everywhere = _published(cast, "Capteur d'air pour tous", campuses=[])
    Application.objects.create(
        mission=world.mission, volunteer=cast.volunteer, status=Application.Status.SELECTED,
        motivation="Water.", availability_confirmed=True, applied_at=timezone.now(),
    )  # fmt: skip
    client = cast.client("ambassador")

    # One campus: the network's home page goes straight to it.
    response = client.get(reverse("network:home"))
    assert response["Location"] == reverse("network:dashboard", args=["ep"])
    page = text(client.get(reverse("network:dashboard", args=["ep"])))

    assert "Dashboard of École de physique" in page
    assert "Volunteers with a profile on this campus 1" in page
    assert "New this month 1" in page
    assert "Valentin Volontaire" in page
    assert "Vera Volontaire" not in page  # on another campus
    assert world.mission.title in page
    assert everywhere.title in page  # offered to every campus
    assert elsewhere.title not in page
    # Applications and selections from the campus, per mission: one applied, one selected.
    assert f"{world.mission.title} 1 1" in page


def test_dashboard_lists_the_events_on_the_campus(cast, world):
    from soscience.events.models import Event

    starts = timezone.now() + dt.timedelta(days=3)
    Event.objects.create(
        title="L'eau et la science", slug="eau", description="Talks.", campus=world.campus,
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=40,
        status=Event.Status.PUBLISHED, created_by=cast.coordinator,
    )  # fmt: skip
    Event.objects.create(
        title="Brouillon", slug="draft", description="-", campus=world.campus,
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=10,
        created_by=cast.coordinator,
    )  # fmt: skip
    page = text(cast.client("ambassador").get(reverse("network:dashboard", args=["ep"])))
    assert "L'eau et la science" in page
    assert "0 of 40" in page
    assert "Brouillon" not in page


def test_dashboard_is_only_for_the_campus_ambassadors_and_coordinators(cast, world):
    assert (
        cast.client("coordinator").get(reverse("network:dashboard", args=["in"])).status_code == 200
    )
    ambassador = cast.client("ambassador")
    assert ambassador.get(reverse("network:dashboard", args=["in"])).status_code == 403
    assert ambassador.get(reverse("network:dashboard", args=["nowhere"])).status_code == 404
    assert (
        cast.client("volunteer").get(reverse("network:dashboard", args=["ep"])).status_code == 403
    )
    response = Client().get(reverse("network:dashboard", args=["ep"]))
    assert response["Location"].startswith("/accounts/login/")


def test_a_removed_ambassador_loses_the_dashboard_and_share_kit_at_once(cast, world):
    _link(world, cast)
    ambassador = cast.client("ambassador")
    dashboard = reverse("network:dashboard", args=["ep"])
    kit = reverse("network:share_kit", args=[world.mission.pk])
    poster = reverse("network:poster", args=["abcd2345"])
    assert ambassador.get(dashboard).status_code == 200
    assert ambassador.get(kit).status_code == 200

    cast.client("coordinator").post(
        reverse("volunteers:ambassador_remove", args=[world.campus.pk, cast.ambassador.pk])
    )

    # The same session, the very next request: no cached role or flag keeps the pages open.
    assert ambassador.get(dashboard).status_code == 403
    assert ambassador.get(kit).status_code == 403
    assert ambassador.get(poster).status_code == 404
    assert "Share kit" not in text(
        ambassador.get(reverse("missions:detail", args=[world.mission.pk]))
    )


def test_dashboard_queries_do_not_grow_with_the_rows(cast, world, django_assert_max_num_queries):
    client = cast.client("ambassador")
    url = reverse("network:dashboard", args=["ep"])

    def add_rows(n: int, start: int) -> None:
        for i in range(start, start + n):
            volunteer = UserFactory(roles=[Role.VOLUNTEER])
            _profile(volunteer, world.campus)
            mission = _published(cast, f"Mission {volunteer.pk}", campuses=[world.campus])
            Application.objects.create(
                mission=mission, volunteer=volunteer, status=Application.Status.APPLIED,
                motivation="-", availability_confirmed=True, applied_at=timezone.now(),
            )  # fmt: skip
            link = _link(world, cast, code=f"code{i:04d}")
            Referral.objects.create(link=link, kind=Referral.Kind.VISIT)

    add_rows(2, 0)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    add_rows(10, 2)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


# The share kit.


def test_mission_page_offers_the_share_kit_to_the_campus_ambassador_only(cast, world):
    url = reverse("missions:detail", args=[world.mission.pk])
    assert "Share kit" in text(cast.client("ambassador").get(url))
    assert "Share kit" in text(cast.client("coordinator").get(url))
    assert "Share kit" not in text(cast.client("volunteer").get(url))
    assert "Share kit" not in text(Client().get(url))


def test_ambassador_creates_a_short_link_and_sees_it_listed(cast, world, settings):
    settings.SITE_URL = "https://soscience.example.org"
    client = cast.client("ambassador")
    url = reverse("network:share_kit", args=[world.mission.pk])
    response = client.post(
        url, {"channel": "poster", "label": "Hall B notice board", "campus": world.campus.pk}
    )
    assert response.status_code == 302
    link = ShareLink.objects.get()
    assert re.fullmatch(r"[a-z2-9]{8}", link.code)
    assert (link.mission, link.campus, link.ambassador) == (
        world.mission,
        world.campus,
        cast.ambassador,
    )
    page = text(client.get(url))
    assert f"Your short link is ready: https://soscience.example.org/s/{link.code}/" in page
    assert "Hall B notice board" in page
    # Two links never share a code.
    client.post(url, {"channel": "social", "campus": world.campus.pk})
    assert ShareLink.objects.values("code").distinct().count() == 2


def test_share_kit_form_errors_keep_what_was_typed_and_save_nothing(cast, world):
    client = cast.client("ambassador")
    response = client.post(
        reverse("network:share_kit", args=[world.mission.pk]),
        {"channel": "", "label": "Robotics club list", "campus": world.campus.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["channel"] == [
        "Choose the channel where you will share the link."
    ]
    assert 'value="Robotics club list"' in response.content.decode()
    # A campus the ambassador does not belong to is not on offer.
    response = client.post(
        reverse("network:share_kit", args=[world.mission.pk]),
        {"channel": "poster", "campus": world.other.pk},
    )
    assert "campus" in response.context["form"].errors
    assert not ShareLink.objects.exists()


def test_share_kit_refuses_missions_not_offered_to_the_ambassadors_campus(cast, world):
    elsewhere = _published(cast, "Séchoir solaire", campuses=[world.other])
    draft = MissionFactory(organisation=cast.organisation, created_by=cast.coordinator)
    ambassador = cast.client("ambassador")
    assert ambassador.get(reverse("network:share_kit", args=[elsewhere.pk])).status_code == 403
    assert ambassador.get(reverse("network:share_kit", args=[draft.pk])).status_code == 404
    volunteer = cast.client("volunteer")
    assert volunteer.get(reverse("network:share_kit", args=[world.mission.pk])).status_code == 403


def test_coordinators_see_every_link_of_a_mission_ambassadors_their_own(cast, world):
    _link(world, cast)
    ShareLink.objects.create(
        code="coord234", mission=world.mission, channel="mail", created_by=cast.coordinator
    )
    url = reverse("network:share_kit", args=[world.mission.pk])
    coordinator_page = text(cast.client("coordinator").get(url))
    assert "/s/abcd2345/" in coordinator_page
    assert "/s/coord234/" in coordinator_page
    ambassador_page = text(cast.client("ambassador").get(url))
    assert "/s/abcd2345/" in ambassador_page
    assert "/s/coord234/" not in ambassador_page


def _pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", done.stdout.decode())


def test_poster_pdf_prints_the_mission_and_its_short_address(cast, world, settings):
    settings.SITE_URL = "https://soscience.example.org"
    _link(world, cast)
    response = cast.client("ambassador").get(reverse("network:poster", args=["abcd2345"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    printed = _pdf_text(b"".join(response.streaming_content))
    assert "https://soscience.example.org/s/abcd2345/" in printed
    assert "Filtre à sable pour Thiès" in printed
    assert "Eau Claire Thiès" in printed


def test_poster_of_a_discreet_mission_does_not_name_the_organisation(cast, world):
    world.mission.confidentiality = Mission.Confidentiality.DISCREET
    world.mission.save()
    _link(world, cast)
    response = cast.client("coordinator").get(reverse("network:poster", args=["abcd2345"]))
    printed = _pdf_text(b"".join(response.streaming_content))
    assert "Eau Claire Thiès" not in printed
    assert "A partner organisation" in printed


def test_someone_elses_poster_is_not_found(cast, world):
    _link(world, cast)
    second = UserFactory(roles=[Role.AMBASSADOR])
    Ambassadorship.objects.create(user=second, campus=world.campus)
    client = Client()
    client.force_login(second)
    assert client.get(reverse("network:poster", args=["abcd2345"])).status_code == 404
    assert client.get(reverse("network:poster", args=["zzzz9999"])).status_code == 404


# Short links and attribution.


def test_short_link_counts_the_visit_and_goes_to_the_mission(cast, world):
    _link(world, cast)
    visitor = Client()
    response = visitor.get("/s/abcd2345/")
    assert response.status_code == 302
    assert response["Location"] == reverse("missions:detail", args=[world.mission.pk])
    visitor.get("/s/abcd2345/")  # a reload is the same visitor
    Client().get("/s/abcd2345/")
    assert Referral.objects.filter(kind=Referral.Kind.VISIT).count() == 2
    assert Client().get("/s/unknown1/").status_code == 404


def test_a_closed_missions_link_leads_to_the_catalogue(cast, world):
    _link(world, cast)
    Mission.objects.filter(pk=world.mission.pk).update(status=Mission.Status.IN_PROGRESS)
    response = Client().get("/s/abcd2345/")
    assert response["Location"] == reverse("missions:catalogue")


def test_visit_signup_and_application_through_a_link_show_on_the_dashboard(
    cast, world, django_capture_on_commit_callbacks
):
    _link(world, cast)
    visitor = Client()
    visitor.get("/s/abcd2345/")
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(
            reverse("account_signup"),
            {"full_name": "Awa Diallo", "email": "awa@example.org", "password1": STRONG,
             "password2": STRONG, "joining_as": "volunteer"},
        )  # fmt: skip
    assert response.status_code == 302
    from soscience.accounts.models import User

    awa = User.objects.get(email="awa@example.org")
    _profile(awa, world.campus)  # she says her campus in her profile
    visitor.force_login(awa)  # the same browser session, now signed in
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(
            reverse("applications:apply", args=[world.mission.pk]),
            {"motivation": "I study water treatment.", "availability_confirmed": "on"},
        )
    assert response.status_code == 302
    # Applying twice is refused by the application service: nothing counted twice either.
    visitor.post(
        reverse("applications:apply", args=[world.mission.pk]),
        {"motivation": "Again.", "availability_confirmed": "on"},
    )

    board = cast.client("ambassador").get(reverse("network:dashboard", args=["ep"]))
    link = board.context["board"].links[0]
    assert (link.visits, link.signups, link.applications, link.registrations) == (1, 1, 1, 0)
    row = re.search(r"abcd2345.*?</tr>", board.content.decode(), re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "1", "1", "0"]


def test_an_application_to_another_mission_is_not_attributed(cast, world):
    _link(world, cast)
    other = _published(cast, "Capteur d'air", campuses=[])
    _profile(cast.volunteer, world.campus)
    client = cast.client("volunteer")
    client.get("/s/abcd2345/")
    client.post(
        reverse("applications:apply", args=[other.pk]),
        {"motivation": "Air.", "availability_confirmed": "on"},
    )
    assert Application.objects.filter(mission=other).exists()
    assert not Referral.objects.filter(kind=Referral.Kind.APPLICATION).exists()


def test_an_event_registration_in_the_session_is_attributed_once_per_person(cast, world):
    from soscience.network.services import referral_record

    _link(world, cast)
    client = cast.client("volunteer")
    client.get("/s/abcd2345/")
    session = client.session
    referral_record(session, Referral.Kind.REGISTRATION, cast.volunteer)
    referral_record(session, Referral.Kind.REGISTRATION, cast.volunteer)
    referral_record(session, Referral.Kind.REGISTRATION, None)  # a visitor's registration
    assert Referral.objects.filter(kind=Referral.Kind.REGISTRATION).count() == 2
    # Without a link in the session nothing is recorded.
    assert referral_record(Client().session, Referral.Kind.SIGNUP, cast.volunteer) is None


# The weekly campus digest.


def test_campus_digest_tells_each_subscriber_once(cast, world, django_capture_on_commit_callbacks):
    _profile(cast.volunteer, world.campus, campus_digest=True)
    _profile(cast.other_volunteer, world.other, campus_digest=True)
    _profile(UserFactory(roles=[Role.VOLUNTEER]), world.campus)  # did not ask for it
    everywhere = _published(cast, "Capteur d'air pour tous", campuses=[])
    _published(
        cast, "Publiée il y a un mois", campuses=[world.campus],
        published_at=timezone.now() - dt.timedelta(days=30),
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_campus_digests", "--now", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123

    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {cast.volunteer.email, cast.other_volunteer.email}
    mine = by_person[cast.volunteer.email]
    assert "École de physique" in mine.subject
    assert world.mission.title in mine.body
    assert everywhere.title in mine.body
    assert "Publiée il y a un mois" not in mine.body
    theirs = by_person[cast.other_volunteer.email]
    assert world.mission.title not in theirs.body  # offered to another campus
    assert everywhere.title in theirs.body
    assert CampusDigestSent.objects.count() == 3

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_campus_digests", "--now", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    assert mail.outbox == []


def test_campus_digest_skips_missions_already_applied_to(cast, world):
    from soscience.network.tasks import send_campus_digests

    _profile(cast.volunteer, world.campus, campus_digest=True)
    Application.objects.create(
        mission=world.mission, volunteer=cast.volunteer, status=Application.Status.APPLIED,
        motivation="-", availability_confirmed=True, applied_at=timezone.now(),
    )  # fmt: skip
    assert send_campus_digests.call() == 0


@pytest.mark.skipif(
    not _TAKES_DIGEST, reason="profile_save does not take campus_digest yet (see the report)"
)
def test_volunteer_asks_for_the_campus_digest_in_their_profile(cast, world):
    client = cast.client("volunteer")
    response = client.post(
        reverse("volunteers:profile"),
        {"kind": "student", "campus": world.campus.pk, "languages": ["fr"], "country": "FR",
         "notify": "weekly", "campus_digest": "on",
         "availability-TOTAL_FORMS": "0", "availability-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    assert VolunteerProfile.objects.get(user=cast.volunteer).campus_digest is True


def test_profile_form_offers_the_campus_digest(cast):
    page = cast.client("volunteer").get(reverse("volunteers:profile"))
    assert "weekly mail of the new missions open to my campus" in text(page)
