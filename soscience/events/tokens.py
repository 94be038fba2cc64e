"""Signed links for visitors, who have no account: one confirms their address, the other
cancels their registration. The link is the secret; django.core.signing makes it tamper-proof
and timestamped."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from soscience.events.models import Registration

CONFIRM_SALT = "soscience.events.confirm"
CANCEL_SALT = "soscience.events.cancel"
# Long enough for a weekend away from the mailbox, short enough that a forgotten mail does
# not take a place weeks later.
CONFIRM_MAX_AGE = 48 * 3600
# A cancel link serves until the event; the service refuses once it has started.
CANCEL_MAX_AGE = 366 * 24 * 3600


def confirm_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=CONFIRM_SALT, compress=False)


def cancel_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=CANCEL_SALT, compress=False)


@dataclass(frozen=True)
class TokenCheck:
    """What a link leads to: a registration, or why not ("invalid" or "expired")."""

    registration: Registration | None
    problem: str = ""


def _check(token: str, salt: str, max_age: int) -> TokenCheck:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        return TokenCheck(None, "expired")
    except signing.BadSignature:
        return TokenCheck(None, "invalid")
    pk = payload.get("r") if isinstance(payload, dict) else None
    registration = (
        Registration.objects.select_related("event", "event__campus").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    return TokenCheck(registration, "" if registration else "invalid")


def registration_for_confirm_token(token: str) -> TokenCheck:
    return _check(token, CONFIRM_SALT, CONFIRM_MAX_AGE)


def registration_for_cancel_token(token: str) -> TokenCheck:
    return _check(token, CANCEL_SALT, CANCEL_MAX_AGE)
