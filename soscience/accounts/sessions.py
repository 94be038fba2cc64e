"""Signed-in sessions and "log out everywhere" (issue 7, ASVS 3.3).

allauth.usersessions keeps one row per signed-in session (browser, address, started, last seen)
and its page, /accounts/sessions/ (``usersessions_list``), signs out the other sessions. Two
things are ours:

- Every log-in is recorded at once, not only allauth's form: an accepted invitation logs in
  with Django's ``login()``, and a session without a row could not be signed out from the page.
- Activity is written at most every ``ACTIVITY_SECONDS`` per session, not on each request as
  allauth's middleware does with ``USERSESSIONS_TRACK_ACTIVITY``: "last seen" to the nearest
  five minutes is enough for someone recognising their devices, and most pages then cost no
  write (the pages' query counts are pinned by their tests).

Changing the password signs out the other sessions by itself: Django keys each session to a
hash of the password, so a session opened with the old one no longer authenticates. allauth
keeps the session where the change was made (``ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False``).
"""

from __future__ import annotations

import time
from typing import Any

from allauth.core.internal.httpkit import get_client_ip
from allauth.usersessions.middleware import UserSessionsMiddleware as AllauthMiddleware
from allauth.usersessions.models import UserSession
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

ACTIVITY_SECONDS = 300
# The session's own note of its last write: {"at": epoch seconds, "key": session key}. The key
# is kept so a session whose key was cycled (a password change) gets its new row.
SEEN = "soscience_session_seen"
# A log-in with no client address (Django's test client's force_login): the row is written
# with this placeholder, shown as "unknown", and corrected at the next activity write.
UNKNOWN_IP = "0.0.0.0"  # noqa: S104  # nosec B104  # a stored placeholder, nothing listens on it


def record(request: HttpRequest, user: Any) -> None:
    """Create or refresh the row of ``request``'s session, which belongs to ``user``."""
    session = request.session
    if not session.session_key:
        session.save()
    agent_length = UserSession._meta.get_field("user_agent").max_length
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip": get_client_ip(request) or UNKNOWN_IP,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:agent_length],
            "last_seen_at": timezone.now(),
        },
    )
    session[SEEN] = {"at": int(time.time()), "key": session.session_key}


def _due(request: HttpRequest) -> bool:
    """A signed-in session with no row yet, or whose last write is old."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return False  # no cookie: a visitor, or an API call with a token
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    seen = session.get(SEEN)
    if not isinstance(seen, dict) or seen.get("key") != session.session_key:
        return True
    return time.time() - float(seen.get("at", 0)) >= ACTIVITY_SECONDS


class UserSessionsMiddleware(AllauthMiddleware):
    """allauth's middleware, writing activity every few minutes instead of on each request."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _due(request):
            record(request, request.user)
        return self.get_response(request)


def on_logged_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: object) -> None:
    """Django's ``user_logged_in``: every log-in gets its row (see the module's note)."""
    if request is not None and hasattr(request, "session"):
        record(request, user)
