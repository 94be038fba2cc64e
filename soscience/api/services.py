"""Writes for personal API tokens: create (the key is returned once), revoke, record use."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.api.models import ApiToken
from soscience.core.errors import DomainError, TransitionRefused
from soscience.privacy.audit import Action, audit

TOKEN_PREFIX = "sos_"  # noqa: S105  # nosec B105  # a marker, not a secret
# Characters of the key kept in clear so a person recognises their token in the list.
SHOWN_CHARS = 12
MAX_LIVE_TOKENS = 10
# Recording each use would write on every request; once a minute says enough.
TOUCH_EVERY = dt.timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def live_tokens(user: User) -> int:
    now = timezone.now()
    return (
        ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        .exclude(expires_at__lte=now)
        .count()
    )


@transaction.atomic
def token_create(*, user: User, name: str, valid_days: int | None) -> tuple[ApiToken, str]:
    """A new personal token for ``user``; returns the row and the key, which is never
    stored: the page shows it once. ``valid_days`` None: the token does not expire."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the token a name, to recognise it later."), field="name")
    # Lock the person's row so two forms sent at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if live_tokens(user) >= MAX_LIVE_TOKENS:
        raise DomainError(
            _("You already have %(n)d active tokens: revoke one you no longer use first.")
            % {"n": MAX_LIVE_TOKENS}
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=valid_days) if valid_days else None
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[:SHOWN_CHARS], key_hash=hash_key(key),
        expires_at=expires_at,
    )  # fmt: skip
    audit(Action.TOKEN_CREATED, actor=user, target=token, detail={"expires_at": expires_at})
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke ``token`` at once: the next request made with it gets a 401."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        raise TransitionRefused(_("Only its owner can revoke a token."))
    if token.revoked_at is not None:
        raise TransitionRefused(_("This token was already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(Action.TOKEN_REVOKED, actor=by, target=token)
    return token


def token_touch(*, token: ApiToken) -> None:
    """Record that ``token`` was used (at most once a minute; one UPDATE, no lock)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
