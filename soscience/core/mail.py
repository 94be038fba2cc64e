"""Mail from the platform: rendered in the recipient's language, written to the outbox in
the caller's transaction, sent by the worker once it commits (soscience/core/outbox.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from soscience.core.outbox import outbox_add
from soscience.core.tasks import send_queued_mail

if TYPE_CHECKING:
    from soscience.accounts.models import User


LINE_BREAKS = re.compile(r"[ \t\r\n]+")


def _nudge_worker() -> None:
    send_queued_mail.enqueue()


def enqueue_message(message: EmailMessage) -> None:
    """Put an already built message in the outbox; the worker is nudged on commit."""
    outbox_add(message)
    # One nudge per atomic block is enough, however many mails it wrote (a digest run
    # writes hundreds): the task sends every due mail.
    connection = transaction.get_connection()
    here = set(connection.savepoint_ids)
    if not any(
        sids == here and func is _nudge_worker for sids, func, _ in connection.run_on_commit
    ):
        transaction.on_commit(_nudge_worker)


def render_mail(user: User, template: str, context: dict[str, object]) -> tuple[str, str]:
    """The subject and body of ``<template>_subject.txt`` / ``<template>.txt`` in the user's
    language. ``context`` must hold plain values (it is rendered now)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        ctx = {"user": user, "site_url": settings.SITE_URL, **context}
        raw = render_to_string(f"{template}_subject.txt", ctx, using="text")
        # One line, but the no-break spaces of French typography stay (str.split() eats them).
        subject = LINE_BREAKS.sub(" ", raw).strip()
        body = render_to_string(f"{template}.txt", ctx, using="text")
    return subject, body


def mail_to(user: User, subject: str, body: str) -> None:
    enqueue_message(EmailMessage(subject=subject, body=body, to=[user.email]))


def mail_user(user: User, template: str, context: dict[str, object]) -> None:
    """Render ``template`` for ``user`` and put the mail in the outbox."""
    mail_to(user, *render_mail(user, template, context))
