"""Background work shared by all apps."""

from __future__ import annotations

from django.tasks import task

from soscience.core.outbox import send_due_mail


@task(priority=10)
def send_queued_mail() -> int:
    """Send the outbox's due mails (queued when a transaction that wrote mail commits, and
    every minute by cron so that retries happen; see docs/operations.md)."""
    return send_due_mail()
