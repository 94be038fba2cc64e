"""Queue (or run at once) the retention job: warn, then anonymise, inactive volunteers.

Run daily from cron; see docs/operations.md.
"""

from soscience.core.management.scheduled import ScheduledTaskCommand
from soscience.privacy.tasks import apply_retention


class Command(ScheduledTaskCommand):
    help = "Warn volunteers inactive for the configured years; anonymise them 30 days later."
    task = apply_retention
    done = "Retention: {count} people warned or anonymised."
    queued = "Queued the retention task ({id})."
