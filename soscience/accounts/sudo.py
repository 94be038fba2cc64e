"""Sudo mode (issue 7): sensitive actions ask for the password (or a TOTP code) again when the
session's last authentication is older than ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` (allauth's
setting, 300 seconds by default).

Decorate a view with ``@sudo_required``; it is allauth's ``reauthentication_required``: the
person is sent to allauth's "Confirm access" page and, once confirmed, the request they had
made (a POST included) is carried out. For a page that shows a form with GET and acts with POST,
``@sudo_required_for_post`` lets the page show and asks only before the action.

Unlike allauth alone, a fresh log-in counts as a recent authentication: allauth only counts its
own re-authentication step, so it would ask someone who has just typed their password to type it
again.
"""

from __future__ import annotations

import time

from allauth.account import app_settings as allauth_account_settings
from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import get_authentication_records
from django.http import HttpRequest


def last_authenticated_at(request: HttpRequest) -> float | None:
    """When this session last proved who it is: the latest of allauth's records (log-in,
    TOTP step, re-authentication). A session opened outside allauth's log-in form (an
    accepted invitation) has no record: its log-in time is the account's last log-in."""
    records = get_authentication_records(request, request.user)
    if records:
        return max(record["at"] for record in records)
    last_login = getattr(request.user, "last_login", None)
    return last_login.timestamp() if last_login else None


def needs_reauthentication(request: HttpRequest) -> bool:
    if not request.user.is_authenticated:
        return True
    at = last_authenticated_at(request)
    return at is None or time.time() - at >= allauth_account_settings.REAUTHENTICATION_TIMEOUT


sudo_required = reauthentication_required(enabled=needs_reauthentication)
sudo_required_for_post = reauthentication_required(enabled=needs_reauthentication, allow_get=True)
