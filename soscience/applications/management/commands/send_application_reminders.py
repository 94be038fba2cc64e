"""Queue (or run at once) the reminder about applications waiting for an answer.

Run daily from cron; see docs/operations.md.
"""

from soscience.applications.tasks import remind_unanswered_applications
from soscience.core.management.scheduled import ScheduledTaskCommand


class Command(ScheduledTaskCommand):
    help = "Remind coordinators of applications whose answer is due within two days or late."
    task = remind_unanswered_applications
    done = "Reminded {count} people."
    queued = "Queued the reminder task ({id})."
