"""Mail from the platform: rendered in the recipient's language, sent by the worker."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from soscience.core.tasks import deliver_mail

if TYPE_CHECKING:
    from soscience.accounts.models import User


def enqueue_message(message: EmailMessage) -> None:
    """Queue an already built message once the current transaction commits."""
    html = None
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = str(content)
    kwargs = {
        "subject": str(message.subject),
        "body": str(message.body),
        "to": list(message.to),
        "from_email": message.from_email,
        "html": html,
        "reply_to": list(message.reply_to),
    }
    transaction.on_commit(partial(deliver_mail.enqueue, **kwargs))


def mail_user(user: User, template: str, context: dict[str, object]) -> None:
    """Render ``<template>_subject.txt`` and ``<template>.txt`` in the user's language
    and queue the mail. ``context`` must hold plain values (it is rendered now)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        ctx = {"user": user, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", ctx, using="text").split())
        body = render_to_string(f"{template}.txt", ctx, using="text")
    enqueue_message(EmailMessage(subject=subject, body=body, to=[user.email]))
