"""Reads for the inbox."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from soscience.accounts.models import User
from soscience.notifications.models import Notification
from soscience.organisations.models import Organisation


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


def organisations_of(user: User) -> QuerySet[Organisation]:
    """The organisations ``user`` is a member of (whose news choice they may change)."""
    return Organisation.objects.filter(memberships__user=user).order_by("name")
