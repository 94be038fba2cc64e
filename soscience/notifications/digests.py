"""Digests: the notifications held for a person's daily digest (their choice) or weekly
news (their organisation's), gathered in one mail.

Each person's digest is one transaction: the mail written to the outbox and the
notifications marked as sent together, so running the job twice sends nothing twice, and a
crash half-way leaves the others for the next run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from soscience.core.mail import mail_to, render_mail
from soscience.notifications.models import Notification

TEMPLATES = {
    Notification.Held.DAILY: "notifications/mail/daily_digest",
    Notification.Held.WEEKLY: "notifications/mail/weekly_news",
}
SIGNATURE = "\n-- \n"


def _waiting(held: str) -> QuerySet[Notification]:
    return Notification.objects.filter(held_for=held, digested_at__isnull=True)


def _item(notification: Notification) -> dict[str, str]:
    # The mail the person would have had at once, without its signature.
    return {
        "text": notification.text,
        "when": date_format(timezone.localtime(notification.created_at), "DATETIME_FORMAT"),
        "body": notification.body.split(SIGNATURE)[0].strip(),
    }


def _send_one(user_id: int, held: str) -> bool:
    with transaction.atomic():
        items = list(
            _waiting(held)
            .filter(user_id=user_id)
            .select_for_update(of=("self",))
            .select_related("user")
            .order_by("created_at", "pk")
        )
        if not items:  # another run sent them meanwhile
            return False
        user = items[0].user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            lines = [_item(n) for n in items]
        context = {
            "items": lines,
            "count": len(lines),
            "preferences_path": reverse("notifications:preferences"),
        }
        if user.is_active:
            mail_to(user, *render_mail(user, TEMPLATES[held], context))
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(digested_at=timezone.now())
    return user.is_active


def digests_send(held: str) -> int:
    """Send every waiting digest of this kind (daily or weekly); returns how many people
    got one."""
    people = _waiting(held).values_list("user_id", flat=True).distinct().order_by("user_id")
    return sum(_send_one(user_id, held) for user_id in list(people))
