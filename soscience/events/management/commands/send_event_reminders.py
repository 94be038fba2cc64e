"""Queue (or run at once) the reminders of tomorrow's events.

Run daily from cron; see docs/operations.md.
"""

from soscience.core.management.scheduled import ScheduledTaskCommand
from soscience.events.tasks import send_event_reminders


class Command(ScheduledTaskCommand):
    help = "Remind everyone holding a place at an event the day before."
    task = send_event_reminders
    done = "Reminded {count} people."
    queued = "Queued the event reminder task ({id})."
