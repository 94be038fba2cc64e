"""The outbox: mail is written as a row in the transaction of the action that causes it,
and the worker sends it afterwards.

Why a table rather than a task per mail: the row commits (or rolls back) with the action,
so a crash between the action and the queueing cannot lose a mail; a failed delivery is
retried with back-off from the same row; and the row records what was sent.

Sending one mail is one transaction that holds the row locked during the SMTP conversation
and marks it sent before committing. If the worker is killed mid-batch, the mails already
sent are marked; the one in flight rolls back and is sent on the next run. The only mail
that can arrive twice is one whose SMTP server accepted it in the instant between its
"250 OK" and our commit; it carries the same Message-ID both times (see docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
import smtplib
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.db import transaction
from django.utils import timezone

from soscience.core.models import OutgoingMail

# A batch stops at this many mails so a worker slot is not held for ever; the next nudge or
# cron run goes on.
BATCH = 500
LONGEST_WAIT = dt.timedelta(hours=6)


def _message_id() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "soscience"
    return make_msgid(idstring="soscience", domain=domain)


def outbox_add(message: EmailMessage) -> OutgoingMail:
    """Write ``message`` to the outbox, inside the caller's transaction."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = str(content)
    return OutgoingMail.objects.create(
        to=[str(address) for address in message.to],
        from_email=message.from_email or "",
        reply_to=[str(address) for address in message.reply_to],
        subject=str(message.subject)[:300],
        body=str(message.body),
        html=html,
        message_id=_message_id(),
    )


def _as_message(mail: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        to=mail.to,
        from_email=mail.from_email or None,
        reply_to=mail.reply_to,
        headers={"Message-ID": mail.message_id},
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def retry_delay(attempts: int) -> dt.timedelta:
    """Back-off after ``attempts`` failed attempts: 1, 2, 4, 8 ... minutes, at most 6 hours."""
    base = dt.timedelta(seconds=settings.SOSCIENCE_MAIL_RETRY_SECONDS)
    return min(base * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _failed(mail: OutgoingMail, error: Exception) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    if mail.attempts >= settings.SOSCIENCE_MAIL_MAX_ATTEMPTS:
        mail.status = OutgoingMail.Status.FAILED
    else:
        mail.next_attempt_at = timezone.now() + retry_delay(mail.attempts)
    mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def _next_due() -> OutgoingMail | None:
    return (
        OutgoingMail.objects.select_for_update(skip_locked=True)
        .filter(status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .first()
    )


def send_due_mail(*, limit: int = BATCH) -> int:
    """Send the mails that are due, oldest first; returns how many were sent.

    Stops at the first failure to reach the server (it is down: no use trying the rest now);
    a mail the server refuses is retried later on its own, and the batch goes on.
    """
    sent = 0
    backend = mailers.default
    try:
        for _ in range(limit):
            with transaction.atomic():
                mail = _next_due()
                if mail is None:
                    break
                try:
                    backend.send_messages([_as_message(mail)])
                except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as error:
                    # The server answered but refused this mail: others may pass.
                    _failed(mail, error)
                    continue
                except (smtplib.SMTPException, OSError) as error:
                    _failed(mail, error)
                    break
                mail.status = OutgoingMail.Status.SENT
                mail.attempts += 1
                mail.sent_at = timezone.now()
                mail.save(update_fields=["status", "attempts", "sent_at"])
                sent += 1
    finally:
        backend.close()
    return sent


@transaction.atomic
def outbox_requeue_failed() -> list[OutgoingMail]:
    """Give every mail that ran out of attempts a fresh start (after an outage is fixed)."""
    failed = list(
        OutgoingMail.objects.select_for_update().filter(status=OutgoingMail.Status.FAILED)
    )
    for mail in failed:
        mail.status = OutgoingMail.Status.QUEUED
        mail.attempts = 0
        mail.next_attempt_at = timezone.now()
        mail.save(update_fields=["status", "attempts", "next_attempt_at"])
    return failed
