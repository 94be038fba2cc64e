"""Queue (or run at once) the reminders about loans of team equipment overdue.

Run daily from cron; see docs/operations.md.
"""

from soscience.core.management.scheduled import ScheduledTaskCommand
from soscience.execution.tasks_loans import send_loan_reminders


class Command(ScheduledTaskCommand):
    help = "Remind borrowers (and the mission's supervisor) of equipment not returned in time."
    task = send_loan_reminders
    done = "Reminded {count} people."
    queued = "Queued the loan reminder task ({id})."
