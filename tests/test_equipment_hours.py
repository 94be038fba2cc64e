"""Equipment requests and hours of a running mission, through the pages people use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from soscience.applications.models import Application, TeamMember
from soscience.execution.models import EquipmentRequest, HoursEntry, Loan
from soscience.missions.models import Mission
from tests.factories import MissionFactory

TODAY = timezone.localdate()


@pytest.fixture
def mission(cast) -> Mission:
    """A mission in progress since ten days, supervised, with cast.volunteer on its team."""
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, created_by=cast.coordinator,
        status=Mission.Status.IN_PROGRESS, start_date=TODAY - dt.timedelta(days=10),
        end_date=TODAY + dt.timedelta(days=40), equipment_budget=Decimal("100.00"),
        kicked_off_on=TODAY - dt.timedelta(days=10),
    )  # fmt: skip
    _join(mission, cast.volunteer, seat=1)
    return mission


def _join(mission: Mission, user, seat: int) -> TeamMember:
    application = Application.objects.create(
        mission=mission, volunteer=user, status=Application.Status.SELECTED,
        applied_at=timezone.now(),
    )  # fmt: skip
    return TeamMember.objects.create(
        mission=mission, application=application, volunteer=user, seat=seat,
        capacity=mission.team_size,
    )  # fmt: skip


def _request(client, mission, **overrides):
    data = {"item": "Microcontroller kit", "quantity": 1, "reason": "Sensor prototype",
            "estimated_cost": "40.00", "link": "shop.example.org", **overrides}  # fmt: skip
    return client.post(reverse("equipment:request_create", args=[mission.pk]), data)


def _decide(client, item, decision, reason="", coordinator=False):
    data = {"decision": decision, "reason": reason}
    if coordinator:
        data["as_coordinator"] = "1"
    return client.post(reverse("equipment:decide", args=[item.pk]), data, follow=True)


def test_team_member_requests_and_supervisor_is_told(
    cast, mission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(cast.client("volunteer"), mission)
    assert response.status_code == 302
    item = EquipmentRequest.objects.get(mission=mission)
    assert item.status == EquipmentRequest.Status.REQUESTED
    assert [m.to for m in mail.outbox] == [[cast.supervisor.email]]
    assert "Microcontroller kit" in mail.outbox[0].subject
    page = cast.client("supervisor").get(reverse("equipment:list", args=[mission.pk]))
    assert "Microcontroller kit" in page.content.decode()


def test_non_member_cannot_see_or_request(cast, mission):
    client = cast.client("other_volunteer")
    assert client.get(reverse("equipment:list", args=[mission.pk])).status_code == 404
    assert _request(client, mission).status_code == 404
    assert client.get(reverse("equipment:hours", args=[mission.pk])).status_code == 404
    assert not EquipmentRequest.objects.exists()


def test_supervisor_approves_within_budget_and_requester_is_told(
    cast, mission, django_capture_on_commit_callbacks
):
    _request(cast.client("volunteer"), mission)
    item = EquipmentRequest.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = _decide(cast.client("supervisor"), item, "approve")
    item.refresh_from_db()
    assert item.status == EquipmentRequest.Status.APPROVED
    assert "Committed" in page.content.decode()
    assert [m.to for m in mail.outbox] == [[cast.volunteer.email]]
    assert "approved" in mail.outbox[0].subject


def test_over_budget_needs_a_coordinator(cast, mission, django_capture_on_commit_callbacks):
    _request(cast.client("volunteer"), mission, estimated_cost="150.00")
    item = EquipmentRequest.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(cast.client("supervisor"), item, "approve")
    item.refresh_from_db()
    assert item.status == EquipmentRequest.Status.AWAITING_COORDINATOR
    assert cast.coordinator.email in [m.to[0] for m in mail.outbox]
    # The supervisor cannot settle it, a coordinator can.
    assert _decide(cast.client("supervisor"), item, "approve", coordinator=True).status_code == 403
    _decide(cast.client("coordinator"), item, "approve", coordinator=True)
    item.refresh_from_db()
    assert item.status == EquipmentRequest.Status.APPROVED


def test_refusal_needs_a_reason(cast, mission):
    _request(cast.client("volunteer"), mission)
    item = EquipmentRequest.objects.get()
    page = _decide(cast.client("supervisor"), item, "refuse")
    assert "Say why the request is refused." in page.content.decode()
    item.refresh_from_db()
    assert item.status == EquipmentRequest.Status.REQUESTED
    page = _decide(cast.client("supervisor"), item, "refuse", reason="We have one at the lab.")
    item.refresh_from_db()
    assert item.status == EquipmentRequest.Status.REFUSED
    assert "We have one at the lab." in page.content.decode()


def test_ordered_then_received_updates_spend(cast, mission):
    _request(cast.client("volunteer"), mission)
    item = EquipmentRequest.objects.get()
    supervisor = cast.client("supervisor")
    _decide(supervisor, item, "approve")
    supervisor.post(reverse("equipment:ordered", args=[item.pk]))
    page = supervisor.post(
        reverse("equipment:received", args=[item.pk]), {"real_cost": "35.50"}, follow=True
    )
    item.refresh_from_db()
    assert item.status == EquipmentRequest.Status.RECEIVED
    assert item.real_cost == Decimal("35.50")
    spend = page.context["spend"]
    assert (spend.committed, spend.spent, spend.remaining) == (
        Decimal("35.50"), Decimal("35.50"), Decimal("64.50"),
    )  # fmt: skip
    assert "64.50 EUR" in page.content.decode()


def test_request_on_a_mission_not_running_is_refused(cast, mission):
    mission.status = Mission.Status.CANCELLED
    mission.save()
    response = _request(cast.client("volunteer"), mission)
    assert response.status_code == 200
    assert "only be requested while the mission is running" in response.content.decode()
    assert 'value="Microcontroller kit"' in response.content.decode()
    assert not EquipmentRequest.objects.exists()


def _log(client, mission, **overrides):
    data = {"worked_on": (TODAY - dt.timedelta(days=1)).isoformat(), "hours": "2.5",
            "description": "Filter drawings", **overrides}  # fmt: skip
    return client.post(reverse("equipment:hours_log", args=[mission.pk]), data)


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + dt.timedelta(days=1), "Hours cannot be logged for a future date."),
        (TODAY - dt.timedelta(days=30), "The date must be within the mission"),
    ],
)
def test_hours_in_the_future_or_outside_the_mission_are_refused(cast, mission, day, message):
    response = _log(cast.client("volunteer"), mission, worked_on=day.isoformat())
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors["worked_on"])
    assert "Filter drawings" in response.content.decode()
    assert not HoursEntry.objects.exists()


def test_hours_out_of_range_refused(cast, mission):
    response = _log(cast.client("volunteer"), mission, hours="25")
    assert "Between 0.25 and 24 hours a day." in " ".join(response.context["form"].errors["hours"])
    assert not HoursEntry.objects.exists()


def test_bulk_validation_and_totals(cast, mission):
    _join(mission, cast.other_volunteer, seat=2)
    _log(cast.client("volunteer"), mission)
    _log(cast.client("volunteer"), mission, hours="1")
    _log(cast.client("other_volunteer"), mission, hours="4")
    assert HoursEntry.objects.count() == 3
    first, second = HoursEntry.objects.filter(volunteer=cast.volunteer)
    page = cast.client("supervisor").post(
        reverse("equipment:hours_validate", args=[mission.pk]),
        {"entries": [first.pk, second.pk]}, follow=True,
    )  # fmt: skip
    assert "2 entries validated." in page.content.decode()
    assert page.context["totals"].validated == Decimal("3.5")
    assert page.context["totals"].pending == Decimal("4")
    rows = {r["volunteer__full_name"]: (r["validated"], r["pending"])
            for r in page.context["per_volunteer"]}  # fmt: skip
    assert rows == {
        cast.volunteer.full_name: (Decimal("3.5"), Decimal("0")),
        cast.other_volunteer.full_name: (Decimal("0"), Decimal("4")),
    }
    # A volunteer cannot validate, even their own.
    denied = cast.client("volunteer").post(
        reverse("equipment:hours_validate", args=[mission.pk]), {"entries": [first.pk]}
    )
    assert denied.status_code == 403


def test_organisation_reads_equipment_not_hours(cast, mission):
    client = cast.client("member")
    assert client.get(reverse("equipment:list", args=[mission.pk])).status_code == 200
    assert client.get(reverse("equipment:hours", args=[mission.pk])).status_code == 403


def test_query_counts_are_pinned(cast, mission, django_assert_max_num_queries):
    volunteer = cast.client("volunteer")
    for n in range(6):
        _request(volunteer, mission, item=f"Kit {n}")
        _log(volunteer, mission, hours=str(n + 1))
    supervisor = cast.client("supervisor")
    cast.client("volunteer").post(reverse("equipment:loan_create", args=[mission.pk]), {
        "item": "Multimeter", "lent_to": cast.volunteer.pk, "lent_on": TODAY.isoformat(),
        "due_back_on": TODAY.isoformat()})  # fmt: skip
    with django_assert_max_num_queries(13):
        assert supervisor.get(reverse("equipment:list", args=[mission.pk])).status_code == 200
    with django_assert_max_num_queries(11):
        assert supervisor.get(reverse("equipment:hours", args=[mission.pk])).status_code == 200
    with django_assert_max_num_queries(11):
        assert volunteer.get(reverse("equipment:hours", args=[mission.pk])).status_code == 200


def test_loans_of_team_equipment(cast, mission):
    """Team equipment lent to a member, overdue shown, then returned; a loan to someone
    outside the team is refused next to the field."""
    client = cast.client("volunteer")
    url = reverse("equipment:loan_create", args=[mission.pk])
    data = {"item": "Multimeter", "lent_to": cast.volunteer.pk,
            "lent_on": (TODAY - dt.timedelta(days=5)).isoformat(),
            "due_back_on": (TODAY - dt.timedelta(days=1)).isoformat()}  # fmt: skip
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("equipment:list", args=[mission.pk])).content.decode()
    assert "Multimeter" in page
    assert "(overdue)" in page
    loan = Loan.objects.get()
    client.post(reverse("equipment:loan_return", args=[loan.pk]))
    loan.refresh_from_db()
    assert loan.returned_on == TODAY
    refused = client.post(url, {**data, "lent_to": cast.other_volunteer.pk})
    assert "lent_to" in refused.context["loan_form"].errors
    assert Loan.objects.count() == 1
    bad_dates = client.post(
        url, {**data, "due_back_on": (TODAY - dt.timedelta(days=9)).isoformat()}
    )
    assert "It is due back after it is lent." in bad_dates.content.decode()
    assert Loan.objects.count() == 1


def test_a_coordinator_settles_an_over_budget_request_in_one_step(cast, mission):
    _request(cast.client("volunteer"), mission, estimated_cost="150.00")
    item = EquipmentRequest.objects.get()
    page = cast.client("coordinator").get(reverse("equipment:list", args=[mission.pk]))
    assert 'name="as_coordinator"' in page.content.decode()
    _decide(cast.client("coordinator"), item, "approve", coordinator=True)
    item.refresh_from_db()
    assert item.status == EquipmentRequest.Status.APPROVED
    page = cast.client("supervisor").get(reverse("equipment:list", args=[mission.pk]))
    assert "(over budget)" in page.content.decode()
