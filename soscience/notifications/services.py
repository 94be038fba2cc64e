from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from soscience.accounts.models import User
from soscience.core.mail import mail_user
from soscience.notifications.models import Notification


def notify(user: User, template: str, context: dict[str, object], *, url: str = "") -> None:
    """Tell ``user`` in the platform (inbox line) and by mail, in their language.

    The inbox line is the mail's subject (``<template>_subject.txt``); ``url`` is the
    path it links to, also offered to the mail template as ``path``.
    """
    context = {"path": url, **context}
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = " ".join(
            render_to_string(
                f"{template}_subject.txt", {"user": user, **context}, using="text"
            ).split()
        )
    Notification.objects.create(user=user, text=text[:300], url=url)
    mail_user(user, template, context)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark some (or all) of the user's unread notifications as read."""
    unread = Notification.objects.unread().filter(user=user)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
