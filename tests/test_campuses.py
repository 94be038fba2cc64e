"""Campuses (the home campus and partner schools), managed by the coordination team."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from soscience.volunteers.models import Campus
from tests.factories import CampusFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', text(response), re.S)
    return match.group(1) if match else ""


def campus_post(**overrides) -> dict:
    data = {
        "name": "École des Mines de Nancy",
        "short_name": "Mines Nancy",
        "slug": "mines-nancy",
        "city": "Nancy",
        "country": "FR",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_a_coordinator_lists_adds_and_edits_campuses(cast):
    CampusFactory(name="ESPCI Paris", short_name="ESPCI", slug="espci", is_home=True)
    coordinator = cast.client("coordinator")
    page = text(coordinator.get(reverse("volunteers:campus_list")))
    assert "ESPCI Paris" in page
    assert "Home campus" in page

    response = coordinator.post(reverse("volunteers:campus_create"), campus_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:campus_list")
    campus = Campus.objects.get(slug="mines-nancy")
    assert (campus.city, campus.is_home, campus.is_active) == ("Nancy", False, True)

    edit_url = reverse("volunteers:campus_edit", kwargs={"pk": campus.pk})
    assert 'value="Mines Nancy"' in text(coordinator.get(edit_url))
    response = coordinator.post(edit_url, campus_post(city="Metz", is_active=""))
    assert response.status_code == 302
    campus.refresh_from_db()
    assert (campus.city, campus.is_active) == ("Metz", False)
    assert "inactive" in text(coordinator.get(reverse("volunteers:campus_list")))


def test_a_second_home_campus_is_refused_with_a_clear_message(cast):
    CampusFactory(name="ESPCI Paris", short_name="ESPCI", slug="espci", is_home=True)
    coordinator = cast.client("coordinator")
    response = coordinator.post(reverse("volunteers:campus_create"), campus_post(is_home="on"))
    assert response.status_code == 200
    assert "ESPCI Paris is already the home campus" in field_error(response, "is_home")
    assert 'value="École des Mines de Nancy"' in text(response)
    assert not Campus.objects.filter(slug="mines-nancy").exists()


def test_making_a_partner_the_home_campus_is_refused_while_another_is(cast):
    CampusFactory(name="ESPCI Paris", short_name="ESPCI", slug="espci", is_home=True)
    partner = CampusFactory(name="ESTP Paris", short_name="ESTP", slug="estp")
    edit_url = reverse("volunteers:campus_edit", kwargs={"pk": partner.pk})
    data = campus_post(name="ESTP Paris", slug="estp", is_home="on")
    response = cast.client("coordinator").post(edit_url, data)
    assert "ESPCI Paris is already the home campus" in field_error(response, "is_home")
    partner.refresh_from_db()
    assert not partner.is_home


def test_the_home_campus_keeps_its_role_when_edited(cast):
    home = CampusFactory(name="ESPCI Paris", short_name="ESPCI", slug="espci", is_home=True)
    edit_url = reverse("volunteers:campus_edit", kwargs={"pk": home.pk})
    data = campus_post(name="ESPCI Paris", slug="espci", is_home="on", city="Paris 5e")
    assert cast.client("coordinator").post(edit_url, data).status_code == 302
    home.refresh_from_db()
    assert (home.is_home, home.city) == (True, "Paris 5e")


def test_a_taken_slug_or_a_missing_city_is_shown_next_to_the_field(cast):
    CampusFactory(slug="mines-nancy")
    response = cast.client("coordinator").post(
        reverse("volunteers:campus_create"), campus_post(city="")
    )
    assert response.status_code == 200
    assert field_error(response, "slug")
    assert "This field is required." in field_error(response, "city")
    assert Campus.objects.count() == 1


@pytest.mark.parametrize("who", ["supervisor", "member", "other_member", "volunteer", "ambassador"])
def test_only_coordinators_manage_campuses(cast, who):
    campus = CampusFactory(city="Paris")
    client = cast.client(who)
    edit_url = reverse("volunteers:campus_edit", kwargs={"pk": campus.pk})
    assert client.get(reverse("volunteers:campus_list")).status_code == 403
    assert client.get(reverse("volunteers:campus_create")).status_code == 403
    assert client.post(reverse("volunteers:campus_create"), campus_post()).status_code == 403
    assert client.post(edit_url, campus_post(city="Lyon")).status_code == 403
    assert Campus.objects.count() == 1
    campus.refresh_from_db()
    assert campus.city == "Paris"


def test_visitors_are_sent_to_log_in(cast):
    response = cast.client(None).get(reverse("volunteers:campus_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_campus_is_404(cast):
    edit_url = reverse("volunteers:campus_edit", kwargs={"pk": 999999})
    assert cast.client("coordinator").get(edit_url).status_code == 404
