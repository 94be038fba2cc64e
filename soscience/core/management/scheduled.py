"""The shape of the commands cron runs: queue a task for the worker, or run it at once."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandParser
from django.tasks import Task


class ScheduledTaskCommand(BaseCommand):
    """Subclasses name the task (it returns how many people it told) and two messages."""

    task: ClassVar[Task]
    done: ClassVar[str]  # formatted with {count}
    queued: ClassVar[str]  # formatted with {id}

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true",
            help="Run in this process instead of queueing the task for the worker.",
        )  # fmt: skip

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            self.stdout.write(self.done.format(count=self.task.call()))
            return
        self.stdout.write(self.queued.format(id=self.task.enqueue().id))
