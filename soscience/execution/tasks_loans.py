"""Overdue loans: the borrower (and the mission's supervisor) are reminded once, by a daily
job (see docs/operations.md)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.execution.models import Loan
from soscience.notifications.services import notify

MAIL = "execution/mail/"


def loan_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind the borrower of each loan past its due date and not returned, and tell the
    mission's supervisor. Returns how many people were told.

    Idempotent: ``Loan.reminded_on`` is set in the same transaction as the notifications,
    so a second run (or a concurrent one) tells nobody twice, and a crash loses nothing.
    """
    today = today or timezone.localdate()
    overdue = Loan.objects.filter(
        returned_on__isnull=True, reminded_on__isnull=True, due_back_on__lt=today
    ).order_by("pk")
    return sum(_remind(pk, today) for pk in overdue.values_list("pk", flat=True))


@transaction.atomic
def _remind(pk: int, today: dt.date) -> int:
    # Claim the loan with a conditional update: only the run that flips ``reminded_on``
    # sends, and a loan returned meanwhile is left alone.
    still_out = Loan.objects.filter(pk=pk, returned_on__isnull=True, reminded_on__isnull=True)
    claimed = still_out.update(reminded_on=today)
    if not claimed:
        return 0
    loan = Loan.objects.select_related("mission__supervisor", "lent_to").get(pk=pk)
    context = {
        "mission": loan.mission.title,
        "item": loan.item,
        "borrower": loan.lent_to.full_name,
        "lent_on": loan.lent_on,
        "due": loan.due_back_on,
        "days": (today - loan.due_back_on).days,
    }
    url = reverse("equipment:list", kwargs={"pk": loan.mission_id})
    told = 0
    if loan.lent_to.is_active:
        notify(loan.lent_to, MAIL + "loan_overdue", context, url=url)
        told += 1
    supervisor: User | None = loan.mission.supervisor
    if supervisor and supervisor.is_active and supervisor.pk != loan.lent_to_id:
        notify(supervisor, MAIL + "loan_overdue_supervisor", context, url=url)
        told += 1
    return told


@task()
def send_loan_reminders() -> int:
    """Daily: remind borrowers (and supervisors) of equipment overdue."""
    return loan_reminders_send()
