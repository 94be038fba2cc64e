"""Every URL of the platform, for every role of the cast: who gets what.

A URL pattern that has no entry in ``TABLE`` (or in ``NOT_OURS``) makes
``test_every_url_is_in_the_table`` fail, so a new page cannot ship without its access rules
being decided and tested.

Codes: 200 ok, 302 redirect (to login for visitors, or after a POST action), 403 known but not
allowed, 404 not allowed to know it exists, 405 wrong method, 410 gone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from soscience.core.page_cache import empty_caches
from soscience.missions.models import Mission
from soscience.missions.services import mission_submit_for_approval
from soscience.needs.models import Need
from tests.conftest import ROLES_OF_CAST
from tests.factories import CampusFactory, MissionFactory, NeedFactory
from tests.tally import tally

ANON, COORD, SUP, MEMBER, OTHER, VOL, OVOL, AMB = ROLES_OF_CAST
EVERYONE = ROLES_OF_CAST
SIGNED_IN = ROLES_OF_CAST[1:]


@dataclass(frozen=True)
class Row:
    """Expected status for GET (or POST when ``method`` says so) per role."""

    kwargs: str  # key into the World's kwargs builders
    expect: dict[str | None, int]
    method: str = "get"


def only(allowed: tuple, ok: int = 200, others: int = 404, anon: int = 302) -> dict:
    """``ok`` for the allowed roles, ``others`` for the signed-in rest, ``anon`` for visitors."""
    return {r: (ok if r in allowed else anon if r is None else others) for r in ROLES_OF_CAST}


def coordinators(ok: int = 200) -> dict:
    return only((COORD,), ok=ok, others=403)


def public(ok: int = 200) -> dict:
    return dict.fromkeys(ROLES_OF_CAST, ok)


def signed_in(ok: int = 200) -> dict:
    return only(SIGNED_IN, ok=ok)


# Third-party URLs, tested by their own projects; listed by name so a new one is noticed.
# The JSON API answers tokens, not sessions: its operations have their own table below
# (API_TABLE), tried with no token and with a token of each role of the cast.
NOT_OURS_PREFIXES = ("admin:",)

TABLE: dict[str, Row] = {}
NOT_OURS: set[str] = set()


class World:
    """The objects every URL of the table is tried on, all belonging to ``cast.organisation``
    (so `other_member` is an outsider) and supervised by ``cast.supervisor``."""

    def __init__(self, cast) -> None:
        self.cast = cast
        self.campus = CampusFactory(is_home=True, slug="home")
        self.need = NeedFactory(organisation=cast.organisation, submitted_by=cast.member)
        self.attachment = self.need.attachments.create(
            original_name="plan.pdf", content_type="application/pdf", size=10,
            uploaded_by=cast.member, file=_saved_pdf(),
        )  # fmt: skip
        scoping = NeedFactory(organisation=cast.organisation, status=Need.Status.SCOPING)
        self.scoping_need = scoping
        self.order = MissionFactory(
            organisation=cast.organisation, need=scoping, supervisor=cast.supervisor,
            created_by=cast.coordinator,
        )  # fmt: skip
        self.version = mission_submit_for_approval(mission=self.order, by=cast.coordinator)
        self.published = MissionFactory(
            organisation=cast.organisation, supervisor=cast.supervisor,
            status=Mission.Status.OPEN, published_at=timezone.now(),
            created_by=cast.coordinator,
        )  # fmt: skip
        self.invitation_token = _invitation(cast).token
        self.application, self.team_member = self._applications(cast)
        self.profile, self.skill, self.ambassadorship = self._volunteers(cast)
        self.equipment_request, self.loan = _equipment(self)
        self.hours_entry = _hours(self)
        self.milestone, self.update, self.update_file = _execution(self)
        self.deliverable = _deliverable(self)
        self.certificate = _certificate(self)
        self.followup_token = _followup_token(self)
        self.case, self.case_file = _case(self)
        self.share_link = _share_link(self)
        self.event, self.event_registration = _event(self)
        self.group, self.group_file = _group(self)
        self.prospect = _prospect(self)

    def _applications(self, cast):
        """cast.volunteer applied to the published mission; someone else is on its team."""
        from soscience.accounts.roles import Role
        from soscience.applications.models import Application, TeamMember
        from tests.factories import UserFactory

        application = Application.objects.create(
            mission=self.published, volunteer=cast.volunteer, status=Application.Status.APPLIED,
            motivation="I filter water.", availability_confirmed=True, applied_at=timezone.now(),
        )  # fmt: skip
        selected = Application.objects.create(
            mission=self.published, volunteer=UserFactory(roles=[Role.VOLUNTEER]),
            status=Application.Status.SELECTED, applied_at=timezone.now(),
        )  # fmt: skip
        member = TeamMember.objects.create(
            mission=self.published, application=selected, volunteer=selected.volunteer,
            seat=1, capacity=self.published.team_size,
        )  # fmt: skip
        return application, member

    def _volunteers(self, cast):
        """cast.volunteer's profile, a skill of the taxonomy, the ambassador on the campus."""
        from soscience.volunteers.models import Ambassadorship, Skill, VolunteerProfile

        profile = VolunteerProfile.objects.create(user=cast.volunteer, languages=["fr"])
        ambassadorship = Ambassadorship.objects.create(user=cast.ambassador, campus=self.campus)
        return profile, Skill.objects.get(slug="python"), ambassadorship

    def kwargs(self, key: str) -> dict:
        return {
            "": {},
            "organisation": {"pk": self.cast.organisation.pk},
            "need": {"pk": self.need.pk},
            "attachment": {"need_pk": self.need.pk, "pk": self.attachment.pk},
            "scoping_need": {"need_pk": self.scoping_need.pk},
            "order": {"pk": self.order.pk},
            "version": {"pk": self.order.pk, "number": self.version.number},
            "published": {"pk": self.published.pk},
            "campus": {"pk": self.campus.pk},
            "note": {"kind": "need", "pk": self.need.pk},
            "invitation": {"token": self.invitation_token},
            "application": {"pk": self.application.pk},
            "team_member": {"pk": self.team_member.pk},
            "profile": {"pk": self.profile.pk},
            "skill": {"pk": self.skill.pk},
            "ambassadorship": {"pk": self.campus.pk, "user_pk": self.ambassadorship.user_id},
            "equipment_request": {"pk": self.equipment_request.pk},
            "loan": {"pk": self.loan.pk},
            "hours_entry": {"pk": self.hours_entry.pk},
            "milestone": {"pk": self.milestone.pk},
            "update": {"pk": self.update.pk},
            "update_file": {"update_pk": self.update.pk, "pk": self.update_file.pk},
            "deliverable": {"pk": self.deliverable.pk},
            "certificate": {"pk": self.certificate.pk},
            "certificate_code": {"code": self.certificate.code},
            "followup": {"token": self.followup_token},
            "case": {"slug": self.case.slug},
            "case_pk": {"pk": self.case.pk},
            "case_file": {"slug": self.case.slug, "pk": self.case_file.pk},
            "case_mission": {"pk": self.case.mission_id},
            "export_table": {"table": "missions", "fmt": "csv"},
            "report_year": {"year": "2026"},
            "campus_slug": {"slug": self.campus.slug},
            "share_link": {"code": self.share_link.code},
            "event": {"slug": self.event.slug},
            "event_pk": {"pk": self.event.pk},
            "event_confirm": {"token": _event_token("confirm", self.event_registration)},
            "event_cancel": {"token": _event_token("cancel", self.event_registration)},
            "group": {"pk": self.group.pk},
            "group_file": {"pk": self.group_file.pk},
            "prospect": {"pk": self.prospect.pk},
        }[key]


def _saved_pdf():
    from django.core.files.base import ContentFile

    from tests.factories import PDF_BYTES

    return ContentFile(PDF_BYTES, name="plan.pdf")


def _execution(world):
    """The published mission's space: a milestone and shared news with a PDF by its team."""
    from soscience.execution.models import Milestone, ProgressUpdate

    milestone = Milestone.objects.create(
        mission=world.published, title="Prototype", planned_on=world.published.end_date
    )
    update = ProgressUpdate.objects.create(
        mission=world.published, author=world.team_member.volunteer, body="Pump works."
    )
    file = update.attachments.create(
        original_name="plan.pdf", content_type="application/pdf", size=10, file=_saved_pdf()
    )
    return milestone, update, file


def _deliverable(world):
    """A report delivered by someone on the published mission's team (none of the cast)."""
    from soscience.execution.models import Deliverable

    return Deliverable.objects.create(
        mission=world.published, title="Report", original_name="report.pdf",
        content_type="application/pdf", size=10, file=_saved_pdf(),
        uploaded_by=world.team_member.volunteer,
    )  # fmt: skip


def _followup_token(world):
    """The survey link of a follow-up sent about a mission of the organisation closed months
    ago (the token is the secret: whoever holds it may answer)."""
    from soscience.closing.models import FollowUp
    from soscience.closing.services_followup import followup_token

    closed = MissionFactory(
        organisation=world.cast.organisation, supervisor=world.cast.supervisor,
        status=Mission.Status.CLOSED, closed_at=timezone.now(), created_by=world.cast.coordinator,
    )  # fmt: skip
    followup = FollowUp.objects.create(
        mission=closed, months=6, due_on=timezone.localdate(), sent_at=timezone.now()
    )
    return followup_token(followup)


def _case(world):
    """A published case of a closed mission of the organisation (which agreed in its closing
    survey), offering one of the mission's deliverables."""
    from soscience.cases.models import Case
    from soscience.closing.models import OrganisationSurvey
    from soscience.execution.models import Deliverable

    closed = MissionFactory(
        organisation=world.cast.organisation, supervisor=world.cast.supervisor,
        status=Mission.Status.CLOSED, closed_at=timezone.now(), created_by=world.cast.coordinator,
    )  # fmt: skip
    OrganisationSurvey.objects.create(
        mission=closed, worked=5, applied="yes", local_impact="Clear water.", beneficiaries=300,
        recommend=9, case_consent=True, answered_by=world.cast.member,
    )  # fmt: skip
    file = Deliverable.objects.create(
        mission=closed, title="Build guide", original_name="guide.pdf",
        content_type="application/pdf", size=10, file=_saved_pdf(),
        uploaded_by=world.cast.supervisor,
    )  # fmt: skip
    case = Case.objects.create(
        mission=closed, slug="sand-filter", title="Sand filter", problem="Cloudy water.",
        solution="A slow sand filter.", results="Clear water.", created_by=world.cast.coordinator,
        status=Case.Status.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip
    case.files.add(file)
    return case, file


def _event(world):
    """A published conference on the home campus next week, and a visitor's registration
    waiting for its email confirmation."""
    import datetime as dt

    from soscience.events.models import Event, Registration

    starts = timezone.now() + dt.timedelta(days=7)
    event = Event.objects.create(
        title="Water and science", slug="water-and-science", description="Talks.",
        campus=world.campus, room="Amphi A", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), capacity=30, status=Event.Status.PUBLISHED,
        created_by=world.cast.coordinator,
    )  # fmt: skip
    registration = Registration.objects.create(
        event=event, name="Vic Visitor", email="vic@example.org",
        status=Registration.Status.UNCONFIRMED,
    )  # fmt: skip
    return event, registration


def _event_token(kind, registration):
    from soscience.events import tokens

    return getattr(tokens, f"{kind}_token")(registration)


def _share_link(world):
    """cast.ambassador's short link to the published mission (offered to every campus) for
    a poster on the home campus."""
    from soscience.network.models import ShareLink

    return ShareLink.objects.create(
        code="posterab", mission=world.published, campus=world.campus, channel="poster",
        ambassador=world.cast.ambassador, created_by=world.cast.ambassador,
    )  # fmt: skip


def _certificate(world):
    """cast.volunteer's certificate for a closed mission of the organisation."""
    import datetime as dt

    from soscience.certificates.models import Certificate

    closed = MissionFactory(
        organisation=world.cast.organisation, supervisor=world.cast.supervisor,
        status=Mission.Status.CLOSED, closed_at=timezone.now(), created_by=world.cast.coordinator,
    )  # fmt: skip
    return Certificate.objects.create(
        code="ABCD-EFGH-JK23", mission=closed, volunteer=world.cast.volunteer, language="en",
        volunteer_name=world.cast.volunteer.full_name, mission_title=closed.title,
        organisation_name=world.cast.organisation.name, start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 3, 2), hours=12, skills=["Water treatment"],
    )  # fmt: skip


def _equipment(world):
    """A kit requested by, and a multimeter lent to, someone on the published mission's
    team (none of the cast)."""
    from soscience.execution.models import EquipmentRequest, Loan

    volunteer, today = world.team_member.volunteer, timezone.localdate()
    request = EquipmentRequest.objects.create(
        mission=world.published, requested_by=volunteer, item="Kit", reason="Prototype",
        estimated_cost=10,
    )  # fmt: skip
    loan = Loan.objects.create(
        mission=world.published, item="Multimeter", lent_to=volunteer, lent_by=volunteer,
        lent_on=today, due_back_on=today,
    )  # fmt: skip
    return request, loan


def _hours(world):
    """Validated hours of someone on the published mission's team (none of the cast)."""
    from soscience.execution.models import HoursEntry

    return HoursEntry.objects.create(
        mission=world.published, volunteer=world.team_member.volunteer,
        worked_on=timezone.localdate(), hours=2, description="Drawings",
        validated_by=world.cast.supervisor, validated_at=timezone.now(),
    )  # fmt: skip


def _group(world):
    """A working group with cast.volunteer as its only member, and a file it shared."""
    from soscience.groups.models import GroupMember, WorkingGroup

    group = WorkingGroup.objects.create(
        title="Filters", description="Water filters.", created_by=world.cast.coordinator
    )
    GroupMember.objects.create(group=group, user=world.cast.volunteer)
    shared = group.files.create(
        original_name="plan.pdf", content_type="application/pdf", size=10, file=_saved_pdf(),
        uploaded_by=world.cast.volunteer,
    )  # fmt: skip
    return group, shared


def _prospect(world):
    """An organisation the team approaches, suggested by cast.ambassador."""
    from soscience.prospects.models import Prospect

    return Prospect.objects.create(
        name="Atelier Solaire", source=Prospect.Source.AMBASSADOR,
        ambassador=world.cast.ambassador, created_by=world.cast.ambassador,
    )  # fmt: skip


def _invitation(cast):
    from soscience.accounts.models import Invitation

    return Invitation.objects.create(
        email="new.member@example.org", role="supervisor", invited_by=cast.coordinator
    )


# Expectations. POST rows are tried with an empty form: an allowed role reaches the view's
# logic (302 back with a message, or 200 re-displaying the form with errors).
ORDER_READERS = (COORD, SUP, MEMBER)
ORG_PEOPLE = (COORD, MEMBER)

TABLE.update(
    {
        # core
        "core:home": Row("", public()),
        "core:healthz": Row("", public()),
        "robots_txt": Row("", public()),
        "core:set_language": Row("", public(302), method="post"),
        "core:dashboard": Row("", signed_in()),
        "core:note_add": Row("note", coordinators(302), method="post"),
        "core:platform_settings": Row("", coordinators()),
        # privacy: the audit log is the coordination team's (others may know it exists: 403)
        "privacy:audit": Row("", coordinators()),
        # accounts
        "accounts:preferences": Row("", signed_in()),
        "accounts:team": Row("", coordinators()),
        # The token is the secret: anyone holding it sees the invitation (a signed-in person
        # with another address is told it was sent to someone else).
        "accounts:invitation": Row("invitation", public()),
        # organisations
        "organisations:register": Row("", signed_in()),
        "organisations:review_queue": Row("", coordinators()),
        "organisations:detail": Row("organisation", only(ORG_PEOPLE)),
        # A verified organisation is locked for its members: they know it, may not edit it.
        "organisations:edit": Row("organisation", {**only(ORG_PEOPLE), MEMBER: 403}),
        "organisations:proof": Row("organisation", only(ORG_PEOPLE)),
        "organisations:verify": Row("organisation", coordinators(302), method="post"),
        "organisations:reject": Row("organisation", coordinators(200), method="post"),
        "organisations:member_add": Row("organisation", only(ORG_PEOPLE, ok=200), method="post"),
        # needs
        "needs:start": Row("", public()),
        "needs:submit": Row("", {**signed_in(302), COORD: 200, MEMBER: 200, OTHER: 200}),
        "needs:triage": Row("", coordinators()),
        "needs:detail": Row("need", only(ORG_PEOPLE)),
        "needs:edit": Row("need", only(ORG_PEOPLE)),
        "needs:withdraw": Row("need", only(ORG_PEOPLE, ok=302), method="post"),
        "needs:attachment": Row("attachment", only(ORG_PEOPLE)),
        "needs:take": Row("need", coordinators(302), method="post"),
        "needs:decline": Row("need", coordinators(200), method="post"),
        "needs:duplicate": Row("need", coordinators(200), method="post"),
        # mission orders: the team writes, the organisation approves, the supervisor reads along
        "missions:list": Row("", coordinators()),
        "missions:create": Row("scoping_need", coordinators()),
        "missions:manage": Row("order", only(ORDER_READERS)),
        "missions:version": Row("version", only(ORDER_READERS)),
        "missions:edit": Row("order", {**only(ORDER_READERS), SUP: 403, MEMBER: 403}),
        "missions:submit": Row(
            "order", {**only(ORDER_READERS, ok=302), SUP: 403, MEMBER: 403}, method="post"
        ),
        "missions:publish": Row("order", {**only(ORDER_READERS), SUP: 403, MEMBER: 403}),
        "missions:unpublish": Row(
            "published", {**only(ORDER_READERS, ok=200), SUP: 403, MEMBER: 403}, method="post"
        ),
        "missions:approve": Row(
            "order", {**only(ORDER_READERS, ok=302), COORD: 403, SUP: 403}, method="post"
        ),
        "missions:request_changes": Row(
            "order", {**only(ORDER_READERS, ok=302), COORD: 403, SUP: 403}, method="post"
        ),
        # public catalogue
        "missions:catalogue": Row("", public()),
        "missions:detail": Row("published", public()),
        "missions:feed": Row("", public()),
        # campuses
        "volunteers:campus_list": Row("", coordinators()),
        "volunteers:campus_create": Row("", coordinators()),
        "volunteers:campus_edit": Row("campus", coordinators()),
        "volunteers:ambassador_add": Row("campus", coordinators()),
        "volunteers:ambassador_remove": Row("ambassadorship", coordinators(302), method="post"),
        # volunteer profiles: anyone signed in may fill one in (and so become a volunteer);
        # a profile is read by the coordination team and its volunteer, unknown to others
        "volunteers:profile": Row("", signed_in()),
        "volunteers:volunteer_detail": Row("profile", only((COORD, SUP, VOL))),
        # the skills taxonomy: the typeahead serves every profile form; the rest is the team's
        "volunteers:skill_suggest": Row("", signed_in()),
        "volunteers:skill_list": Row("", coordinators()),
        "volunteers:skill_create": Row("", coordinators()),
        "volunteers:skill_edit": Row("skill", coordinators()),
        "volunteers:skill_merge": Row("skill", coordinators()),
        "volunteers:unmatched_terms": Row("", coordinators()),
        # applications: volunteers apply and see only their own; the coordination team
        # decides; the mission's supervisor reads along; the mission is public, so others: 403
        "applications:apply": Row("published", only((VOL, OVOL), others=403)),
        "applications:mine": Row("", signed_in()),
        "applications:withdraw": Row("application", only((VOL,)), method="post"),
        "applications:mission_applications": Row("published", only((COORD, SUP), others=403)),
        "applications:invite": Row("published", coordinators(200), method="post"),
        "applications:shortlist": Row("application", coordinators(302), method="post"),
        "applications:select": Row("application", coordinators(302), method="post"),
        "applications:decline": Row("application", coordinators(200), method="post"),
        "applications:remove": Row("team_member", coordinators(302), method="post"),
        # matching: the coordination team reads the suggestions (the mission's supervisor
        # along) and builds the team; the mission is public, so others: 403. "Missions for
        # me" is everyone's own page (without a volunteer profile it says how to make one).
        "matching:suggestions": Row("published", only((COORD, SUP), others=403)),
        "matching:team_builder": Row("published", coordinators()),
        "matching:for_me": Row("", signed_in()),
        # notifications: everyone has their own inbox, no id in the URL
        "notifications:inbox": Row("", signed_in()),
        "notifications:mark_read": Row("", signed_in(302), method="post"),
        "notifications:preferences": Row("", signed_in()),
        "notifications:organisation_news": Row(
            "organisation", only(ORG_PEOPLE, ok=302), method="post"
        ),
        # the mission space: its team, supervisor, coordinators and organisation read it;
        # each acts only on its part (the organisation may reply, not run the mission)
        "execution:space": Row("published", only(ORDER_READERS)),
        "execution:update_attachment": Row("update_file", only(ORDER_READERS)),
        "execution:kick_off": Row(
            "published", {**only(ORDER_READERS, ok=302), MEMBER: 403}, method="post"
        ),
        "execution:extend": Row(
            "published", {**only(ORDER_READERS), SUP: 403, MEMBER: 403}, method="post"
        ),
        "execution:milestone_add": Row(
            "published", {**only(ORDER_READERS), MEMBER: 403}, method="post"
        ),
        "execution:milestone_done": Row(
            "milestone", {**only(ORDER_READERS, ok=302), MEMBER: 403}, method="post"
        ),
        # only the team posts news (nobody of the cast is on World's team)
        "execution:update_post": Row("published", only(ORDER_READERS, ok=403), method="post"),
        "execution:update_reply": Row("update", only(ORDER_READERS), method="post"),
        # deliverables: everyone in the space reads and downloads them; the team and its
        # supervisor deliver (the published mission has not started: the supervisor's form
        # comes back with the reason); coordinators and the organisation read along (403)
        "deliverables:list": Row("published", only(ORDER_READERS)),
        "deliverables:upload": Row(
            "published", {**only(ORDER_READERS), COORD: 403, MEMBER: 403}, method="post"
        ),
        "deliverables:download": Row("deliverable", only(ORDER_READERS)),
        # equipment and hours: the team requests and logs (nobody of the cast is on World's
        # team); the supervisor and coordinators decide and validate; the organisation reads
        # the equipment spend, not the time sheets
        "equipment:list": Row("published", only(ORDER_READERS)),
        "equipment:request_create": Row("published", only(ORDER_READERS, ok=403), method="post"),
        "equipment:decide": Row(
            "equipment_request", {**only(ORDER_READERS, ok=302), MEMBER: 403}, method="post"
        ),
        "equipment:ordered": Row(
            "equipment_request", {**only(ORDER_READERS, ok=302), MEMBER: 403}, method="post"
        ),
        "equipment:received": Row(
            "equipment_request", {**only(ORDER_READERS, ok=302), MEMBER: 403}, method="post"
        ),
        "equipment:cancel": Row(
            "equipment_request", {**only(ORDER_READERS, ok=302), MEMBER: 403}, method="post"
        ),
        "equipment:hours": Row("published", {**only(ORDER_READERS), MEMBER: 403}),
        "equipment:hours_log": Row("published", only(ORDER_READERS, ok=403), method="post"),
        "equipment:hours_validate": Row(
            "published", {**only(ORDER_READERS, ok=302), MEMBER: 403}, method="post"
        ),
        # an entry is corrected or deleted only by its volunteer (none of the cast); those
        # who validate see it (403), others do not know it; they withdraw a validation
        # (tried with no reason: the form comes back)
        "equipment:hours_edit": Row("hours_entry", {**only(()), COORD: 403, SUP: 403}),
        "equipment:hours_delete": Row(
            "hours_entry", {**only(()), COORD: 403, SUP: 403}, method="post"
        ),
        "equipment:hours_unvalidate": Row(
            "hours_entry", {**only(ORDER_READERS), MEMBER: 403}, method="post"
        ),
        "equipment:loan_create": Row(
            "published", {**only(ORDER_READERS), MEMBER: 403}, method="post"
        ),
        "equipment:loan_return": Row(
            "loan", {**only(ORDER_READERS, ok=302), MEMBER: 403}, method="post"
        ),
        "supervision:my_missions": Row("", only((COORD, SUP), others=403)),
        # impact: the public page is everyone's (aggregates only); the dashboard is the
        # coordination team's, known to all (403)
        "impact:public": Row("", public()),
        "impact:dashboard": Row("", coordinators()),
        # exports and the annual report: the coordination team's, like the dashboard (403)
        "exports:index": Row("", coordinators()),
        "exports:table": Row("export_table", coordinators()),
        "exports:report": Row("report_year", coordinators()),
        # closing (on the published mission, not started: allowed roles reach the service,
        # which refuses with the reason): the team (nobody of the cast) and its supervisor
        # deliver; the organisation accepts or asks for changes (empty comment: the form
        # comes back); coordinators close and cancel (empty reason: the form comes back);
        # the surveys and the note are each one side's (their page says they are not open)
        "closing:deliver": Row(
            "published", {**only(ORDER_READERS, ok=302), COORD: 403, MEMBER: 403}, method="post"
        ),
        "closing:accept": Row(
            "published", {**only(ORDER_READERS, ok=302), COORD: 403, SUP: 403}, method="post"
        ),
        "closing:ask_changes": Row(
            "published", {**only(ORDER_READERS), COORD: 403, SUP: 403}, method="post"
        ),
        "closing:close": Row(
            "published", {**only(ORDER_READERS, ok=403), COORD: 302}, method="post"
        ),
        "closing:cancel": Row(
            "published", {**only(ORDER_READERS, ok=403), COORD: 200}, method="post"
        ),
        "closing:org_survey": Row("published", {**only(ORDER_READERS, ok=403), MEMBER: 200}),
        "closing:volunteer_survey": Row("published", only(ORDER_READERS, ok=403)),
        "closing:closing_note": Row("published", {**only(ORDER_READERS, ok=403), SUP: 200}),
        # follow-up surveys: the signed link is the secret (anyone holding it answers, no
        # login); coordinators read every follow-up and its answers
        "followup:answer": Row("followup", public()),
        "followup:thanks": Row("", public()),
        "followup:list": Row("", coordinators()),
        # certificates: coordinators issue (the published mission is not closed: refused with
        # the reason, back to the page), revoke and reissue (tried without a reason: the form
        # comes back); the PDF is its volunteer's and the coordinators'; anyone verifies a code
        "certificates:mine": Row("", signed_in()),
        "certificates:mission": Row("published", coordinators()),
        "certificates:issue": Row("published", coordinators(302), method="post"),
        "certificates:detail": Row("certificate", coordinators()),
        "certificates:revoke": Row("certificate", coordinators(200), method="post"),
        "certificates:reissue": Row("certificate", coordinators(200), method="post"),
        "certificates:pdf": Row("certificate", only((COORD, VOL))),
        "certificates:verify_form": Row("", public()),
        "certificates:verify": Row("certificate_code", public()),
        # solutions library: anyone reads the library, a published case and the files it
        # offers; the coordination team makes cases (the World's mission has one already:
        # refused with the reason, back to the mission), edits, publishes (already published:
        # refused, back to the case) and withdraws them, and starts new orders from a past one
        "cases:list": Row("", public()),
        "cases:detail": Row("case", public()),
        "cases:file": Row("case_file", public()),
        "cases:manage": Row("", coordinators()),
        "cases:create": Row("case_mission", coordinators(302), method="post"),
        "cases:edit": Row("case_pk", coordinators()),
        "cases:publish": Row("case_pk", coordinators(302), method="post"),
        "cases:withdraw": Row("case_pk", coordinators(302), method="post"),
        "cases:reuse": Row("case_mission", coordinators()),
        # personal API tokens: everyone manages their own (the token to revoke is named in
        # the form: an empty one is sent back with a message)
        "api:tokens": Row("", signed_in()),
        "api:token_revoke": Row("", signed_in(302), method="post"),
        # working groups: the list is everyone's own (coordinators see all); a group is its
        # members' (cast.volunteer) and the coordinators', unknown to others; coordinators
        # create and edit (a member knows the group: 403). Empty forms come back (200); a
        # coordinator who is not a member is told so when setting an expertise (200) or
        # leaving (302 with the message)
        "groups:list": Row("", signed_in()),
        "groups:create": Row("", coordinators()),
        "groups:detail": Row("group", only((COORD, VOL))),
        "groups:edit": Row("group", {**only((COORD, VOL)), VOL: 403}),
        "groups:member_add": Row("group", only((COORD, VOL)), method="post"),
        "groups:leave": Row("group", only((COORD, VOL), ok=302), method="post"),
        "groups:expertise": Row("group", {**only((COORD, VOL), ok=302), COORD: 200}, method="post"),
        "groups:post_add": Row("group", only((COORD, VOL)), method="post"),
        "groups:file_share": Row("group", only((COORD, VOL)), method="post"),
        "groups:file_download": Row("group_file", only((COORD, VOL))),
        # events: anyone reads the published ones, their calendars, and registers (a visitor's
        # empty form comes back; a signed-in person registers in one click); the signed links
        # of a visitor's mail are the secret; the coordination team manages (403 for others)
        "events:list": Row("", public()),
        "events:past": Row("", public()),
        "events:feed": Row("", public()),
        "events:detail": Row("event", public()),
        "events:ics": Row("event", public()),
        "events:register": Row("event", {**public(302), ANON: 200}, method="post"),
        "events:unregister": Row("event", signed_in(302), method="post"),
        "events:confirm": Row("event_confirm", public()),
        "events:visitor_cancel": Row("event_cancel", public()),
        "events:manage": Row("", coordinators()),
        "events:create": Row("", coordinators()),
        "events:registrations": Row("event_pk", coordinators()),
        "events:edit": Row("event_pk", coordinators()),
        "events:attendance": Row("event_pk", coordinators()),
        "events:publish": Row("event_pk", coordinators(302), method="post"),
        "events:cancel": Row("event_pk", coordinators(302), method="post"),
        # the campus network: cast.ambassador is the home campus's ambassador (one campus:
        # the list sends them to its dashboard); others know campuses but not this page
        # (403); a share link's poster is its ambassador's and the coordinators' (404)
        "network:home": Row("", {**signed_in(), AMB: 302}),
        "network:dashboard": Row("campus_slug", only((COORD, AMB), others=403)),
        "network:share_kit": Row("published", only((COORD, AMB), others=403)),
        "network:poster": Row("share_link", only((COORD, AMB))),
        # the short link /s/<code>/: anyone follows it to the mission (a redirect, not to
        # the login page)
        "short:go": Row("share_link", public(302)),
        # prospecting: the coordination team's pipeline (403 for others: they may know the
        # team prospects); ambassadors suggest organisations and see the stage of theirs.
        # Empty forms come back (200)
        "prospects:pipeline": Row("", coordinators()),
        "prospects:create": Row("", coordinators()),
        "prospects:suggest": Row("", only((COORD, AMB), others=403)),
        "prospects:detail": Row("prospect", coordinators()),
        "prospects:edit": Row("prospect", coordinators()),
        "prospects:stage": Row("prospect", coordinators(), method="post"),
        "prospects:contact_add": Row("prospect", coordinators(), method="post"),
        "prospects:register": Row("prospect", coordinators(), method="post"),
        # Django's admin is for technical staff only (is_staff): everyone in the cast is sent
        # to its own login page.
        "admin:index": Row("", public(302)),
    }
)

# Personal data (issue 7): the notice is public; my data and erasure are each person's own
# (the coordinator and the organisation's only member see why they cannot erase: 200); the
# processing register is the coordination team's.
TABLE.update(
    {
        "privacy:notice": Row("", public()),
        "privacy:export": Row("", signed_in()),
        "privacy:erase": Row("", signed_in()),
        "privacy:register": Row("", coordinators()),
    }
)

# "Log out everywhere" (allauth.usersessions, in our template): everyone's own sessions, no id
# in the URL.
TABLE["usersessions_list"] = Row("", signed_in())

# django-allauth's pages (log in, sign up, password, email, two-step verification): their
# access rules are allauth's and tested by allauth; here we check each answers every role
# without a server error (see test_allauth_pages_answer_everyone).
NOT_OURS.update({
    "account_login", "account_logout", "account_inactive", "account_signup",
    "account_reauthenticate", "account_email", "account_email_verification_sent",
    "account_change_password", "account_set_password", "account_reset_password",
    "account_confirm_login_code", "account_confirm_email",
    "account_reset_password_from_key_done", "account_reset_password_from_key",
    "account_reset_password_done", "mfa_index", "mfa_authenticate", "mfa_reauthenticate",
    "mfa_activate_totp", "mfa_deactivate_totp", "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
})  # fmt: skip


def _all_url_names(resolver=None, namespace: str = "") -> list[str]:
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}?")
    return names


def test_every_url_is_in_the_table():
    missing = [
        name
        for name in _all_url_names()
        if name not in TABLE
        and name not in NOT_OURS
        and not name.startswith(NOT_OURS_PREFIXES)
        and not name.startswith(API_NAMESPACE)
    ]
    assert missing == [], f"URLs without access rules in tests/test_access_table.py: {missing}"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_access(name, cast):
    """Every role in turn on the same objects. Each request runs in a savepoint rolled back
    after it, with the caches emptied, so each role meets the world as it was built: what
    one role's POST changed never reaches the next. (One world per URL, not per URL and
    role: building 1,444 worlds took most of this file's time.)"""
    row = TABLE[name]
    world = World(cast)
    url = reverse(name, kwargs=world.kwargs(row.kwargs))
    wrong = []
    for role in ROLES_OF_CAST:
        empty_caches()
        with transaction.atomic():
            wrong += _access_refused(name, row, url, role, cast.client(role))
            transaction.set_rollback(True)
        tally("URLs x roles checked")
    assert wrong == []


def _access_refused(name: str, row: Row, url: str, role: str | None, client: Client) -> list[str]:
    """What differs from the table for ``role``: nothing, or the reason."""
    who = role or "anonymous"
    response = getattr(client, row.method)(url)
    expected = row.expect[role]
    if response.status_code != expected:
        return [f"{row.method.upper()} {url} as {who}: {response.status_code}, expected {expected}"]
    if role is None and expected == 302 and name not in REDIRECT_NOT_TO_LOGIN:
        location = response["Location"]
        if not location.startswith("/accounts/login/"):
            return [f"{url} as {who}: redirected to {location}, not to the login page"]
    return []


# Public URLs that redirect a visitor somewhere other than the login page.
REDIRECT_NOT_TO_LOGIN = {"core:set_language", "admin:index", "short:go"}

ALLAUTH_SIMPLE_GET = sorted(
    n for n in NOT_OURS if n not in {"account_confirm_email", "account_reset_password_from_key"}
)


@pytest.mark.parametrize("role", ROLES_OF_CAST, ids=lambda r: r or "anonymous")
def test_allauth_pages_answer_everyone(role, cast):
    client = cast.client(role)
    for name in ALLAUTH_SIMPLE_GET:
        response = client.get(reverse(name))
        assert response.status_code < 500, f"{name} as {role}: {response.status_code}"
    assert client.get(reverse("account_confirm_email", args=["bad-key"])).status_code < 500


def test_outsider_ids_are_not_found(cast):
    """Someone else's object id in a URL: 404, never the object (another organisation's
    member trying this organisation's pages is covered above; here the reverse)."""
    world = World(cast)
    other_need = NeedFactory(organisation=cast.other_organisation)
    client = cast.client("member")
    assert client.get(reverse("needs:detail", args=[other_need.pk])).status_code == 404
    assert (
        client.get(reverse("organisations:detail", args=[cast.other_organisation.pk])).status_code
        == 404
    )
    assert client.get(reverse("needs:detail", args=[world.need.pk])).status_code == 200


# --- The JSON API ----------------------------------------------------------------------------
# Every operation of the API (path and method, as its OpenAPI schema publishes them) has a row:
# the status for each caller (None: no token; a role: that person's personal token) and, where
# the route takes an id or filters by one, someone else's object or one that is not public. For
# lists, ``sees`` says whose objects each caller finds among ``among``: anyone else's never
# appear. A new operation without a row fails test_every_api_operation_is_in_the_table.

API_NAMESPACE = "api:api-v1:"


@dataclass(frozen=True)
class ApiCase:
    expect: dict[str | None, int]
    obj: str = ""  # the ApiWorld attribute filling the path's {pk} or {slug}
    query: tuple[str, str] | None = None  # (parameter, ApiWorld attribute whose pk it takes)
    among: tuple[str, ...] = ()
    sees: dict[str | None, frozenset[str]] = field(default_factory=dict)


def token_holders(ok: int = 200) -> dict[str | None, int]:
    return {role: 401 if role is None else ok for role in ROLES_OF_CAST}


def everyone_sees(*names: str) -> dict[str | None, frozenset[str]]:
    return dict.fromkeys(ROLES_OF_CAST, frozenset(names))


API_TABLE: dict[str, tuple[ApiCase, ...]] = {
    "GET /api/v1/": (ApiCase(public()),),
    # the token's owner's own data: a token is needed, and each finds only their own
    "GET /api/v1/me/": (ApiCase(token_holders()),),
    "GET /api/v1/me/profile/": (ApiCase({**token_holders(404), VOL: 200}),),
    "GET /api/v1/me/applications/": (
        ApiCase(
            token_holders(),
            among=("application", "other_application"),
            sees={VOL: frozenset({"application"}), OVOL: frozenset({"other_application"})},
        ),
    ),
    "GET /api/v1/me/missions/": (ApiCase(token_holders()),),
    "GET /api/v1/me/needs/": (
        ApiCase(
            token_holders(),
            among=("need", "other_need"),
            sees={MEMBER: frozenset({"need"}), OTHER: frozenset({"other_need"})},
        ),
    ),
    # shared news of one's organisations' missions, never the team's internal news; asking
    # for another organisation's mission by id finds nothing
    "GET /api/v1/me/news/": (
        ApiCase(
            token_holders(),
            among=("news", "internal_news", "other_news"),
            sees={MEMBER: frozenset({"news"}), OTHER: frozenset({"other_news"})},
        ),
        ApiCase(
            token_holders(),
            query=("mission", "other_published"),
            among=("news", "internal_news", "other_news"),
            sees={OTHER: frozenset({"other_news"})},
        ),
    ),
    # public: what the public pages show, to anyone; an order never published, a draft
    # event or case do not exist here, whoever asks
    "GET /api/v1/missions/feed.json": (
        ApiCase(public(), among=("published", "draft"), sees=everyone_sees("published")),
    ),
    "GET /api/v1/missions/": (
        ApiCase(public(), among=("published", "draft"), sees=everyone_sees("published")),
    ),
    "GET /api/v1/missions/{pk}/": (
        ApiCase(public(), obj="published"),
        ApiCase(public(404), obj="draft"),
    ),
    "GET /api/v1/events/": (
        ApiCase(public(), among=("event", "draft_event"), sees=everyone_sees("event")),
    ),
    "GET /api/v1/events/{slug}/": (
        ApiCase(public(), obj="event"),
        ApiCase(public(404), obj="draft_event"),
    ),
    "GET /api/v1/impact/": (ApiCase(public()),),
    "GET /api/v1/cases/": (
        ApiCase(public(), among=("case", "draft_case"), sees=everyone_sees("case")),
    ),
    "GET /api/v1/cases/{slug}/": (
        ApiCase(public(), obj="case"),
        ApiCase(public(404), obj="draft_case"),
    ),
}

# The API's other addresses (not operations): the schema, ninja's root view (shadowed by our
# index at the same address) and the JSON 404 for anything else under /api/v1/.
API_OTHER: dict[str, tuple[str, int]] = {
    "api:api-v1:openapi-json": ("/api/v1/openapi.json", 200),
    "api:api-v1:api-root": ("/api/v1/", 200),
    "api:api-v1:not_found": ("/api/v1/no/such/thing/", 404),
}


class ApiWorld:
    """What the API's operations are tried on: for each kind, one object a caller may find
    and one of someone else's, or not public."""

    def __init__(self, cast) -> None:
        from soscience.execution.models import ProgressUpdate

        self.cast = cast
        self.campus = CampusFactory(is_home=True, slug="home")
        self.published = _open_mission(cast.organisation, cast)
        self.other_published = _open_mission(cast.other_organisation, cast)
        self.draft = MissionFactory(organisation=cast.organisation, created_by=cast.coordinator)
        self.event, _registration = _event(self)
        self.draft_event = _draft_event(self)
        self.case, _file = _case(self)
        self.draft_case = _draft_case(self)
        self.application, self.other_application = (
            _applied(self.published, cast.volunteer), _applied(self.published, cast.other_volunteer)
        )  # fmt: skip
        from soscience.volunteers.models import VolunteerProfile

        VolunteerProfile.objects.create(user=cast.volunteer, languages=["fr"])
        self.need = NeedFactory(organisation=cast.organisation, submitted_by=cast.member)
        self.other_need = NeedFactory(
            organisation=cast.other_organisation, submitted_by=cast.other_member
        )
        shared, internal = ProgressUpdate.Visibility.SHARED, ProgressUpdate.Visibility.INTERNAL
        self.news = _news(self.published, cast.supervisor, shared)
        self.internal_news = _news(self.published, cast.supervisor, internal)
        self.other_news = _news(self.other_published, cast.supervisor, shared)

    def url(self, path: str, case: ApiCase) -> str:
        if case.obj:
            obj = getattr(self, case.obj)
            path = path.replace("{pk}", str(obj.pk)).replace("{slug}", getattr(obj, "slug", ""))
        if case.query:
            parameter, name = case.query
            path += f"?{parameter}={getattr(self, name).pk}"
        return path

    def found(self, body: dict, names: tuple[str, ...]) -> frozenset[str]:
        """Which of ``names`` the list's items are (by id, slug, or the feed's item id)."""
        keys = {str(item.get("slug") or item.get("id")) for item in body["items"]}
        return frozenset(name for name in names if self._keys(getattr(self, name)) & keys)

    @staticmethod
    def _keys(obj) -> set[str]:
        return {str(obj.pk), f"soscience:mission:{obj.pk}", str(getattr(obj, "slug", ""))}


def _open_mission(organisation, cast) -> Mission:
    return MissionFactory(
        organisation=organisation, status=Mission.Status.OPEN, published_at=timezone.now(),
        created_by=cast.coordinator,
    )  # fmt: skip


def _applied(mission, volunteer):
    from soscience.applications.models import Application

    return Application.objects.create(
        mission=mission, volunteer=volunteer, status=Application.Status.APPLIED,
        motivation="Filters.", availability_confirmed=True, applied_at=timezone.now(),
    )  # fmt: skip


def _news(mission, author, visibility):
    from soscience.execution.models import ProgressUpdate

    return ProgressUpdate.objects.create(
        mission=mission, author=author, body="Pump works.", visibility=visibility
    )


def _draft_event(world):
    import datetime as dt

    from soscience.events.models import Event

    starts = timezone.now() + dt.timedelta(days=9)
    return Event.objects.create(
        title="Not announced yet", slug="not-announced", description="Talks.",
        campus=world.campus, room="Amphi B", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1), capacity=30, status=Event.Status.DRAFT,
        created_by=world.cast.coordinator,
    )  # fmt: skip


def _draft_case(world):
    """A case the coordinators are still writing (its organisation agreed to it)."""
    from soscience.cases.models import Case
    from soscience.closing.models import OrganisationSurvey

    closed = MissionFactory(
        organisation=world.cast.organisation, status=Mission.Status.CLOSED,
        closed_at=timezone.now(), created_by=world.cast.coordinator,
    )  # fmt: skip
    OrganisationSurvey.objects.create(
        mission=closed, worked=5, applied="yes", local_impact="Clear water.", beneficiaries=30,
        recommend=9, case_consent=True, answered_by=world.cast.member,
    )  # fmt: skip
    return Case.objects.create(
        mission=closed, slug="solar-dryer", title="Solar dryer", problem="Mould.",
        solution="A dryer.", results="Dry mangoes.", created_by=world.cast.coordinator,
        status=Case.Status.DRAFT,
    )  # fmt: skip


def _api_patterns(resolver=None, route: str = "", namespace: str = ""):
    """(name, route) of every URL pattern, the routes written as the OpenAPI schema writes
    paths (``/api/v1/missions/{pk}/``)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        here = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _api_patterns(pattern, here, inner)
        else:
            yield f"{namespace}{pattern.name}", "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", here)


def test_every_api_operation_is_in_the_table():
    from soscience.api.api import api

    schema = api.get_openapi_schema()
    operations = {
        f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops
    }
    assert sorted(operations - set(API_TABLE)) == [], "API operations without access rules"
    assert sorted(set(API_TABLE) - operations) == [], "rows for operations that are gone"


def test_every_api_address_is_an_operation_or_listed():
    """Each URL pattern under /api/v1/ is an operation of the table (an operation hidden from
    the schema would not be) or one of API_OTHER."""
    paths = {route.split(" ", 1)[1] for route in API_TABLE}
    missing = [
        name
        for name, path in _api_patterns()
        if name.startswith(API_NAMESPACE) and name not in API_OTHER and path not in paths
    ]
    assert missing == [], f"API addresses without access rules: {missing}"
    for name, (path, _status) in API_OTHER.items():
        assert name == "api:api-v1:not_found" or reverse(name) == path, name


@pytest.mark.parametrize("role", ROLES_OF_CAST, ids=lambda r: r or "no-token")
def test_api_access(role, cast):
    from soscience.api.services import token_create

    cache.clear()  # the API's rate counters live in the cache
    world = ApiWorld(cast)
    headers = {}
    if role is not None:
        _token, key = token_create(user=getattr(cast, role), name="table", valid_days=None)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    client, wrong = Client(), []
    calls = [(route, case) for route, cases in sorted(API_TABLE.items()) for case in cases]
    for route, case in calls:
        method, path = route.split(" ", 1)
        url = world.url(path, case)
        response = getattr(client, method.lower())(url, **headers)
        if response.status_code != case.expect[role]:
            wrong.append(f"{method} {url}: {response.status_code}, expected {case.expect[role]}")
        elif case.among and response.status_code == 200:
            found, expected = world.found(response.json(), case.among), case.sees.get(role, set())
            if found != expected:
                wrong.append(f"{method} {url}: finds {sorted(found)}, expected {sorted(expected)}")
    for path, status in API_OTHER.values():
        response = client.get(path, **headers)
        if response.status_code != status:
            wrong.append(f"GET {path}: {response.status_code}, expected {status}")
    # Nothing under /api/v1/ sends anyone to the log-in page: every answer is JSON.
    assert wrong == [], "\n".join(wrong)
    tally("URLs x roles checked", len(calls) + len(API_OTHER))
