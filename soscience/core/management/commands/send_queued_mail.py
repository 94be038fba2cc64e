"""Queue (or run at once) the sending of the outbox's due mails; --retry-failed first gives
the mails that ran out of attempts a fresh start.

Run every minute from cron so that retries happen; see docs/operations.md.
"""

from typing import Any

from django.core.management.base import CommandParser

from soscience.core.management.scheduled import ScheduledTaskCommand
from soscience.core.outbox import outbox_requeue_failed
from soscience.core.tasks import send_queued_mail


class Command(ScheduledTaskCommand):
    help = "Send the mails waiting in the outbox (retries included)."
    task = send_queued_mail
    done = "Sent {count} mails."
    queued = "Queued the mail sending task ({id})."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--retry-failed", action="store_true",
            help="Queue again the mails that failed their last attempt.",
        )  # fmt: skip

    def handle(self, *args: Any, retry_failed: bool = False, **options: Any) -> None:
        if retry_failed:
            for mail in outbox_requeue_failed():
                self.stdout.write(f"Queued again: {mail.subject!r} to {', '.join(mail.to)}")
        super().handle(*args, **options)
