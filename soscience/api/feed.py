"""The JSON Feed 1.1 of open missions, for other volunteering platforms to poll.

The whole list of open missions each time (a mission that leaves the feed is no longer
open), with an ETag and a Last-Modified date so a poller's conditional GET costs a 304.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router

from soscience.api import selectors
from soscience.api.auth import optional_token
from soscience.api.schemas import ERRORS, JsonFeed
from soscience.missions.feeds import plain_excerpt
from soscience.missions.models import Mission, MissionEvent

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
CONTENT_TYPE = "application/feed+json"
router = Router(auth=optional_token, tags=["feed"])


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _item(request: HttpRequest, mission: Mission) -> dict[str, Any]:
    domains = [str(d.name) for d in mission.domains.all()]
    return {
        "id": f"soscience:mission:{mission.pk}",
        "url": request.build_absolute_uri(reverse("missions:detail", kwargs={"pk": mission.pk})),
        "title": mission.title,
        "content_text": plain_excerpt(mission.problem, words=400),
        "summary": plain_excerpt(mission.problem, words=40),
        "date_published": _iso(mission.published_at),
        "date_modified": mission.updated_at.isoformat(),
        "tags": domains,
        # JSON Feed extensions start with an underscore (section "Extensions").
        "_soscience": {
            "organisation": mission.public_organisation_name,
            "country": mission.country.code,
            "city": mission.city,
            "work_mode": mission.work_mode,
            "start_date": mission.start_date.isoformat(),
            "end_date": mission.end_date.isoformat(),
            "team_size": mission.team_size,
            "hours_per_week": mission.hours_per_week,
            "languages": list(mission.languages),
            "domains": domains,
            "skills": [str(n.skill.name) for n in mission.skill_needs.all()],
            "campuses": [c.slug for c in mission.campuses.all()],
            "applications_close_on": mission.applications_close_on.isoformat()
            if mission.applications_close_on
            else None,
        },
    }


def feed_document(request: HttpRequest) -> dict[str, Any]:
    return {
        "version": JSON_FEED_VERSION,
        "title": _("SoScience: open missions"),
        "home_page_url": request.build_absolute_uri(reverse("missions:catalogue")),
        "feed_url": request.build_absolute_uri(request.path),
        "description": _(
            "Science and engineering missions for the social and solidarity economy that "
            "are open to volunteers, newest first."
        ),
        "language": get_language() or "fr",
        "items": [_item(request, m) for m in selectors.feed_missions()],
    }


def last_change() -> dt.datetime | None:
    """When the feed last changed: an open mission edited, or any mission's status changed
    (each change is a MissionEvent, so a mission leaving the feed counts too)."""
    edited = Mission.objects.published().aggregate(at=Max("updated_at"))["at"]
    moved = MissionEvent.objects.aggregate(at=Max("created_at"))["at"]
    return max((at for at in (edited, moved) if at is not None), default=None)


@router.get(
    "/missions/feed.json", response={200: JsonFeed, 304: None, **ERRORS},
    operation_id="missions_feed", by_alias=True,
    openapi_extra={"responses": {200: {"content": {CONTENT_TYPE: {
        "schema": {"$ref": "#/components/schemas/JsonFeed"}}}}}},
)  # fmt: skip
def missions_feed(request: HttpRequest) -> HttpResponse:
    """Every open mission as a JSON Feed 1.1 document (``_soscience`` holds the mission's
    facts). Send If-None-Match or If-Modified-Since: 304 when nothing changed."""
    body = json.dumps(feed_document(request), cls=DjangoJSONEncoder, ensure_ascii=False)
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    changed = last_change()
    response = HttpResponse(body, content_type=f"{CONTENT_TYPE}; charset=utf-8")
    response["ETag"] = etag
    if changed is not None:
        response["Last-Modified"] = http_date(changed.timestamp())
    patch_vary_headers(response, ("Accept-Language",))
    conditional = get_conditional_response(
        request, etag=etag, last_modified=int(changed.timestamp()) if changed else None,
        response=response,
    )  # fmt: skip
    return conditional or response
