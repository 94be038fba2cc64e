"""Queue (or run at once) the daily digests. Run daily from cron; see docs/operations.md."""

from soscience.core.management.scheduled import ScheduledTaskCommand
from soscience.notifications.tasks import send_daily_digests


class Command(ScheduledTaskCommand):
    help = "Mail each person who chose daily digests what the platform told them since."
    task = send_daily_digests
    done = "Sent {count} daily digests."
    queued = "Queued the daily digest task ({id})."
