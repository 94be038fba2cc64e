"""Queue (or run at once) the reminders of prospects' actions due.

Run daily from cron; see docs/operations.md.
"""

from soscience.core.management.scheduled import ScheduledTaskCommand
from soscience.prospects.tasks import send_prospect_reminders


class Command(ScheduledTaskCommand):
    help = "Remind owners (or every coordinator) of prospects whose next action is due."
    task = send_prospect_reminders
    done = "Sent {count} reminders."
    queued = "Queued the prospect reminder task ({id})."
