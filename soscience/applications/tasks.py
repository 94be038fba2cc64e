"""Background work for applications: the daily reminder about answers falling due."""

from __future__ import annotations

from django.tasks import task

from soscience.applications.services import applications_remind_due


@task()
def remind_unanswered_applications() -> int:
    """Remind coordinators (and supervisors) of open applications whose answer is due
    within two days or late. Returns how many people were reminded."""
    return applications_remind_due()
