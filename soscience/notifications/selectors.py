"""Reads for the inbox."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from soscience.accounts.models import User
from soscience.notifications.models import Notification


def inbox(user: User) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each group."""
    unread_first = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1),
                        output_field=IntegerField())  # fmt: skip
    return (
        Notification.objects.filter(user=user)
        .annotate(unread_first=unread_first)
        .order_by("unread_first", "-created_at", "-pk")
    )


def unread_count(user: User) -> int:
    return Notification.objects.unread().filter(user=user).count()
