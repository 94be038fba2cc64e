"""Telling people: an inbox line always, and a mail now, in a digest or not at all, as the
person (and, for an organisation's news, the organisation) chose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from soscience.accounts.models import User
from soscience.core.mail import mail_to, render_mail
from soscience.notifications.kinds import kind_of
from soscience.notifications.models import (
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
)

if TYPE_CHECKING:
    from soscience.organisations.models import Organisation


def delivery_for(user: User, kind: str) -> str:
    """The person's choice for this kind of event (immediately when they made none)."""
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or Delivery.IMMEDIATELY


def _held_for(user: User, kind: str, news_from: Organisation | None) -> str | None:
    """None: no mail. "": mail now. Else the digest that will carry it. The least frequent
    of the person's choice and their organisation's (for its news) wins."""
    delivery = delivery_for(user, kind)
    if delivery == Delivery.OFF:
        return None
    if news_from is not None and news_from.news_frequency == news_from.NewsFrequency.WEEKLY:
        return Notification.Held.WEEKLY
    if delivery == Delivery.DAILY:
        return Notification.Held.DAILY
    return Notification.Held.NO


def notify(
    user: User,
    template: str,
    context: dict[str, object],
    *,
    url: str = "",
    news_from: Organisation | None = None,
) -> Notification:
    """Tell ``user`` in the platform (inbox line) and by mail, in their language.

    The inbox line is the mail's subject (``<template>_subject.txt``); ``url`` is the path it
    links to, also offered to the mail template as ``path``. ``news_from`` marks news a
    mission shares with an organisation ``user`` is a member of: it follows the
    organisation's choice of immediate or weekly news. Written in the caller's transaction,
    so the mail exists exactly when the action does.
    """
    context = {"path": url, **context}
    subject, body = render_mail(user, template, context)
    kind = kind_of(template)
    held = _held_for(user, kind, news_from)
    notification = Notification.objects.create(
        user=user,
        kind=kind,
        text=subject[:300],
        url=url,
        held_for=held or "",
        body=body if held else "",
    )
    if held == Notification.Held.NO:
        mail_to(user, subject, body)
    return notification


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark some (or all) of the user's unread notifications as read."""
    unread = Notification.objects.unread().filter(user=user)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user: User, choices: dict[str, str]) -> None:
    """Record how ``user`` wants to hear about each kind of event."""
    for kind, delivery in choices.items():
        if kind not in Kind.values or delivery not in Delivery.values:
            raise ValueError(f"Unknown preference {kind}={delivery}")
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


def preferences_of(user: User) -> dict[str, str]:
    """Every kind with the person's choice, immediately where they made none."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATELY) for kind in Kind.values}
