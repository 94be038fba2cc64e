"""Retention: a volunteer inactive for ``PlatformSettings.inactive_years_before_anonymising``
years (since their last login, or sign-up if they never came back) is warned by mail; still
inactive ``GRACE_DAYS`` after the warning, their account is anonymised. Logging in in between
keeps the account (the warning is forgotten at the next run). Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.errors import DomainError
from soscience.core.mail import mail_user
from soscience.core.models import PlatformSettings
from soscience.privacy.services import account_erase

logger = logging.getLogger(__name__)

GRACE_DAYS = 30
TEMPLATE = "privacy/mail/retention_warning"


@dataclass
class RetentionRun:
    warned: int = 0
    anonymised: int = 0
    kept: int = 0  # warned earlier, came back since: warning forgotten

    @property
    def total(self) -> int:
        return self.warned + self.anonymised


def _inactive_volunteers(now: dt.datetime) -> QuerySet[User]:
    years = PlatformSettings.load().inactive_years_before_anonymising
    # 365 days a year is close enough for a delay counted in years; leap days favour the person.
    limit = now - dt.timedelta(days=365 * years + years // 4 + 1)
    return (
        User.objects.filter(is_active=True, anonymised_at__isnull=True)
        .filter(Q(groups__name=Role.VOLUNTEER) | Q(volunteer_profile__isnull=False))
        .exclude(groups__name__in=[Role.COORDINATOR, Role.SUPERVISOR])
        .alias(seen=Coalesce("last_login", "date_joined"))
        .filter(seen__lt=limit)
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def _warn(user: User, now: dt.datetime) -> bool:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.retention_warned_at is not None:
        return False
    user.retention_warned_at = now
    user.save(update_fields=["retention_warned_at"])
    mail_user(user, TEMPLATE, {"days": GRACE_DAYS, "deadline": now + dt.timedelta(GRACE_DAYS)})
    return True


def _forget_warnings_of_returned() -> int:
    """A warned person who logged in after the warning is active again."""
    return User.objects.filter(
        retention_warned_at__isnull=False, anonymised_at__isnull=True,
        last_login__gt=F("retention_warned_at"),
    ).update(retention_warned_at=None)  # fmt: skip


def retention_apply(*, now: dt.datetime | None = None) -> RetentionRun:
    """Warn the newly inactive, anonymise those warned ``GRACE_DAYS`` ago and still inactive.
    Each person in their own transaction: one failure leaves the others done."""
    now = now or timezone.now()
    run = RetentionRun(kept=_forget_warnings_of_returned())
    for user in _inactive_volunteers(now):
        if user.retention_warned_at is None:
            run.warned += _warn(user, now)
        elif user.retention_warned_at <= now - dt.timedelta(days=GRACE_DAYS):
            try:
                account_erase(user=user)
            except DomainError as error:  # e.g. an organisation's only member: kept, logged
                logger.warning("Retention kept user %s: %s", user.pk, error.message)
                continue
            run.anonymised += 1
    return run
