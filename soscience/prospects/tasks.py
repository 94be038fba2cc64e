"""Background work of prospecting: the daily reminders of actions due (docs/operations.md)."""

from __future__ import annotations

from django.tasks import task

from soscience.prospects.services import prospect_reminders_send


@task()
def send_prospect_reminders() -> int:
    """Tell owners (or every coordinator) of the prospects whose next action is due."""
    return prospect_reminders_send()
