"""Queue (or run at once) the reminder about applications waiting for an answer.

Run daily from cron; see docs/operations.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soscience.applications.tasks import remind_unanswered_applications


class Command(BaseCommand):
    help = "Remind coordinators of applications whose answer is due within two days or late."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true",
            help="Run in this process instead of queueing the task for the worker.",
        )  # fmt: skip

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            told = remind_unanswered_applications.call()
            self.stdout.write(f"Reminded {told} people.")
            return
        result = remind_unanswered_applications.enqueue()
        self.stdout.write(f"Queued the reminder task ({result.id}).")
