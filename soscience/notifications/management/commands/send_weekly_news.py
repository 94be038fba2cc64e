"""Queue (or run at once) the weekly news of organisations that chose it. Run weekly from
cron; see docs/operations.md."""

from soscience.core.management.scheduled import ScheduledTaskCommand
from soscience.notifications.tasks import send_weekly_news


class Command(ScheduledTaskCommand):
    help = "Mail the members of organisations that chose weekly news the week's mission news."
    task = send_weekly_news
    done = "Sent {count} weekly news digests."
    queued = "Queued the weekly news task ({id})."
