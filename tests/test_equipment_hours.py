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
    # The request's own mail (to the supervisor) leaves when its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
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
    # Each client's first page records its browser session (allauth's user sessions):
    # counted once per log-in, not per page, so not pinned here.
    supervisor.get(reverse("equipment:list", args=[mission.pk]))
    volunteer.get(reverse("equipment:hours", args=[mission.pk]))
    with django_assert_max_num_queries(13):
        assert supervisor.get(reverse("equipment:list", args=[mission.pk])).status_code == 200
    # One more than a volunteer's: the second factor a supervisor must have is checked.
    with django_assert_max_num_queries(12):
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


# --- correcting and deleting hours, withdrawing a validation ------------------------------


def _entry(mission, volunteer, *, validated_by=None, **overrides) -> HoursEntry:
    data = {"worked_on": TODAY - dt.timedelta(days=2), "hours": Decimal("3"),
            "description": "Pump tests", **overrides}  # fmt: skip
    if validated_by is not None:
        data.update(validated_by=validated_by, validated_at=timezone.now())
    return HoursEntry.objects.create(mission=mission, volunteer=volunteer, **data)


def _edit(client, entry, **overrides):
    data = {"worked_on": (TODAY - dt.timedelta(days=3)).isoformat(), "hours": "1.5",
            "description": "Pump tests, second round", **overrides}  # fmt: skip
    return client.post(reverse("equipment:hours_edit", args=[entry.pk]), data)


def test_volunteer_corrects_their_pending_entry(cast, mission):
    entry = _entry(mission, cast.volunteer)
    client = cast.client("volunteer")
    listing = client.get(reverse("equipment:hours", args=[mission.pk])).content.decode()
    assert reverse("equipment:hours_edit", args=[entry.pk]) in listing
    form = client.get(reverse("equipment:hours_edit", args=[entry.pk]))
    assert 'value="Pump tests"' in form.content.decode()

    response = _edit(client, entry)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.worked_on, entry.hours, entry.description) == (
        TODAY - dt.timedelta(days=3), Decimal("1.5"), "Pump tests, second round",
    )  # fmt: skip
    page = client.get(response["Location"]).content.decode()
    assert "Your entry was corrected." in page
    assert "Pump tests, second round" in page


def test_volunteer_deletes_their_pending_entry(cast, mission):
    entry = _entry(mission, cast.volunteer)
    page = cast.client("volunteer").post(
        reverse("equipment:hours_delete", args=[entry.pk]), follow=True
    )
    assert "Your entry was deleted." in page.content.decode()
    assert not HoursEntry.objects.exists()
    assert page.context["totals"].pending == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("worked_on", (TODAY + dt.timedelta(days=1)).isoformat(),
         "Hours cannot be logged for a future date."),
        ("worked_on", (TODAY - dt.timedelta(days=30)).isoformat(),
         "The date must be within the mission"),
        ("hours", "0", "Between 0.25 and 24 hours a day."),
    ],
)  # fmt: skip
def test_bad_correction_is_refused_next_to_the_field(cast, mission, field, value, message):
    entry = _entry(mission, cast.volunteer)
    response = _edit(cast.client("volunteer"), entry, **{field: value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert f'value="{value}"' in page
    assert "Pump tests, second round" in page
    entry.refresh_from_db()
    assert (entry.worked_on, entry.hours, entry.description) == (
        TODAY - dt.timedelta(days=2), Decimal("3"), "Pump tests",
    )  # fmt: skip


def test_someone_elses_entry_cannot_be_changed(cast, mission):
    _join(mission, cast.other_volunteer, seat=2)
    entry = _entry(mission, cast.other_volunteer)
    volunteer = cast.client("volunteer")
    assert volunteer.get(reverse("equipment:hours_edit", args=[entry.pk])).status_code == 404
    assert _edit(volunteer, entry).status_code == 404
    delete = reverse("equipment:hours_delete", args=[entry.pk])
    assert volunteer.post(delete).status_code == 404
    # The supervisor sees it on the hours page but corrects nobody's time sheet.
    assert _edit(cast.client("supervisor"), entry).status_code == 403
    entry.refresh_from_db()
    assert entry.description == "Pump tests"


def test_a_validated_entry_is_locked_with_the_reason(cast, mission):
    entry = _entry(mission, cast.volunteer, validated_by=cast.supervisor)
    client = cast.client("volunteer")
    listing = client.get(reverse("equipment:hours", args=[mission.pk])).content.decode()
    assert reverse("equipment:hours_edit", args=[entry.pk]) not in listing

    form = client.get(reverse("equipment:hours_edit", args=[entry.pk])).content.decode()
    assert "These hours were validated: they can no longer be changed." in form
    edit = _edit(client, entry)
    assert edit.status_code == 200
    assert "These hours were validated" in edit.content.decode()
    delete = client.post(reverse("equipment:hours_delete", args=[entry.pk]), follow=True)
    assert "These hours were validated" in delete.content.decode()
    entry.refresh_from_db()
    assert entry.description == "Pump tests"
    assert entry.validated_at is not None


def test_hours_of_a_finished_mission_stay_as_they_are(cast, mission):
    entry = _entry(mission, cast.volunteer)
    mission.status = Mission.Status.CANCELLED
    mission.save()
    edit = _edit(cast.client("volunteer"), entry)
    assert "its hours can no longer be changed" in edit.content.decode()
    entry.refresh_from_db()
    assert entry.description == "Pump tests"


def _unvalidate(client, entry, reason="The date is wrong: it was Tuesday."):
    return client.post(reverse("equipment:hours_unvalidate", args=[entry.pk]), {"reason": reason})


def test_supervisor_withdraws_a_validation_and_the_volunteer_is_told(
    cast, mission, django_capture_on_commit_callbacks
):
    entry = _entry(mission, cast.volunteer, validated_by=cast.supervisor)
    supervisor = cast.client("supervisor")
    listing = supervisor.get(reverse("equipment:hours", args=[mission.pk])).content.decode()
    assert reverse("equipment:hours_unvalidate", args=[entry.pk]) in listing
    assert supervisor.get(reverse("equipment:hours_unvalidate", args=[entry.pk])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = _unvalidate(supervisor, entry)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.validated_at is None
    assert entry.validated_by is None
    assert [m.to for m in mail.outbox] == [[cast.volunteer.email]]
    assert "Validation of your hours withdrawn" in mail.outbox[0].subject
    assert "The date is wrong: it was Tuesday." in mail.outbox[0].body
    assert cast.volunteer.notifications.filter(text__contains="withdrawn").exists()
    # Pending again: the volunteer can now correct it.
    assert _edit(cast.client("volunteer"), entry).status_code == 302


def test_withdrawing_needs_a_reason(cast, mission):
    entry = _entry(mission, cast.volunteer, validated_by=cast.supervisor)
    response = _unvalidate(cast.client("coordinator"), entry, reason="  ")
    assert response.status_code == 200
    assert "Say why the validation is withdrawn." in " ".join(
        response.context["form"].errors["reason"]
    )
    entry.refresh_from_db()
    assert entry.validated_at is not None


def test_withdrawing_a_pending_entry_is_refused(cast, mission):
    entry = _entry(mission, cast.volunteer)
    response = _unvalidate(cast.client("supervisor"), entry)
    assert "there is nothing to withdraw" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("volunteer", 403), ("other_volunteer", 404),
                                              ("member", 403)])  # fmt: skip
def test_only_those_who_validate_withdraw(cast, mission, who, status):
    entry = _entry(mission, cast.volunteer, validated_by=cast.supervisor)
    assert _unvalidate(cast.client(who), entry).status_code == status
    entry.refresh_from_db()
    assert entry.validated_at is not None


# --- a finished mission's equipment -------------------------------------------------------
# Closed or cancelled, a mission's accounts stay as they stand: nothing is decided, ordered
# or lent any more. What was already bought is still recorded as received (the money was
# spent), a request not received yet can be cancelled, lent equipment can be given back.

FINISHED = [Mission.Status.CLOSED, Mission.Status.CANCELLED]


def _finish(mission: Mission, status: str) -> None:
    Mission.objects.filter(pk=mission.pk).update(status=status)


def _item(mission, requester, status, cost="40.00") -> EquipmentRequest:
    return EquipmentRequest.objects.create(
        mission=mission, requested_by=requester, item=f"Pump ({status})", reason="Tests.",
        estimated_cost=Decimal(cost), status=status,
    )  # fmt: skip


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("status", FINISHED)
@pytest.mark.parametrize(
    ("who", "pending", "decision", "coordinator"),
    [
        ("supervisor", EquipmentRequest.Status.REQUESTED, "approve", False),
        ("supervisor", EquipmentRequest.Status.REQUESTED, "refuse", False),
        ("coordinator", EquipmentRequest.Status.REQUESTED, "approve", True),
        ("coordinator", EquipmentRequest.Status.AWAITING_COORDINATOR, "approve", True),
        ("coordinator", EquipmentRequest.Status.AWAITING_COORDINATOR, "refuse", True),
    ],
)  # fmt: skip
def test_a_finished_mission_decides_no_more_equipment(
    cast, mission, django_capture_on_commit_callbacks, status, who, pending, decision, coordinator
):
    item = _item(mission, cast.volunteer, pending)
    _finish(mission, status)

    with django_capture_on_commit_callbacks(execute=True):
        page = _decide(cast.client(who), item, decision, "Too late.", coordinator=coordinator)

    label = Mission.Status(status).label
    assert (
        f"The mission is “{label}”: its equipment is no longer decided. A request still pending "
        "can only be cancelled." in _page(page)
    )
    item.refresh_from_db()
    assert (item.status, item.decided_by, item.refusal_reason) == (pending, None, "")
    assert mail.outbox == []


@pytest.mark.parametrize("status", FINISHED)
def test_a_finished_mission_orders_nothing_more(cast, mission, status):
    approved = _item(mission, cast.volunteer, EquipmentRequest.Status.APPROVED)
    _finish(mission, status)

    page = cast.client("supervisor").post(reverse("equipment:ordered", args=[approved.pk]),
                                          follow=True)  # fmt: skip

    label = Mission.Status(status).label
    assert f"The mission is “{label}”: nothing more is ordered for it." in _page(page)
    approved.refresh_from_db()
    assert approved.status == EquipmentRequest.Status.APPROVED


@pytest.mark.parametrize("status", FINISHED)
def test_a_finished_mission_records_what_was_bought_and_cancels_the_rest(cast, mission, status):
    Status = EquipmentRequest.Status
    ordered = _item(mission, cast.volunteer, Status.ORDERED)
    approved = _item(mission, cast.volunteer, Status.APPROVED, cost="30.00")
    pending = _item(mission, cast.volunteer, Status.REQUESTED)
    _finish(mission, status)
    supervisor = cast.client("supervisor")

    received = supervisor.post(reverse("equipment:received", args=[ordered.pk]),
                               {"real_cost": "42.50"}, follow=True)  # fmt: skip
    assert "Marked as received." in _page(received)
    supervisor.post(reverse("equipment:cancel", args=[approved.pk]))
    # The requester drops their own pending request.
    page = cast.client("volunteer").post(reverse("equipment:cancel", args=[pending.pk]),
                                         follow=True)  # fmt: skip

    assert "Request cancelled." in _page(page)
    statuses = [r.status for r in EquipmentRequest.objects.order_by("pk")]
    assert statuses == [Status.RECEIVED, Status.CANCELLED, Status.CANCELLED]
    spend = page.context["spend"]
    assert (spend.committed, spend.spent, spend.remaining) == (
        Decimal("42.50"), Decimal("42.50"), Decimal("57.50"),
    )  # fmt: skip
    # Nothing to request on a finished mission: the form is not offered.
    assert reverse("equipment:request_create", args=[mission.pk]) not in _page(page)
    refused = _request(cast.client("volunteer"), mission)
    assert "only be requested while the mission is running" in _page(refused)
    assert EquipmentRequest.objects.count() == 3


@pytest.mark.parametrize("status", FINISHED)
def test_a_finished_mission_lends_nothing_but_takes_its_equipment_back(cast, mission, status):
    lent = Loan.objects.create(
        mission=mission, item="Oscilloscope", lent_to=cast.volunteer, lent_by=cast.supervisor,
        lent_on=TODAY - dt.timedelta(days=3), due_back_on=TODAY - dt.timedelta(days=1),
    )  # fmt: skip
    _finish(mission, status)
    client = cast.client("volunteer")

    refused = client.post(reverse("equipment:loan_create", args=[mission.pk]), {
        "item": "Soldering iron", "lent_to": cast.volunteer.pk,
        "lent_on": TODAY.isoformat(), "due_back_on": TODAY.isoformat()})  # fmt: skip

    assert refused.status_code == 200
    label = Mission.Status(status).label
    message = f"The mission is “{label}”: its equipment is no longer lent, only given back."
    assert message in refused.context["loan_form"].non_field_errors()
    assert 'value="Soldering iron"' in _page(refused)
    assert list(Loan.objects.values_list("item", flat=True)) == ["Oscilloscope"]

    returned = client.post(reverse("equipment:loan_return", args=[lent.pk]), follow=True)
    assert "Marked as returned." in _page(returned)
    lent.refresh_from_db()
    assert lent.returned_on == TODAY


@pytest.mark.parametrize("status", FINISHED)
def test_a_finished_missions_equipment_page_offers_only_what_is_still_possible(
    cast, mission, status
):
    _item(mission, cast.volunteer, EquipmentRequest.Status.REQUESTED)
    _item(mission, cast.volunteer, EquipmentRequest.Status.APPROVED)
    _finish(mission, status)
    page = _page(cast.client("supervisor").get(reverse("equipment:list", args=[mission.pk])))
    assert "This mission is over" in page
    assert "/decide/" not in page
    assert "/ordered/" not in page
    assert "Record a loan" not in page
    assert "/received/" in page  # what was bought can still be recorded
    assert "/cancel/" in page
