from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from soscience.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, object]:
    """The number of unread notifications, for the header; counted only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user))}
