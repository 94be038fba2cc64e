"""Overdue loans of team equipment: the borrower and the supervisor are reminded once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from soscience.applications.models import Application, TeamMember
from soscience.execution.models import Loan
from soscience.execution.tasks_loans import loan_reminders_send
from soscience.missions.models import Mission
from soscience.notifications.models import Notification
from tests.factories import MissionFactory

TODAY = timezone.localdate()


@pytest.fixture
def mission(cast) -> Mission:
    """A mission in progress, supervised, with cast.volunteer on its team."""
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, created_by=cast.coordinator,
        status=Mission.Status.IN_PROGRESS, title="Sand filter",
        start_date=TODAY - dt.timedelta(days=20), end_date=TODAY + dt.timedelta(days=40),
    )  # fmt: skip
    application = Application.objects.create(
        mission=mission, volunteer=cast.volunteer, status=Application.Status.SELECTED,
        applied_at=timezone.now(),
    )  # fmt: skip
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=cast.volunteer, seat=1,
        capacity=mission.team_size,
    )  # fmt: skip
    return mission


def _lend(cast, mission, *, due_in: int, returned: bool = False) -> Loan:
    """A multimeter lent ten days ago through the equipment page, due back in ``due_in``
    days (negative: already late)."""
    response = cast.client("volunteer").post(
        reverse("equipment:loan_create", args=[mission.pk]),
        {"item": "Multimeter", "lent_to": cast.volunteer.pk,
         "lent_on": (TODAY - dt.timedelta(days=10)).isoformat(),
         "due_back_on": (TODAY + dt.timedelta(days=due_in)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    loan = Loan.objects.latest("pk")
    if returned:
        cast.client("supervisor").post(reverse("equipment:loan_return", args=[loan.pk]))
    return loan


def _run(django_capture_on_commit_callbacks, today: dt.date | None = None) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return loan_reminders_send(today=today)


def test_an_overdue_loan_reminds_the_borrower_and_the_supervisor_once(
    cast, mission, django_capture_on_commit_callbacks
):
    loan = _lend(cast, mission, due_in=-2)

    assert _run(django_capture_on_commit_callbacks) == 2

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.volunteer.email, cast.supervisor.email]
    )
    to_borrower = next(m for m in mail.outbox if m.to == [cast.volunteer.email])
    assert "Equipment to return: Multimeter (Sand filter)" in to_borrower.subject
    assert "was due back on" in to_borrower.body
    assert reverse("equipment:list", args=[mission.pk]) in to_borrower.body
    to_supervisor = next(m for m in mail.outbox if m.to == [cast.supervisor.email])
    assert cast.volunteer.full_name in to_supervisor.body
    assert cast.volunteer.notifications.filter(text__contains="Multimeter").count() == 1
    assert cast.supervisor.notifications.filter(text__contains="Multimeter").count() == 1
    loan.refresh_from_db()
    assert loan.reminded_on == TODAY

    # A second run, the same day or later, tells nobody again.
    assert _run(django_capture_on_commit_callbacks) == 0
    assert _run(django_capture_on_commit_callbacks, TODAY + dt.timedelta(days=7)) == 0
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(text__contains="Multimeter").count() == 2

    page = cast.client("volunteer").get(reverse("equipment:list", args=[mission.pk]))
    assert "Reminder sent on" in page.content.decode()


def test_returned_or_not_yet_due_loans_are_not_reminded(
    cast, mission, django_capture_on_commit_callbacks
):
    returned = _lend(cast, mission, due_in=-3, returned=True)
    due_today = _lend(cast, mission, due_in=0)
    later = _lend(cast, mission, due_in=5)

    assert _run(django_capture_on_commit_callbacks) == 0

    assert mail.outbox == []
    assert not Notification.objects.filter(text__contains="Multimeter").exists()
    assert [
        loan.reminded_on for loan in Loan.objects.filter(pk__in=[returned.pk, due_today.pk])
    ] == [None, None]
    # The day after its due date, the one still out is reminded; the returned one never.
    assert _run(django_capture_on_commit_callbacks, TODAY + dt.timedelta(days=1)) == 2
    later.refresh_from_db()
    assert later.reminded_on is None
    returned.refresh_from_db()
    assert returned.reminded_on is None


def test_a_mission_without_supervisor_reminds_the_borrower_only(
    cast, mission, django_capture_on_commit_callbacks
):
    Mission.objects.filter(pk=mission.pk).update(supervisor=None)
    _lend(cast, mission, due_in=-1)
    assert _run(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[cast.volunteer.email]]


def test_the_command_sends_the_reminders_in_place(
    cast, mission, django_capture_on_commit_callbacks, capsys
):
    _lend(cast, mission, due_in=-1)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_loan_reminders", "--now")
        call_command("send_loan_reminders", "--now")
    output = capsys.readouterr().out
    assert "Reminded 2 people." in output
    assert "Reminded 0 people." in output
    assert len(mail.outbox) == 2
    assert Loan.objects.get().reminded_on == TODAY


def test_the_command_queues_the_task_for_the_worker(cast, mission, capsys):
    # The tests' task backend runs a queued task at once: the reminder is sent all the same.
    loan = _lend(cast, mission, due_in=-1)
    call_command("send_loan_reminders")
    assert "Queued the loan reminder task" in capsys.readouterr().out
    loan.refresh_from_db()
    assert loan.reminded_on == TODAY
