"""Queue (or run at once) the weekly digest of new missions for volunteers who chose it.

Run weekly from cron; see docs/operations.md.
"""

from soscience.core.management.scheduled import ScheduledTaskCommand
from soscience.matching.tasks import send_weekly_digests


class Command(ScheduledTaskCommand):
    help = (
        "Send volunteers who chose the weekly digest the missions published in the last "
        "seven days that fit their profile."
    )
    task = send_weekly_digests
    done = "Sent the weekly digest to {count} volunteers."
    queued = "Queued the weekly digest task ({id})."
