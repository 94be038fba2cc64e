"""Volunteer profiles, the skills typeahead, and campus ambassadors, through HTTP."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.roles import Role
from soscience.volunteers.models import (
    Ambassadorship,
    Availability,
    Skill,
    UnmatchedTerm,
    VolunteerProfile,
)
from tests.factories import CampusFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("volunteers:profile")
SUGGEST = reverse("volunteers:skill_suggest")


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{re.escape(field)}_error">(.*?)</div>', text(response), re.S)
    return match.group(1) if match else ""


def roles_of(user) -> frozenset[str]:
    """The roles as the next request would see them (``roles`` is cached per object)."""
    return type(user).objects.get(pk=user.pk).roles


def skill(slug: str) -> Skill:
    return Skill.objects.get(slug=slug)


def in_weeks(weeks: int) -> str:
    return (timezone.localdate() + dt.timedelta(weeks=weeks)).isoformat()


def profile_post(*, windows=(), skills=(), **overrides) -> dict:
    """The profile form as a browser sends it: ``skills`` are (slug, level) rows,
    ``windows`` (start, end, hours) availability rows."""
    data = {
        "kind": "student",
        "campus": "",
        "programme": "Génie des procédés",
        "year": "2",
        "bio": "I like *water*.",
        "languages": ["fr", "en"],
        "country": "FR",
        "city": "Paris",
        "notify": "weekly",
        "skills_text": "",
        "availability-TOTAL_FORMS": str(len(windows) + 1),
        "availability-INITIAL_FORMS": "0",
        "availability-MIN_NUM_FORMS": "0",
        "availability-MAX_NUM_FORMS": "20",
    }
    for i, (slug, level) in enumerate(skills):
        data[f"skill_{i}"] = str(skill(slug).pk)
        data[f"level_{i}"] = str(level)
    for i, (start, end, hours) in enumerate(windows):
        data.update({
            f"availability-{i}-start": start, f"availability-{i}-end": end,
            f"availability-{i}-hours_per_week": str(hours),
        })  # fmt: skip
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_member_fills_a_profile_and_becomes_a_volunteer(cast):
    campus = CampusFactory(name="ESPCI Paris", slug="espci", is_home=True)
    client = cast.client("member")
    assert Role.VOLUNTEER not in cast.member.roles
    assert "My volunteer profile" in text(client.get(PROFILE))

    response = client.post(PROFILE, profile_post(
        campus=str(campus.pk), consent_matching="on",
        skills=[("water-treatment", 3), ("hydraulics", 1)],
        windows=[(in_weeks(1), in_weeks(10), 6)],
    ), follow=True)  # fmt: skip

    assert "Your profile was saved." in text(response)
    profile = VolunteerProfile.objects.get(user=cast.member)
    assert (profile.campus, profile.year, profile.languages) == (campus, 2, ["fr", "en"])
    assert {(vs.skill.slug, vs.level) for vs in profile.skills.all()} == {
        ("water-treatment", 3),
        ("hydraulics", 1),
    }
    window = profile.availabilities.get()
    assert window.hours_per_week == 6
    assert profile.consent_matching_at is not None
    assert Role.VOLUNTEER in roles_of(cast.member)
    # The saved values come back in the form, with a spare skill row.
    page = text(client.get(PROFILE))
    assert 'value="Génie des procédés"' in page
    assert "Consent given on" in page


def test_a_volunteer_edits_levels_removes_a_window_and_withdraws_consent(cast):
    client = cast.client("volunteer")
    client.post(PROFILE, profile_post(
        consent_matching="on", skills=[("python", 1)],
        windows=[(in_weeks(1), in_weeks(5), 4), (in_weeks(8), in_weeks(12), 10)],
    ))  # fmt: skip
    profile = VolunteerProfile.objects.get(user=cast.volunteer)
    consented_at = profile.consent_matching_at
    assert consented_at is not None

    # Saving again with consent keeps its original date.
    data = profile_post(
        consent_matching="on", skills=[("python", 3)],
        windows=[(in_weeks(1), in_weeks(5), 4), (in_weeks(8), in_weeks(12), 10)],
        **{"availability-INITIAL_FORMS": "2", "availability-1-DELETE": "on"},
    )  # fmt: skip
    assert client.post(PROFILE, data).status_code == 302
    profile.refresh_from_db()
    assert profile.consent_matching_at == consented_at
    assert profile.skills.get().level == 3
    assert list(profile.availabilities.values_list("hours_per_week", flat=True)) == [4]

    # Unticking the consent withdraws it: no date any more, and the volunteer is told.
    data = profile_post(
        skills=[("python", 3)], windows=[(in_weeks(1), in_weeks(5), 4)],
        **{"availability-INITIAL_FORMS": "1"},
    )  # fmt: skip
    response = client.post(PROFILE, data, follow=True)
    profile.refresh_from_db()
    assert profile.consent_matching_at is None
    assert not profile.is_matchable
    assert "Without your consent to matching" in text(response)


def test_bad_input_is_shown_next_to_each_field_and_nothing_is_saved(cast):
    client = cast.client("member")
    response = client.post(PROFILE, profile_post(
        year="12", skills=[("python", 2)],
        windows=[(in_weeks(5), in_weeks(2), 4), (in_weeks(1), in_weeks(3), 0)],
    ))  # fmt: skip
    assert response.status_code == 200
    assert "between 1 and 10" in field_error(response, "year")
    assert "after the start date" in field_error(response, "availability-0-end")
    assert "Between 1 and 40 hours" in field_error(response, "availability-1-hours_per_week")
    page = text(response)
    assert 'value="12"' in page
    assert 'value="Génie des procédés"' in page
    assert f'value="{in_weeks(5)}"' in page
    assert not VolunteerProfile.objects.filter(user=cast.member).exists()
    assert Role.VOLUNTEER not in roles_of(cast.member)


def window_block(page: str, n: int) -> str:
    """The fieldset of availability window ``n`` (1-based), as rendered."""
    start = page.index(f"Window {n}</legend>")
    return page[start : page.index("</fieldset>", start)]


def test_only_the_filled_availability_windows_are_marked_required(cast):
    client = cast.client("volunteer")
    client.post(PROFILE, profile_post(windows=[(in_weeks(1), in_weeks(5), 4)]))
    page = text(client.get(PROFILE))

    saved, spare = window_block(page, 1), window_block(page, 2)
    assert saved.count('class="required"') == 3  # From, To, Hours per week
    assert 'class="required"' not in spare
    assert "Leave the spare window empty if you do not need it." in spare
    assert 'aria-describedby="window-2-help"' in page
    # A new profile has two empty windows, neither required; the last is the spare one.
    page = text(cast.client("member").get(PROFILE))
    assert 'class="required"' not in window_block(page, 1) + window_block(page, 2)
    assert "Leave the spare window" not in window_block(page, 1)
    assert "Leave the spare window" in window_block(page, 2)
    # A spare window half filled is checked like any other, and says what it lacks.
    response = client.post(PROFILE, profile_post(
        windows=[(in_weeks(1), in_weeks(5), 4), (in_weeks(6), "", "")],
        **{"availability-INITIAL_FORMS": "1"},
    ))  # fmt: skip
    assert response.status_code == 200
    assert field_error(response, "availability-1-end")
    assert window_block(text(response), 2).count('class="required"') == 3


def test_the_profile_sections_and_fields_read_well(cast):
    page = text(cast.client("volunteer").get(PROFILE))
    # The section heading is not the bio's label.
    assert "<h2>Studies and presentation</h2>" in page
    assert "<h2>About me</h2>" not in page
    assert '<label for="id_bio">About me</label>' in page
    # The consent checkbox comes before its label, on one line.
    assert re.search(r'<input type="checkbox" name="consent_matching"[^>]*>\s*<label', page)
    # The skill suggestions as one types belong to the "Other skills" field.
    field = re.search(r'<input type="text" name="skills_text"[^>]*>', page).group(0)
    assert 'aria-controls="skill-suggestions"' in field
    assert 'aria-describedby="id_skills_text_helptext skill-suggestions"' in field


def test_no_language_and_a_repeated_skill_are_refused(cast):
    client = cast.client("volunteer")
    data = profile_post(languages=[], skills=[("python", 2), ("python", 3)])
    response = client.post(PROFILE, data)
    assert "at least one language" in field_error(response, "languages")
    assert "already in the list" in field_error(response, "skill_1")
    assert not VolunteerProfile.objects.exists()


def test_typed_skills_are_matched_and_unknown_terms_kept_for_the_team(cast):
    client = cast.client("volunteer")
    data = profile_post(skills=[("cad", 3)], skills_text="CAO, SIG, Ethnobotanique; ")
    response = client.post(PROFILE, data, follow=True)
    page = text(response)
    assert "Skills recognised and added: Geographic information systems." in page
    assert "We did not recognise “Ethnobotanique”; the team will add it" in page
    profile = VolunteerProfile.objects.get(user=cast.volunteer)
    # CAO is the skill already in a row: its level there is kept.
    assert {(vs.skill.slug, vs.level) for vs in profile.skills.all()} == {("cad", 3), ("gis", 2)}
    assert UnmatchedTerm.objects.get().count == 1

    # Someone else types the same term in other case: counted, not duplicated.
    cast.client("other_volunteer").post(PROFILE, profile_post(skills_text="ethnobotanique"))
    term = UnmatchedTerm.objects.get()
    assert (term.text, term.count) == ("Ethnobotanique", 2)


def test_a_term_that_could_be_several_skills_is_reported_not_guessed(cast):
    client = cast.client("volunteer")
    response = client.post(PROFILE, profile_post(skills_text="chimie"), follow=True)
    assert "“chimie” could be several skills" in text(response)
    assert not VolunteerProfile.objects.get(user=cast.volunteer).skills.exists()
    assert not UnmatchedTerm.objects.exists()


def test_the_typeahead_finds_skills_by_abbreviation_and_without_accents(cast):
    client = cast.client("volunteer")
    cao = text(client.get(SUGGEST, {"q": "CAO"}))
    assert "Computer-aided design" in cao
    gis = text(client.get(SUGGEST, {"q": "GIS"}))
    assert "Geographic information systems" in gis
    assert "SIG" in gis
    assert "Geotechnics" in text(client.get(SUGGEST, {"q": "geotechnique"}))
    assert "Drinking-water supply" in text(client.get(SUGGEST, {"q": "potable"}))
    # The free-text field sends its own name; the last term typed is the one looked up.
    last = text(client.get(SUGGEST, {"skills_text": "Python, photovolta"}))
    assert "Solar photovoltaics" in last
    assert "Python programming" not in last
    unknown = text(client.get(SUGGEST, {"q": "xylophone"}))
    assert "No known skill matches “xylophone”" in unknown
    # The fragment is a piece of the form, not a page.
    assert "<html" not in cao


def test_the_profile_form_offers_the_typeahead_to_htmx(cast):
    page = text(cast.client("volunteer").get(PROFILE))
    assert f'hx-get="{SUGGEST}"' in page
    assert 'id="skill-suggestions"' in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("volunteer", 200), ("coordinator", 200), ("supervisor", 200), ("other_volunteer", 404),
     ("member", 404), ("ambassador", 404)],
)  # fmt: skip
def test_a_profile_is_read_by_the_team_and_its_volunteer_only(cast, who, status):
    cast.client("volunteer").post(PROFILE, profile_post(skills=[("hydraulics", 3)]))
    profile = VolunteerProfile.objects.get(user=cast.volunteer)
    response = cast.client(who).get(reverse("volunteers:volunteer_detail", args=[profile.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Hydraulics" in text(response)
        assert "Expert" in text(response)


def test_an_unknown_profile_id_is_not_found(cast):
    response = cast.client("coordinator").get(reverse("volunteers:volunteer_detail", args=[999]))
    assert response.status_code == 404


def test_a_coordinator_appoints_and_removes_an_ambassador(cast, django_capture_on_commit_callbacks):
    campus = CampusFactory(name="INSA Lyon", short_name="INSA", slug="insa-lyon")
    coordinator = cast.client("coordinator")
    url = reverse("volunteers:ambassador_add", args=[campus.pk])

    response = coordinator.post(url, {"email": "nobody@example.org"})
    assert "ask the student to sign up first" in field_error(response, "email")
    assert 'value="nobody@example.org"' in text(response)
    assert not Ambassadorship.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(url, {"email": cast.other_volunteer.email.upper()})
    assert response.status_code == 302
    assert Role.AMBASSADOR in roles_of(cast.other_volunteer)
    assert mail.outbox[-1].to == [cast.other_volunteer.email]
    assert "ambassador of INSA Lyon" in mail.outbox[-1].subject
    assert "Vera Volontaire" in text(coordinator.get(reverse("volunteers:campus_list")))

    again = coordinator.post(url, {"email": cast.other_volunteer.email})
    assert "already an ambassador" in field_error(again, "email")

    remove = reverse("volunteers:ambassador_remove", args=[campus.pk, cast.other_volunteer.pk])
    assert cast.client("ambassador").post(remove).status_code == 403
    assert coordinator.post(remove).status_code == 302
    assert not Ambassadorship.objects.exists()
    assert Role.AMBASSADOR not in roles_of(cast.other_volunteer)


def test_the_campus_list_lists_ambassadors_in_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    for i in range(6):
        campus = CampusFactory(slug=f"campus-{i}")
        Ambassadorship.objects.create(user=cast.ambassador, campus=campus)
    client = cast.client("coordinator")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("volunteers:campus_list"))
    assert text(response).count("Amina Ambassadrice") == 6


def test_the_profile_page_stays_cheap_with_many_skills(cast, django_assert_max_num_queries):
    slugs = list(Skill.objects.values_list("slug", flat=True)[:12])
    client = cast.client("volunteer")
    client.post(PROFILE, profile_post(
        skills=[(slug, 2) for slug in slugs], windows=[(in_weeks(1), in_weeks(4), 3)]
    ))  # fmt: skip
    assert Availability.objects.count() == 1
    with django_assert_max_num_queries(12):
        response = client.get(PROFILE)
    assert response.status_code == 200
    # Two spare rows after the twelve skills.
    assert 'name="skill_13"' in text(response)
    assert 'name="skill_14"' not in text(response)
