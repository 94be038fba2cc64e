"""The REST API v1, the personal tokens page, the JSON feed and the missions' JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soscience.api.models import ApiToken
from soscience.api.services import token_create
from soscience.applications.models import Application
from soscience.cases.models import Case
from soscience.closing.models import OrganisationSurvey
from soscience.core.models import Domain
from soscience.events.models import Event
from soscience.execution.models import ProgressUpdate
from soscience.missions.models import Mission
from soscience.volunteers.models import VolunteerProfile
from tests.factories import CampusFactory, MissionFactory, NeedFactory, UserFactory

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The rate counters live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def bearer(user, name="script", **kwargs) -> dict[str, str]:
    _token, key = token_create(user=user, name=name, valid_days=kwargs.get("days"))
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def published(cast, **kwargs) -> Mission:
    defaults = {
        "organisation": cast.organisation, "status": Mission.Status.OPEN,
        "published_at": timezone.now(), "created_by": cast.coordinator,
    }  # fmt: skip
    return MissionFactory(**{**defaults, **kwargs})


def get(path: str, client: Client | None = None, **headers):
    return (client or Client()).get(f"{API}{path}", **headers)


# Public endpoints.


def test_open_missions_list_only_published_missions_with_the_card_fields(cast):
    mission = published(cast, title="Sand filter for Thiès")
    MissionFactory(organisation=cast.organisation, title="Still a draft")
    response = get("/missions/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["title"] == "Sand filter for Thiès"
    assert item["organisation_name"] == "Eau Claire Thiès"
    assert item["url"].endswith(f"/missions/{mission.pk}/")
    assert item["skills"][0]["slug"] == "water-treatment"
    # No private field of the order, ever.
    for private in ("equipment_budget", "supervisor", "need", "created_by", "confidentiality"):
        assert private not in item


def test_mission_detail_and_a_discreet_organisation_is_not_named(cast):
    public_one = published(cast)
    discreet = published(cast, confidentiality=Mission.Confidentiality.DISCREET)
    body = get(f"/missions/{public_one.pk}/").json()
    assert body["organisation"]["name"] == "Eau Claire Thiès"
    assert "equipment_budget" not in body
    secret = get(f"/missions/{discreet.pk}/")
    assert secret.status_code == 200
    text = secret.content.decode()
    assert "Eau Claire" not in text
    assert secret.json()["organisation"] is None
    assert secret.json()["organisation_name"] == "A partner organisation"


def test_a_mission_that_is_not_published_is_not_found(cast):
    draft = MissionFactory(organisation=cast.organisation)
    response = get(f"/missions/{draft.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert get("/missions/999999/").status_code == 404
    # Not even the organisation's member sees a draft through the API.
    assert get(f"/missions/{draft.pk}/", **bearer(cast.member)).status_code == 404


def test_missions_filters_and_pagination(cast):
    health = Domain.objects.exclude(slug="water").first()
    campus = CampusFactory(slug="insa")
    remote = published(cast, title="Remote water pump", work_mode=Mission.WorkMode.REMOTE)
    on_site = published(
        cast, title="Solar dryer", work_mode=Mission.WorkMode.ON_SITE, country="FR",
        domains=[health], skills=[("python", 2)],
    )  # fmt: skip
    on_site.campuses.add(campus)
    for _ in range(3):
        published(cast, work_mode=Mission.WorkMode.ON_SITE)

    def titles(query: str) -> list[str]:
        return [m["title"] for m in get(f"/missions/?{query}").json()["items"]]

    assert titles("remote=true") == [remote.title]
    assert titles("country=FR") == ["Solar dryer"]
    assert titles(f"domain={health.slug}") == ["Solar dryer"]
    assert titles("skill=python") == ["Solar dryer"]
    assert titles("campus=insa") == ["Solar dryer"]
    assert titles("q=dryer") == ["Solar dryer"]
    assert titles("q=nothing-like-this") == []

    first = get("/missions/?page_size=2").json()
    assert (first["count"], first["pages"], len(first["items"])) == (5, 3, 2)
    assert first["previous"] is None
    second = Client().get(first["next"]).json()
    assert second["page"] == 2
    assert {m["id"] for m in first["items"]}.isdisjoint({m["id"] for m in second["items"]})
    assert get("/missions/?page=9").json()["items"] == []


def test_bad_query_parameters_get_a_422_in_json(cast):
    for query in ("page=0", "page=abc", "page_size=1000", "remote=perhaps", f"q={'x' * 201}"):
        response = get(f"/missions/?{query}")
        assert response.status_code == 422, query
        body = response.json()
        assert body["code"] == "invalid_input"
        assert body["detail"]
        assert body["errors"]


def test_unknown_api_address_is_a_json_404(cast):
    response = get("/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_list_costs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for _ in range(12):
        published(cast)
    with django_assert_max_num_queries(6):
        assert len(get("/missions/?page_size=50").json()["items"]) == 12


def _event(cast, **kwargs) -> Event:
    start = timezone.now() + dt.timedelta(days=7)
    defaults = {
        "title": "Science for the social economy", "slug": "science-ess",
        "description": "A talk.", "starts_at": start, "ends_at": start + dt.timedelta(hours=2),
        "capacity": 40, "status": Event.Status.PUBLISHED, "created_by": cast.coordinator,
        "online": True, "online_url": "https://meet.example.org/secret-room",
    }  # fmt: skip
    return Event.objects.create(**{**defaults, **kwargs})


def test_published_events_only_and_never_the_link_to_join(cast):
    event = _event(cast)
    _event(cast, slug="draft-one", title="Draft", status=Event.Status.DRAFT)
    body = get("/events/").json()
    assert [e["slug"] for e in body["items"]] == ["science-ess"]
    assert "meet.example.org" not in json.dumps(body)
    assert get(f"/events/{event.slug}/").json()["title"] == event.title
    assert get("/events/draft-one/").status_code == 404


def test_impact_figures_are_aggregates(cast):
    body = get("/impact/").json()
    assert set(body) == {
        "missions_launched", "missions_closed", "organisations_served", "volunteers_engaged",
        "hours", "beneficiaries", "countries", "testimonials",
    }  # fmt: skip


def _case(cast, *, consent=True, discreet=False) -> Case:
    closed = MissionFactory(
        organisation=cast.organisation, status=Mission.Status.CLOSED, closed_at=timezone.now(),
        created_by=cast.coordinator,
        confidentiality=Mission.Confidentiality.DISCREET if discreet else "public",
    )  # fmt: skip
    OrganisationSurvey.objects.create(
        mission=closed, worked=5, applied="yes", local_impact="Clear water.", beneficiaries=300,
        recommend=9, case_consent=consent, answered_by=cast.member,
    )  # fmt: skip
    return Case.objects.create(
        mission=closed, slug=f"case-{closed.pk}", title="Sand filter", problem="Cloudy.",
        solution="A filter.", results="Clear.", created_by=cast.coordinator,
        status=Case.Status.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip


def test_published_cases_only_and_discreet_organisations_unnamed(cast):
    case = _case(cast)
    withdrawn_consent = _case(cast, consent=False)
    discreet = _case(cast, discreet=True)
    slugs = {c["slug"] for c in get("/cases/").json()["items"]}
    assert slugs == {case.slug, discreet.slug}
    assert get(f"/cases/{case.slug}/").json()["organisation_name"] == "Eau Claire Thiès"
    assert "Eau Claire" not in get(f"/cases/{discreet.slug}/").content.decode()
    assert get(f"/cases/{withdrawn_consent.slug}/").status_code == 404


def test_the_api_ignores_the_session_and_never_redirects_to_login(cast):
    response = cast.client("volunteer").get(f"{API}/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_missing"
    assert Client().get(f"{API}/openapi.json").json()["info"]["title"] == "SoScience API"


# Tokens: 401 in JSON, never a 500.


def test_missing_bad_revoked_and_expired_tokens_get_a_json_401(cast):
    missing = get("/me/")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"] == 'Bearer realm="soscience"'
    assert missing.json()["code"] == "token_missing"

    for header in ("Bearer nope", "bearer sos_" + "é" * 300):
        response = get("/me/", HTTP_AUTHORIZATION=header)
        assert (response.status_code, response.json()["code"]) == (401, "token_invalid")
        assert response["WWW-Authenticate"] == 'Bearer realm="soscience", error="invalid_token"'
    for header in ("Bearer ", "Basic dXNlcjpwYXNz"):
        response = get("/me/", HTTP_AUTHORIZATION=header)
        assert (response.status_code, response.json()["code"]) == (401, "token_missing")

    revoked, key = token_create(user=cast.volunteer, name="old", valid_days=None)
    revoked.revoked_at = timezone.now()
    revoked.save()
    response = get("/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert (response.status_code, response.json()["code"]) == (401, "token_revoked")

    expired, key = token_create(user=cast.volunteer, name="short", valid_days=30)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    response = get("/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert (response.status_code, response.json()["code"]) == (401, "token_expired")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    # A bad token is refused on public endpoints too: the client should learn it is dead.
    assert get("/missions/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_a_valid_token_names_its_owner_and_records_its_use(cast):
    headers = bearer(cast.volunteer)
    body = get("/me/", **headers).json()
    assert body["name"] == "Valentin Volontaire"
    assert body["roles"] == ["volunteer"]
    assert ApiToken.objects.get(user=cast.volunteer).last_used_at is not None
    # Only a hash is stored.
    key = headers["HTTP_AUTHORIZATION"].split()[1]
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert ApiToken.objects.get(user=cast.volunteer).prefix == key[:12]


def test_rate_limits_answer_429_with_retry_after(cast, settings):
    settings.SOSCIENCE_API_RATE_ANON = 3
    settings.SOSCIENCE_API_RATE_TOKEN = 5
    for _ in range(3):
        assert get("/impact/").status_code == 200
    limited = get("/impact/")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 61
    # A token has its own, larger budget.
    headers = bearer(cast.volunteer)
    assert [get("/me/", **headers).status_code for _ in range(6)] == [200] * 5 + [429]
    # Another person's token is counted apart.
    assert get("/me/", **bearer(cast.other_volunteer)).status_code == 200


# The volunteer's own data.


def test_a_volunteers_token_sees_their_profile_and_only_their_applications(cast):
    mission = published(cast)
    other_mission = published(cast)
    VolunteerProfile.objects.create(user=cast.volunteer, languages=["fr"], bio="Hydraulics.")
    mine = Application.objects.create(
        mission=mission, volunteer=cast.volunteer, status=Application.Status.APPLIED,
        motivation="Secret motivation", applied_at=timezone.now(),
        answer_by=timezone.localdate() + dt.timedelta(days=10),
    )  # fmt: skip
    theirs = Application.objects.create(
        mission=other_mission, volunteer=cast.other_volunteer,
        status=Application.Status.APPLIED, applied_at=timezone.now(),
    )  # fmt: skip
    headers = bearer(cast.volunteer)

    profile = get("/me/profile/", **headers).json()
    assert profile["bio"] == "Hydraulics."
    assert profile["languages"] == ["fr"]

    body = get("/me/applications/", **headers).json()
    assert [a["id"] for a in body["items"]] == [mine.pk]
    assert theirs.pk not in [a["id"] for a in body["items"]]
    assert body["items"][0]["status"] == "applied"
    assert body["items"][0]["answer_by"] is not None

    others = get("/me/applications/", **bearer(cast.other_volunteer)).json()
    assert [a["id"] for a in others["items"]] == [theirs.pk]
    # Someone without a profile: 404, as JSON.
    missing = get("/me/profile/", **bearer(cast.member))
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_missions_for_me_follows_the_page(cast):
    headers = bearer(cast.volunteer)
    body = get("/me/missions/", **headers).json()
    assert (body["has_profile"], body["matchable"], body["missions"]) == (False, False, [])
    VolunteerProfile.objects.create(user=cast.volunteer, languages=["fr"])
    body = get("/me/missions/", **headers).json()
    assert (body["has_profile"], body["matchable"]) == (True, False)


# The organisation member's data.


def test_a_member_sees_only_their_organisations_needs(cast):
    ours = NeedFactory(organisation=cast.organisation, submitted_by=cast.member)
    theirs = NeedFactory(organisation=cast.other_organisation, submitted_by=cast.other_member)
    body = get("/me/needs/", **bearer(cast.member)).json()
    assert [n["id"] for n in body["items"]] == [ours.pk]
    assert body["items"][0]["organisation_name"] == "Eau Claire Thiès"
    other = get("/me/needs/", **bearer(cast.other_member)).json()
    assert [n["id"] for n in other["items"]] == [theirs.pk]
    # A volunteer belongs to no organisation: nothing.
    assert get("/me/needs/", **bearer(cast.volunteer)).json()["count"] == 0


def test_mission_news_are_the_shared_updates_only(cast):
    mission = published(cast)
    author = UserFactory(full_name="Tom Team")
    shared = ProgressUpdate.objects.create(mission=mission, author=author, body="Pump works.")
    ProgressUpdate.objects.create(
        mission=mission, author=author, body="Internal doubts about the budget.",
        visibility=ProgressUpdate.Visibility.INTERNAL,
    )  # fmt: skip
    other = MissionFactory(organisation=cast.other_organisation, status=Mission.Status.OPEN)
    ProgressUpdate.objects.create(mission=other, author=author, body="Their news.")

    response = get("/me/news/", **bearer(cast.member))
    body = response.json()
    assert [u["id"] for u in body["items"]] == [shared.pk]
    assert body["items"][0]["author"] == "Tom Team"
    assert "Internal doubts" not in response.content.decode()
    assert "Their news" not in response.content.decode()
    filtered = get(f"/me/news/?mission={other.pk}", **bearer(cast.member)).json()
    assert filtered["items"] == []


# Conditional GET on the JSON feed.


def test_json_feed_lists_open_missions_and_answers_304_when_unchanged(cast):
    mission = published(cast, title="Sand filter")
    discreet = published(cast, confidentiality=Mission.Confidentiality.DISCREET)
    MissionFactory(organisation=cast.organisation, title="A draft")
    response = get("/missions/feed.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    ids = {item["id"] for item in feed["items"]}
    assert ids == {f"soscience:mission:{mission.pk}", f"soscience:mission:{discreet.pk}"}
    assert "Eau Claire" in response.content.decode()  # the public one is named
    by_id = {item["id"]: item for item in feed["items"]}
    assert by_id[f"soscience:mission:{discreet.pk}"]["_soscience"]["organisation"] == (
        "A partner organisation"
    )

    etag, modified = response["ETag"], response["Last-Modified"]
    assert get("/missions/feed.json", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert get("/missions/feed.json", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # A change: a new ETag and the whole feed again.
    mission.title = "Sand filter, second version"
    mission.save()
    changed = get("/missions/feed.json", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


# JSON-LD on the mission page.


def test_mission_page_carries_escaped_json_ld(cast):
    mission = published(cast, title='Filter </script><script>alert("x")</script> & co')
    response = Client().get(reverse("missions:detail", args=[mission.pk]))
    html = response.content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    assert "<script>alert" not in html
    data = json.loads(blocks[0])
    assert data["@type"] == "JobPosting"
    assert data["employmentType"] == "VOLUNTEER"
    assert data["title"] == mission.title
    assert data["hiringOrganization"]["name"] == "Eau Claire Thiès"


def test_json_ld_of_a_discreet_mission_does_not_name_the_organisation(cast):
    mission = published(cast, confidentiality=Mission.Confidentiality.DISCREET)
    html = Client().get(reverse("missions:detail", args=[mission.pk])).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "Eau Claire" not in block.group(1)
    assert json.loads(block.group(1))["hiringOrganization"]["name"] == "SoScience"


def test_catalogue_links_its_feeds(cast):
    html = Client().get(reverse("missions:catalogue")).content.decode()
    assert 'type="application/feed+json"' in html
    assert 'href="/api/v1/missions/feed.json"' in html
    assert 'type="application/atom+xml"' in html


# The tokens page.


def test_creating_a_token_shows_it_once_and_it_works(cast):
    client = cast.client("volunteer")
    response = client.post(reverse("api:tokens"), {"name": "My script", "valid_for": "90"})
    assert response.status_code == 200
    html = response.content.decode()
    key = re.search(r"<code>(sos_[\w-]+)</code>", html).group(1)
    assert get("/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    token = ApiToken.objects.get(user=cast.volunteer)
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=90)).date()
    # The list shows the start of the key only, never the key.
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "My script" in listing
    assert key not in listing
    assert token.prefix in listing


def test_a_token_without_a_name_is_refused_next_to_the_field(cast):
    client = cast.client("member")
    response = client.post(reverse("api:tokens"), {"name": "", "valid_for": "30"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()
    bad = client.post(reverse("api:tokens"), {"name": "Intranet", "valid_for": "7"})
    assert bad.context["form"].errors["valid_for"]
    assert bad.context["form"]["name"].value() == "Intranet"


def test_the_number_of_live_tokens_is_limited(cast):
    client = cast.client("volunteer")
    for n in range(10):
        token_create(user=cast.volunteer, name=f"t{n}", valid_days=None)
    response = client.post(reverse("api:tokens"), {"name": "one more", "valid_for": ""})
    assert "revoke one you no longer use" in response.content.decode()
    assert ApiToken.objects.filter(user=cast.volunteer).count() == 10


def test_revoking_a_token_stops_it_at_once(cast):
    token, key = token_create(user=cast.volunteer, name="old", valid_days=None)
    client = cast.client("volunteer")
    response = client.post(reverse("api:token_revoke"), {"token": token.pk}, follow=True)
    assert "was revoked" in response.content.decode()
    assert get("/me/", HTTP_AUTHORIZATION=f"Bearer {key}").json()["code"] == "token_revoked"
    again = client.post(reverse("api:token_revoke"), {"token": token.pk}, follow=True)
    assert "already revoked" in again.content.decode()


def test_someone_elses_token_cannot_be_revoked(cast):
    token, key = token_create(user=cast.volunteer, name="mine", valid_days=None)
    response = cast.client("other_volunteer").post(reverse("api:token_revoke"), {"token": token.pk})
    assert response.status_code == 404
    assert get("/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    # The page lists only one's own tokens.
    html = cast.client("other_volunteer").get(reverse("api:tokens")).content.decode()
    assert "mine" not in html


def test_the_tokens_page_is_for_signed_in_people(cast):
    response = Client().get(reverse("api:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_behind_the_proxy_each_client_address_has_its_own_budget(cast, settings):
    settings.SOSCIENCE_API_RATE_ANON = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert get("/impact/", **first).status_code == 200
    assert get("/impact/", **first).status_code == 429
    # A client cannot dodge the limit by sending its own X-Forwarded-For: the proxy's
    # entry, the last one, counts.
    assert get("/impact/", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.7").status_code == 429
    assert get("/impact/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
