"""Queue (or run at once) the weekly digest of new missions for volunteers who chose it.

Run weekly from cron; see docs/operations.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soscience.matching.tasks import send_weekly_digests


class Command(BaseCommand):
    help = (
        "Send volunteers who chose the weekly digest the missions published in the last "
        "seven days that fit their profile."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true",
            help="Run in this process instead of queueing the task for the worker.",
        )  # fmt: skip

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            told = send_weekly_digests.call()
            self.stdout.write(f"Sent the weekly digest to {told} volunteers.")
            return
        result = send_weekly_digests.enqueue()
        self.stdout.write(f"Queued the weekly digest task ({result.id}).")
