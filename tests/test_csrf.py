"""CSRF (ASVS 4.2.2): a sample of the views that change something, posted by a browser that
enforces the check as a real one does. Without the form's token the answer is 403 and nothing
changes; a token from another browser is refused the same way; with the page's own token the
action is done."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.api.models import ApiToken
from soscience.applications.models import Application, TeamMember
from soscience.core.models import Domain
from soscience.missions.models import Mission
from soscience.needs.models import Need
from tests.factories import PASSWORD, MissionFactory
from tests.tally import tally


@dataclass(frozen=True)
class Action:
    """Who posts what where; ``page`` is where the form (and its token) is shown, ``done``
    tells whether the action happened."""

    who: str
    page: str
    post: str
    data: dict[str, object]
    done: Callable[[], bool]


def browser(cast, who: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(getattr(cast, who))
    return client


def token_on(page) -> str:
    assert page.status_code == 200, page.status_code
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, "no CSRF token in the form"
    return match.group(1)


def _open_mission(cast) -> Mission:
    return MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, status=Mission.Status.OPEN,
        published_at=timezone.now(), created_by=cast.coordinator,
    )  # fmt: skip


def _need(cast) -> Action:
    data = {
        "title": "Cloudy well water at the school",
        "problem": "After each rain the well turns brown; 300 pupils drink it.",
        "context": "Rural primary school.", "already_tried": "Cloth filters.",
        "desired_outcome": "A filter the teachers can build.",
        "domains": [Domain.objects.get(slug="water").pk], "country": "SN", "city": "Thiès",
        "deadline": "",
    }  # fmt: skip
    url = reverse("needs:submit")
    return Action("member", url, url, data, lambda: Need.objects.exists())


def _application(cast) -> Action:
    mission = _open_mission(cast)
    url = reverse("applications:apply", args=[mission.pk])
    data = {"motivation": "I built sand filters.", "availability_confirmed": "on"}
    return Action(
        "volunteer", url, url, data,
        lambda: Application.objects.filter(volunteer=cast.volunteer).exists(),
    )  # fmt: skip


def _selection(cast) -> Action:
    mission = _open_mission(cast)
    application = Application.objects.create(
        mission=mission, volunteer=cast.volunteer, status=Application.Status.APPLIED,
        motivation="Filters.", availability_confirmed=True, applied_at=timezone.now(),
    )  # fmt: skip
    return Action(
        "coordinator", reverse("applications:mission_applications", args=[mission.pk]),
        reverse("applications:select", args=[application.pk]), {"role": "member"},
        lambda: TeamMember.objects.filter(application=application).exists(),
    )  # fmt: skip


def _erasure(cast) -> Action:
    url = reverse("privacy:erase")
    return Action(
        "volunteer", url, url, {"password": PASSWORD},
        lambda: User.objects.get(pk=cast.volunteer.pk).anonymised_at is not None,
    )  # fmt: skip


def _api_token(cast) -> Action:
    url = reverse("api:tokens")
    return Action(
        "volunteer", url, url, {"name": "My script", "valid_for": "30"},
        lambda: ApiToken.objects.exists(),
    )  # fmt: skip


ACTIONS = {
    "a need submission": _need,
    "an application": _application,
    "a selection": _selection,
    "the erasure of my account": _erasure,
    "an API token": _api_token,
}


@pytest.mark.parametrize("name", ACTIONS)
def test_without_the_token_nothing_changes_with_it_the_action_is_done(name, cast):
    action = ACTIONS[name](cast)
    client = browser(cast, action.who)
    token = token_on(client.get(action.page))

    refused = client.post(action.post, action.data)
    assert refused.status_code == 403
    assert "This form has expired" in refused.content.decode()  # our page, in our layout
    assert not action.done()

    # A token from someone else's page does not fit this browser's cookie.
    stranger = browser(cast, "other_volunteer")
    stolen = token_on(stranger.get(reverse("accounts:preferences")))
    assert (
        client.post(action.post, {**action.data, "csrfmiddlewaretoken": stolen}).status_code == 403
    )
    assert not action.done()

    done = client.post(action.post, {**action.data, "csrfmiddlewaretoken": token})
    assert done.status_code in (200, 302)
    assert action.done()
    tally("CSRF refusals checked", 2)
