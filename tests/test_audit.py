"""The audit log (issue 7): every sensitive action leaves exactly one event saying who did
what to what, from where; the log cannot be changed; coordinators read and filter it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import Invitation, User
from soscience.accounts.roles import Role
from soscience.accounts.services import role_grant, role_revoke
from soscience.api.models import ApiToken
from soscience.applications import services as applications
from soscience.applications.models import Application
from soscience.certificates.models import Certificate
from soscience.missions.models import Mission
from soscience.organisations.models import Organisation
from soscience.privacy.audit import PAGE_SIZE, Action, audit
from soscience.privacy.models import AuditEvent
from tests.factories import MissionFactory, UserFactory
from tests.tally import tally
from tests.test_certificates import _hours, _join

STRONG = "a-long-Passphrase-42"
RULES = {
    "max_mission_weeks": 12, "answer_within_days": 7, "stall_after_days": 14,
    "hourly_rate": "15.00", "followup_first_months": 6, "followup_second_months": 12,
    "inactive_years_before_anonymising": 3,
}  # fmt: skip


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def the_event(before: int, action: str) -> AuditEvent:
    """The one event the action left: exactly one new row, of that action."""
    new = list(AuditEvent.objects.filter(pk__gt=before))
    assert [event.action for event in new] == [action], new
    tally("audit: hooked actions checked")
    return new[0]


def last_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def target(row) -> str:
    return f"{row._meta.label_lower}:{row.pk}"


# The hooks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data", "action", "status"),
    [
        ("organisations:verify", {"note": "Statutes checked."}, Action.ORGANISATION_VERIFIED,
         Organisation.Status.VERIFIED),
        ("organisations:reject", {"reason": "No social purpose."}, Action.ORGANISATION_REJECTED,
         Organisation.Status.REJECTED),
    ],
)  # fmt: skip
def test_eligibility_decisions_are_audited(cast, url, data, action, status):
    Organisation.objects.filter(pk=cast.organisation.pk).update(status=Organisation.Status.PENDING)
    before = last_pk()
    cast.client("coordinator").post(reverse(url, args=[cast.organisation.pk]), data)
    cast.organisation.refresh_from_db()
    assert cast.organisation.status == status
    event = the_event(before, action)
    assert event.actor == cast.coordinator
    assert event.actor_label == cast.coordinator.email
    assert event.target == target(cast.organisation)
    assert event.target_label == "Eau Claire Thiès"
    assert next(iter(event.detail.values())) == next(iter(data.values()))


def test_a_refused_decision_leaves_no_event(cast):
    # Still verified: the decision is refused, and the log says nothing happened.
    before = last_pk()
    response = cast.client("coordinator").post(
        reverse("organisations:reject", args=[cast.organisation.pk]), {"reason": "x"}
    )
    assert response.status_code in (200, 302, 409)
    assert last_pk() == before


@pytest.fixture
def application(cast) -> Application:
    mission = MissionFactory(
        status=Mission.Status.OPEN, published_at=timezone.now(), supervisor=cast.supervisor,
        organisation=cast.organisation,
    )  # fmt: skip
    role_grant(user=cast.volunteer, role=Role.VOLUNTEER)
    return applications.application_submit(
        mission=mission, volunteer=cast.volunteer, motivation="Motivated.",
        availability_confirmed=True,
    )  # fmt: skip


def test_selection_is_audited(cast, application):
    before = last_pk()
    cast.client("coordinator").post(
        reverse("applications:select", kwargs={"pk": application.pk}), {"role": "member"}
    )
    event = the_event(before, Action.APPLICATION_SELECTED)
    assert (event.actor, event.target) == (cast.coordinator, target(application))
    assert event.detail == {"role": "member"}


def test_decline_is_audited(cast, application):
    before = last_pk()
    applications.application_decline(
        application=application, by=cast.coordinator, reason="profile", detail="Not this time."
    )
    event = the_event(before, Action.APPLICATION_DECLINED)
    assert (event.actor, event.target) == (cast.coordinator, target(application))
    assert event.detail == {"reason": "profile"}


def test_a_role_given_by_invitation_is_audited_with_the_inviter(cast):
    invitation = Invitation.objects.create(
        email="sam@example.org", role="supervisor", invited_by=cast.coordinator
    )
    before = last_pk()
    Client().post(
        reverse("accounts:invitation", args=[invitation.token]),
        {"full_name": "Sam Dupont", "password": STRONG},
    )
    sam = User.objects.get(email="sam@example.org")
    event = the_event(before, Action.ROLE_GRANTED)
    assert (event.actor, event.target, event.detail) == (
        cast.coordinator, target(sam), {"role": "supervisor"},
    )  # fmt: skip


def test_role_changes_are_audited_once_and_only_when_they_change(cast):
    before = last_pk()
    role_grant(user=cast.volunteer, role=Role.AMBASSADOR, by=cast.coordinator)
    granted = the_event(before, Action.ROLE_GRANTED)
    assert (granted.actor, granted.target) == (cast.coordinator, target(cast.volunteer))
    before = last_pk()
    role_grant(user=cast.volunteer, role=Role.AMBASSADOR, by=cast.coordinator)
    assert last_pk() == before  # already had it: nothing changed, nothing recorded
    role_revoke(user=cast.volunteer, role=Role.AMBASSADOR, by=cast.coordinator)
    revoked = the_event(before, Action.ROLE_REVOKED)
    assert revoked.detail == {"role": "ambassador"}
    before = last_pk()
    role_revoke(user=cast.volunteer, role=Role.AMBASSADOR, by=cast.coordinator)
    assert last_pk() == before


@pytest.fixture
def closed_mission(cast) -> Mission:
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor,
        created_by=cast.coordinator, status=Mission.Status.CLOSED, closed_at=timezone.now(),
        start_date=dt.date(2026, 1, 5), end_date=dt.date(2026, 3, 2),
    )  # fmt: skip
    _join(mission, cast.volunteer, 1)
    _hours(mission, cast.volunteer, "3.5", validated=True, by=cast.supervisor)
    return mission


def test_certificates_issued_revoked_and_reissued_are_audited(cast, closed_mission):
    client = cast.client("coordinator")
    before = last_pk()
    client.post(reverse("certificates:issue", args=[closed_mission.pk]))
    first = Certificate.objects.get()
    issued = the_event(before, Action.CERTIFICATE_ISSUED)
    assert (issued.actor, issued.target, issued.target_label) == (
        cast.coordinator, target(first), first.code,
    )  # fmt: skip

    before = last_pk()
    client.post(reverse("certificates:reissue", args=[first.pk]), {"reissue-reason": "Typo."})
    second = Certificate.objects.get(revoked_at=None)
    reissued = the_event(before, Action.CERTIFICATE_REISSUED)
    assert (reissued.target, reissued.detail) == (target(second), {"replaces": first.code})

    before = last_pk()
    client.post(reverse("certificates:revoke", args=[second.pk]), {"revoke-reason": "Fraud."})
    revoked = the_event(before, Action.CERTIFICATE_REVOKED)
    assert (revoked.actor, revoked.target) == (cast.coordinator, target(second))
    assert revoked.detail == {"reason": "Fraud."}


@pytest.mark.parametrize(
    ("url", "kwargs", "detail"),
    [
        ("exports:table", {"table": "missions", "fmt": "csv"},
         {"table": "missions", "format": "csv", "filters": ""}),
        ("exports:report", {"year": "2025"}, {"report": "2025", "filters": ""}),
    ],
)  # fmt: skip
def test_exports_are_audited_with_where_they_went(cast, settings, url, kwargs, detail):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    before = last_pk()
    response = cast.client("coordinator").get(
        reverse(url, kwargs=kwargs),
        # The client's own claim comes first; the proxy appends the address it saw.
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7", HTTP_USER_AGENT="Firefox/140",
    )  # fmt: skip
    assert response.status_code == 200
    event = the_event(before, Action.EXPORT_DOWNLOADED)
    assert event.actor == cast.coordinator
    assert event.detail == detail
    assert (event.ip_address, event.user_agent) == ("203.0.113.7", "Firefox/140")


def test_without_a_proxy_the_address_is_the_connections(cast):
    before = last_pk()
    cast.client("coordinator").get(
        reverse("exports:table", kwargs={"table": "hours", "fmt": "csv"}),
        HTTP_X_FORWARDED_FOR="198.51.100.1",  # forged: no proxy is trusted here
    )
    assert the_event(before, Action.EXPORT_DOWNLOADED).ip_address == "127.0.0.1"


def test_platform_settings_changes_are_audited_before_and_after(cast):
    before = last_pk()
    cast.client("coordinator").post(
        reverse("core:platform_settings"), {**RULES, "max_mission_weeks": 16}
    )
    event = the_event(before, Action.SETTINGS_CHANGED)
    assert event.actor == cast.coordinator
    assert event.detail["max_mission_weeks"][1] == 16
    assert "answer_within_days" not in event.detail or (
        event.detail["answer_within_days"][0] != event.detail["answer_within_days"][1]
    )


def test_api_tokens_created_and_revoked_are_audited(cast):
    client = cast.client("volunteer")
    before = last_pk()
    client.post(reverse("api:tokens"), {"name": "My script", "valid_for": "90"})
    token = ApiToken.objects.get()
    created = the_event(before, Action.TOKEN_CREATED)
    assert (created.actor, created.target) == (cast.volunteer, target(token))
    assert "sos_" in created.target_label  # the visible prefix, never the key
    before = last_pk()
    client.post(reverse("api:token_revoke"), {"token": token.pk})
    revoked = the_event(before, Action.TOKEN_REVOKED)
    assert (revoked.actor, revoked.target) == (cast.volunteer, target(token))


def test_the_actor_is_named_as_they_were_then(cast):
    event = audit(Action.SETTINGS_CHANGED, actor=cast.coordinator, detail={"x": Decimal("1.5")})
    User.objects.filter(pk=cast.coordinator.pk).update(email="renamed@example.org")
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_label == cast.coordinator.email
    assert event.detail == {"x": "1.5"}  # made plain JSON, not refused


# Append-only --------------------------------------------------------------------------------


def test_the_log_cannot_be_changed_or_deleted(cast):
    event = audit(Action.ROLE_GRANTED, actor=cast.coordinator, target=cast.volunteer)
    event.action = Action.ROLE_REVOKED
    attempts = [
        event.save,
        event.delete,
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="x"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: AuditEvent.objects.all().delete(),
    ]
    for attempt in attempts:
        with pytest.raises(TypeError, match="append-only"):
            attempt()
        tally("audit: changes to the log refused")
    assert AuditEvent.objects.get(pk=event.pk).action == Action.ROLE_GRANTED


# The page -----------------------------------------------------------------------------------

AUDIT = "/privacy/audit/"


def test_the_audit_page_is_the_coordinators(cast):
    assert reverse("privacy:audit") == AUDIT
    assert Client().get(AUDIT)["Location"].startswith("/accounts/login/")
    for who in ("supervisor", "member", "volunteer", "ambassador"):
        assert cast.client(who).get(AUDIT).status_code == 403
    assert cast.client("coordinator").get(AUDIT).status_code == 200


def test_the_page_lists_newest_first_with_who_what_and_from_where(cast):
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        audit(Action.ROLE_GRANTED, actor=cast.coordinator, target=cast.volunteer,
              detail={"role": "ambassador"})  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        audit(Action.CERTIFICATE_REVOKED, actor=None, detail={"reason": "<b>bold</b>"})
    page = cast.client("coordinator").get(AUDIT)
    html = page.content.decode()
    shown = text(page)
    rows = html[html.index("<tbody>") :]  # the filter's options name every action too
    assert rows.index("Certificate revoked") < rows.index("Role granted")
    assert "the platform" in shown
    assert cast.coordinator.email in shown
    assert "role: ambassador" in shown
    assert f"accounts.user:{cast.volunteer.pk}" in shown
    assert "<b>bold</b>" not in html  # details are text, escaped


def test_filters_by_action_actor_and_dates(cast):
    days = [dt.datetime(2026, 3, d, 10, tzinfo=dt.UTC) for d in (1, 2, 3)]
    for when, actor, action in [
        (days[0], cast.coordinator, Action.ROLE_GRANTED),
        (days[1], cast.supervisor, Action.ROLE_GRANTED),
        (days[2], cast.coordinator, Action.TOKEN_CREATED),
    ]:
        with time_machine.travel(when, tick=False):
            audit(action, actor=actor, detail={"day": when.day})
    client = cast.client("coordinator")

    def days_shown(**query) -> list[str]:
        shown = text(client.get(AUDIT, query))
        tally("audit: filter combinations tried")
        return [d for d in ("day: 1", "day: 2", "day: 3") if d in shown]

    assert days_shown() == ["day: 1", "day: 2", "day: 3"]
    assert days_shown(action="role.granted") == ["day: 1", "day: 2"]
    assert days_shown(actor=cast.supervisor.email.upper()) == ["day: 2"]
    assert days_shown(date_from="2026-03-02") == ["day: 2", "day: 3"]
    assert days_shown(date_to="2026-03-02") == ["day: 1", "day: 2"]
    assert days_shown(date_from="2026-03-02", date_to="2026-03-02") == ["day: 2"]
    assert days_shown(action="role.granted", actor=cast.coordinator.email) == ["day: 1"]


def test_a_bad_filter_is_shown_next_to_its_field_and_kept(cast):
    client = cast.client("coordinator")
    response = client.get(AUDIT, {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_date_to_error"' in html
    assert "The end date comes after the start date." in html
    assert 'value="2026-03-05"' in html
    bad = client.get(AUDIT, {"date_from": "yesterday", "action": "nonsense"}).content.decode()
    assert 'id="id_date_from_error"' in bad
    assert 'id="id_action_error"' in bad


def test_the_page_is_paginated_and_its_queries_do_not_grow(cast, django_assert_max_num_queries):
    for n in range(PAGE_SIZE + 5):
        audit(Action.ROLE_GRANTED, actor=cast.coordinator, target=cast.volunteer,
              detail={"n": n})  # fmt: skip
    client = cast.client("coordinator")
    client.get(AUDIT)  # warm the session and caches
    with django_assert_max_num_queries(8):
        first = client.get(AUDIT)
    assert "n: 54" in text(first)
    assert "n: 4 " not in text(first) + " "
    assert "Page 1 of 2" in text(first)
    second = text(client.get(AUDIT, {"page": 2}))
    assert "n: 0" in second
    assert "n: 54" not in second


def test_someone_not_coordinating_cannot_read_the_log_through_filters(cast):
    UserFactory(email="volunteer-spy@example.org", roles=[Role.VOLUNTEER])
    audit(Action.ROLE_GRANTED, actor=cast.coordinator, target=cast.volunteer)
    response = cast.client("volunteer").get(AUDIT, {"actor": cast.coordinator.email})
    assert response.status_code == 403
    assert cast.coordinator.email not in response.content.decode()
