"""Queue (or run at once) the follow-up surveys to organisations months after closing.

Run daily from cron; see docs/operations.md.
"""

from soscience.closing.tasks import send_follow_ups
from soscience.core.management.scheduled import ScheduledTaskCommand


class Command(ScheduledTaskCommand):
    help = "Send the follow-up surveys due to organisations, and remind once those unanswered."
    task = send_follow_ups
    done = "Sent {count} follow-up mails."
    queued = "Queued the follow-up survey task ({id})."
