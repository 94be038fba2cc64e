"""Queue (or run at once) the weekly campus digests of new missions.

Run weekly from cron; see docs/operations.md.
"""

from soscience.core.management.scheduled import ScheduledTaskCommand
from soscience.network.tasks import send_campus_digests


class Command(ScheduledTaskCommand):
    help = "Mail the volunteers who asked for it the missions newly open to their campus."
    task = send_campus_digests
    done = "Sent the campus digest to {count} people."
    queued = "Queued the campus digest task ({id})."
