"""Queue (or run at once) the stall alerts about quiet missions.

Run daily from cron; see docs/operations.md.
"""

from soscience.core.management.scheduled import ScheduledTaskCommand
from soscience.execution.tasks import raise_stall_alerts


class Command(ScheduledTaskCommand):
    help = "Alert supervisors, then coordinators, about missions gone quiet or late."
    task = raise_stall_alerts
    done = "Alerted {count} people."
    queued = "Queued the stall alert task ({id})."
