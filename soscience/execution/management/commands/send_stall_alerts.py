"""Queue (or run at once) the stall alerts about quiet missions.

Run daily from cron; see docs/operations.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soscience.execution.tasks import raise_stall_alerts


class Command(BaseCommand):
    help = "Alert supervisors, then coordinators, about missions gone quiet or late."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true",
            help="Run in this process instead of queueing the task for the worker.",
        )  # fmt: skip

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            told = raise_stall_alerts.call()
            self.stdout.write(f"Alerted {told} people.")
            return
        result = raise_stall_alerts.enqueue()
        self.stdout.write(f"Queued the stall alert task ({result.id}).")
