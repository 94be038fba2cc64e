"""Every list page and API list endpoint costs the same number of queries whatever the
number of rows it shows (issue 8, "Guards in the test suite"), and at most 15 where it can.

Each page of ``PAGES`` is shown with N rows, then with 3N: the two answers must cost the same
queries, the bigger one must show every row, and the count is pinned. The rows are built by
tests/query_counts/, each with its related objects (organisation, skills, domains, campus,
author...), so that a relation read once per row (an N+1) shows as a growing count.

Each client asks for the page once before it is measured: its first page records the browser
session (allauth's user sessions), once per log-in, not per page.

Every page of tests/test_access_table.py is either here or in ``NOT_LISTS`` with the reason,
so a new list page cannot ship without its count pinned.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soscience.core.page_cache import empty_caches
from tests.query_counts import mission as at_work
from tests.query_counts import public, team
from tests.query_counts.world import World
from tests.tally import tally

N = 3  # rows at first; then 3N
TARGET = 15  # issue 8: at most 15 queries for every main page
API = "/api/v1"


@dataclass(frozen=True)
class At:
    """Where a list is: a URL name (or an API path), the World's object it is about (whose
    ``key`` fills the URL), and a query string."""

    name: str
    about: str = ""
    key: str = "pk"
    query: str = ""

    def url(self, world: World) -> str:
        if self.name.startswith("/"):
            return self.name + self.query
        kwargs = {self.key: getattr(getattr(world, self.about), self.key)} if self.about else {}
        return reverse(self.name, kwargs=kwargs) + self.query


@dataclass(frozen=True)
class ListPage:
    role: str | None  # who reads it (a field of the cast), None: a visitor
    at: At
    add_row: Callable[[World, int], str]
    most: int = TARGET  # the pinned upper bound; above TARGET only with a reason
    newest: int = 0  # the page shows only this many rows, the newest (0: all of them)

    @property
    def api(self) -> bool:
        """Answered to a personal token rather than a session."""
        return self.at.name.startswith(API)


PAGES: dict[str, ListPage] = {
    # public
    "catalogue": ListPage(None, At("missions:catalogue"), public.catalogue_row),
    "home (latest missions)": ListPage(None, At("core:home"), public.catalogue_row, newest=3),
    "missions feed": ListPage(None, At("missions:feed"), public.catalogue_row),
    "cases library": ListPage(None, At("cases:list"), public.library_row),
    "events to come": ListPage(None, At("events:list"), public.upcoming_event_row),
    "events calendar feed": ListPage(None, At("events:feed"), public.upcoming_event_row),
    "past events": ListPage(None, At("events:past"), public.past_event_row),
    # volunteers
    "my applications": ListPage("volunteer", At("applications:mine"), public.my_application_row),
    "missions for me": ListPage("volunteer", At("matching:for_me"), public.mission_for_me_row),
    "notifications inbox": ListPage(
        "volunteer", At("notifications:inbox"), public.notification_row
    ),
    "my certificates": ListPage("volunteer", At("certificates:mine"), public.my_certificate_row),
    "working groups": ListPage("volunteer", At("groups:list"), public.group_row),
    "API tokens": ListPage("volunteer", At("api:tokens"), public.token_row),
    "volunteer dashboard": ListPage(
        "volunteer", At("core:dashboard"), public.volunteer_dashboard_row
    ),
    # organisations
    "member dashboard": ListPage("member", At("core:dashboard"), public.member_dashboard_row),
    "organisation members": ListPage(
        "member", At("organisations:detail", "organisation"), public.organisation_member_row
    ),
    # supervisors and missions at work
    "supervision": ListPage("supervisor", At("supervision:my_missions"), at_work.supervised_row),
    "supervisor dashboard": ListPage(
        "supervisor", At("core:dashboard"), at_work.supervisor_dashboard_row
    ),
    "equipment": ListPage("supervisor", At("equipment:list", "running"), at_work.equipment_row),
    "hours": ListPage("supervisor", At("equipment:hours", "running"), at_work.hours_row),
    "deliverables": ListPage(
        "supervisor", At("deliverables:list", "running"), at_work.deliverable_row
    ),
    # The mission space mixes eight kinds of rows (history, deliverables, equipment, news
    # with their files and replies, milestones, the team) and the closing panel (rights,
    # surveys, the note, the changes asked): a query each, none per row. Above the target
    # because of those parts; the reader's place on the team or in the organisation is asked
    # once (soscience.core.access.asked_once), the team read once by the view. The
    # supervisor follows the team's surveys and the note as well.
    "mission space timeline": ListPage(
        "supervisor", At("execution:space", "running"), at_work.space_row, most=21
    ),
    "mission applications": ListPage(
        "coordinator",
        At("applications:mission_applications", "open_mission"),
        at_work.applicant_row,
    ),
    "suggestions": ListPage(
        "coordinator", At("matching:suggestions", "open_mission"), at_work.suggested_row
    ),
    # 18: the matching engine reads the applicants' profiles in five queries (skills,
    # domains, availabilities, commitments, the profiles), besides the mission's skills and
    # domains, the applications, the team and its overlaps: none per applicant.
    "team builder": ListPage(
        "coordinator",
        At("matching:team_builder", "open_mission"),
        at_work.candidate_row,
        most=18,
    ),
    "mission certificates": ListPage(
        "coordinator", At("certificates:mission", "closed"), at_work.mission_certificate_row
    ),
    # the coordination team
    "triage queue": ListPage("coordinator", At("needs:triage"), team.triage_row),
    "organisations review queue": ListPage(
        "coordinator", At("organisations:review_queue"), team.review_queue_row
    ),
    "mission orders": ListPage("coordinator", At("missions:list"), team.order_row),
    "campuses": ListPage("coordinator", At("volunteers:campus_list"), team.campus_row),
    "skills": ListPage("coordinator", At("volunteers:skill_list", query="?q=Zzz"), team.skill_row),
    "unmatched terms": ListPage(
        "coordinator", At("volunteers:unmatched_terms"), team.unmatched_term_row
    ),
    "follow-ups": ListPage("coordinator", At("followup:list"), team.follow_up_row),
    "cases to manage": ListPage("coordinator", At("cases:manage"), team.case_manage_row),
    "events to manage": ListPage("coordinator", At("events:manage"), team.managed_event_row),
    "event registrations": ListPage(
        "coordinator", At("events:registrations", "event"), team.registration_row
    ),
    "event attendance sheet": ListPage(
        "coordinator", At("events:attendance", "event"), team.registration_row
    ),
    "working group posts": ListPage(
        "coordinator", At("groups:detail", "group"), team.group_post_row
    ),
    "prospects pipeline": ListPage("coordinator", At("prospects:pipeline"), team.prospect_row),
    "audit log": ListPage("coordinator", At("privacy:audit"), team.audit_row),
    "coordination team": ListPage("coordinator", At("accounts:team"), team.team_row),
    # the campus network
    "network home": ListPage("coordinator", At("network:home"), team.campus_row),
    "campus dashboard": ListPage(
        "ambassador", At("network:dashboard", "ambassador_campus", "slug"), team.dashboard_row
    ),
    "share kit links": ListPage(
        "coordinator", At("network:share_kit", "open_mission"), team.share_link_row
    ),
    "my suggested organisations": ListPage(
        "ambassador", At("prospects:suggest"), team.suggested_prospect_row
    ),
}

# The same lists read by someone else, or filtered: what is shown per row may differ.
CATALOGUE_FILTERS = "?domain=water&skill=hydraulics&campus=home&country=SN&remote=on"
PAGES.update(
    {
        "catalogue, filtered": ListPage(
            None, At("missions:catalogue", query=CATALOGUE_FILTERS), public.catalogue_row
        ),
        "cases library, filtered": ListPage(
            None, At("cases:list", query="?domain=water&country=SN"), public.library_row
        ),
        "triage queue, filtered": ListPage(
            "coordinator",
            At("needs:triage", query="?domain=water&country=SN&q=Eau"),
            team.triage_row,
        ),
        "organisations verified": ListPage(
            "coordinator",
            At("organisations:review_queue", query="?status=verified"),
            team.reviewed_organisation_row,
        ),
        "supervision, coordinator": ListPage(
            "coordinator", At("supervision:my_missions"), at_work.supervised_row
        ),
        "mission applications, supervisor": ListPage(
            "supervisor",
            At("applications:mission_applications", "open_mission"),
            at_work.applicant_row,
        ),
        "equipment, organisation": ListPage(
            "member", At("equipment:list", "running"), at_work.equipment_row
        ),
        "equipment, team": ListPage(
            "volunteer", At("equipment:list", "running"), at_work.equipment_row
        ),
        "hours, team": ListPage(
            "volunteer", At("equipment:hours", "running"), at_work.my_hours_row
        ),
        "deliverables, organisation": ListPage(
            "member", At("deliverables:list", "running"), at_work.deliverable_row
        ),
        # The space as above, without the supervisor's follow-up of the surveys.
        "mission space, organisation": ListPage(
            "member", At("execution:space", "running"), at_work.space_row, most=17
        ),
        "mission space, team": ListPage(
            "volunteer", At("execution:space", "running"), at_work.space_row, most=18
        ),
        "working groups, coordinator": ListPage("coordinator", At("groups:list"), public.group_row),
        "working group posts, member": ListPage(
            "volunteer", At("groups:detail", "group"), team.group_post_row
        ),
    }
)

# The JSON API's lists, to a visitor or to a personal token.
PAGES.update(
    {
        "API missions": ListPage(None, At(f"{API}/missions/"), public.catalogue_row),
        "API missions feed": ListPage(None, At(f"{API}/missions/feed.json"), public.catalogue_row),
        "API events": ListPage(None, At(f"{API}/events/"), public.upcoming_event_row),
        "API cases": ListPage(None, At(f"{API}/cases/"), public.library_row),
        "API my applications": ListPage(
            "volunteer", At(f"{API}/me/applications/"), public.my_application_row
        ),
        "API missions for me": ListPage(
            "volunteer", At(f"{API}/me/missions/"), public.mission_for_me_row
        ),
        "API my organisations' needs": ListPage(
            "member", At(f"{API}/me/needs/"), public.member_need_row
        ),
        "API my organisations' news": ListPage(
            "member", At(f"{API}/me/news/"), public.shared_news_row
        ),
    }
)

# Pages of the access table that are not lists, and why none is pinned here.
ONE_THING = "one object, a form or a file: no list grows on it"
ONE_THING_PAGES = (
    "accounts:invitation", "accounts:preferences", "applications:apply", "cases:detail",
    "cases:edit", "cases:file", "cases:reuse", "certificates:detail", "certificates:pdf",
    "certificates:verify", "certificates:verify_form", "closing:closing_note",
    "closing:org_survey", "closing:volunteer_survey", "core:healthz", "core:platform_settings",
    "deliverables:download", "equipment:hours_edit", "events:confirm", "events:create",
    "events:detail", "events:edit", "events:ics", "events:visitor_cancel",
    "execution:update_attachment", "followup:answer", "followup:thanks", "groups:create",
    "groups:edit", "groups:file_download", "missions:create", "missions:detail", "missions:edit",
    "missions:publish", "missions:version", "needs:attachment", "needs:edit", "needs:start",
    "needs:submit", "network:poster", "notifications:preferences", "organisations:edit",
    "organisations:proof", "organisations:register", "privacy:erase", "privacy:notice",
    "privacy:register", "prospects:create", "prospects:edit", "short:go",
    "volunteers:ambassador_add", "volunteers:campus_create", "volunteers:campus_edit",
    "volunteers:profile", "volunteers:skill_create", "volunteers:skill_edit",
    "volunteers:skill_merge", "volunteers:volunteer_detail", "GET /api/v1/", "GET /api/v1/me/",
    "GET /api/v1/me/profile/", "GET /api/v1/missions/{pk}/", "GET /api/v1/events/{slug}/",
    "GET /api/v1/cases/{slug}/",
)  # fmt: skip
NOT_LISTS: dict[str, str] = {
    **dict.fromkeys(ONE_THING_PAGES, ONE_THING),
    "admin:index": "Django's admin, not ours",
    "robots_txt": "a fixed text for crawlers",
    "usersessions_list": "allauth's page of one person's sessions",
    "privacy:export": "one person's own data, downloaded as a file",
    "missions:manage": "one order; its history is short (a line per change of status)",
    "needs:detail": "one need; its files and history are few",
    "prospects:detail": "one prospect; its contact log is short",
    "volunteers:skill_suggest": "a typeahead of at most a few skills, from an in-memory index",
    "exports:index": "the list of the exports (fixed)",
    "exports:table": "read in chunks: tests/test_impact_exports.py pins its queries",
    "exports:report": "aggregates: tests/test_impact.py pins the figures' queries",
    "impact:dashboard": "aggregates: tests/test_impact.py pins its queries",
    "impact:public": "aggregates: tests/test_impact.py pins its queries",
    "GET /api/v1/impact/": "the public impact figures: aggregates",
}


def queries_for(client: Client, url: str, **headers: str):
    """The queries one GET of ``url`` runs, and its answer, with nothing cached: a page or
    fragment served from the cache would hide what building it costs."""
    empty_caches()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return captured.captured_queries, response


def _reader(cast, page: ListPage) -> tuple[Client, dict[str, str]]:
    if not page.api:
        return cast.client(page.role), {}
    if page.role is None:
        return Client(), {}
    from soscience.api.services import token_create

    _token, key = token_create(user=getattr(cast, page.role), name="counts", valid_days=None)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_query_count_does_not_grow_with_the_rows(name, cast):
    page = PAGES[name]
    world = World(cast)
    client, headers = _reader(cast, page)
    shown = [page.add_row(world, i) for i in range(N)]
    url = page.at.url(world)
    client.get(url, **headers)  # the client's first page records its browser session
    few, _response = queries_for(client, url, **headers)
    shown += [page.add_row(world, i) for i in range(N, 3 * N)]
    many, response = queries_for(client, url, **headers)

    body = html.unescape(response.content.decode())
    expected = shown[-page.newest :] if page.newest else shown
    assert [text for text in expected if text not in body] == [], "rows missing from the page"
    assert len(many) == len(few), _growth(few, many)
    if page.most > TARGET:  # pinned exactly: a page above the target may not drift up
        assert len(many) == page.most, _listing(many)
    assert len(many) <= page.most, _listing(many)
    tally("pages with pinned query counts")


def test_every_page_is_a_pinned_list_or_says_why_not():
    from tests.test_access_table import API_TABLE, TABLE

    pages = {name for name, row in TABLE.items() if row.method == "get"}
    pages |= {route for route in API_TABLE if route.startswith("GET ")}
    pinned = {page.at.name for page in PAGES.values()}
    pinned = {f"GET {name}" if name.startswith("/") else name for name in pinned}
    assert sorted(pages - pinned - set(NOT_LISTS)) == [], "pages neither pinned nor explained"
    assert sorted((pinned | set(NOT_LISTS)) - pages) == [], "rows for pages that are gone"
    assert pinned & set(NOT_LISTS) == set()


def _listing(queries: list[dict]) -> str:
    return f"{len(queries)} queries:\n" + "\n".join(q["sql"][:160] for q in queries)


def _growth(few: list[dict], many: list[dict]) -> str:
    """The queries of the bigger page that the smaller did not run: the N+1."""
    seen = {q["sql"] for q in few}
    extra = "\n".join(q["sql"][:300] for q in many if q["sql"] not in seen)
    return f"{len(few)} queries with {N} rows, {len(many)} with {3 * N}:\n{extra}"
