"""Background work shared by all apps."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task(priority=10)
def deliver_mail(
    *, subject: str, body: str, to: list[str], from_email: str | None = None,
    html: str | None = None, reply_to: list[str] | None = None,
) -> None:  # fmt: skip
    """Send one mail. Runs in the worker: an SMTP failure raises, the task is marked
    failed and can be retried, and the action that caused the mail is already saved."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=to, from_email=from_email, reply_to=reply_to or []
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
