"""The audit log of sensitive actions: one call, ``audit(...)``, from the service that did it.

The event is written in the caller's transaction, so an action that is rolled back leaves no
trace and an action that commits always leaves one. Services pass no request (they do not
know it); the few views that act without a service (exports) pass theirs, for the address.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soscience.privacy.models import AuditEvent

PAGE_SIZE = 50
# The column sizes of AuditEvent: PostgreSQL enforces them, so longer values are cut.
TARGET_LENGTH = 120
TARGET_LABEL_LENGTH = 300
USER_AGENT_LENGTH = 300
ACTOR_LABEL_LENGTH = 254


class Action(models.TextChoices):
    """Every action the log records (the filter of the audit page offers these)."""

    ORGANISATION_VERIFIED = "organisation.verified", _("Organisation verified")
    ORGANISATION_REJECTED = "organisation.rejected", _("Organisation rejected")
    APPLICATION_SELECTED = "application.selected", _("Applicant selected")
    APPLICATION_DECLINED = "application.declined", _("Applicant declined")
    ROLE_GRANTED = "role.granted", _("Role granted")
    ROLE_REVOKED = "role.revoked", _("Role revoked")
    CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued")
    CERTIFICATE_REVOKED = "certificate.revoked", _("Certificate revoked")
    CERTIFICATE_REISSUED = "certificate.reissued", _("Certificate reissued")
    EQUIPMENT_OVERRUN_APPROVED = (
        "equipment.overrun_approved", _("Equipment approved beyond the budget"),
    )  # fmt: skip
    EXPORT_DOWNLOADED = "export.downloaded", _("Export downloaded")
    ACCOUNT_ERASED = "account.erased", _("Account erased")
    DATA_EXPORTED = "account.data_exported", _("Personal data exported")
    SETTINGS_CHANGED = "settings.changed", _("Platform settings changed")
    TOKEN_CREATED = "api_token.created", _("API token created")
    TOKEN_REVOKED = "api_token.revoked", _("API token revoked")


def _target(target: models.Model | None) -> tuple[str, str]:
    """``("app.model:pk", label at the time)`` for a row; empty strings for none."""
    if target is None:
        return "", ""
    code = f"{target._meta.label_lower}:{target.pk}"
    return code[:TARGET_LENGTH], str(target)[:TARGET_LABEL_LENGTH]


def _plain(detail: dict[str, Any] | None) -> dict[str, Any]:
    """``detail`` as plain JSON (dates, decimals, lazy strings become strings), so a service
    can pass what it has without the log failing the action."""
    return json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder, default=str))


def _origin(request: HttpRequest | None) -> tuple[str | None, str]:
    """The client's address and user agent, or nothing when no request is given."""
    if request is None:
        return None, ""
    # Imported here: the API's services record their own events, and api.auth imports them.
    from soscience.api.auth import client_address

    address: str | None = client_address(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:  # "unknown", or a proxy header that holds no address
        address = None
    return address, request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]


def audit(
    action: str,
    *,
    actor: Any,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record that ``actor`` (a user, or None for the platform itself) did ``action``.

    The actor's address is copied into the event: the trace stays readable when the account
    changes its address or is erased."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    target_code, target_label = _target(target)
    ip_address, user_agent = _origin(request)
    return AuditEvent.objects.create(
        action=str(action),
        actor=actor,
        actor_label=(actor.email if actor is not None else "")[:ACTOR_LABEL_LENGTH],
        target=target_code,
        target_label=target_label,
        detail=_plain(detail),
        ip_address=ip_address,
        user_agent=user_agent,
    )


def audit_events(
    *,
    action: str = "",
    actor: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, filtered (the audit page). Dates are days in the site's time
    zone, both ends included; ``actor`` is a part of the address the actor had."""
    events = AuditEvent.objects.order_by("-at", "-pk")
    if action:
        events = events.filter(action=action)
    if actor.strip():
        events = events.filter(actor_label__icontains=actor.strip())
    # Bounds on ``at`` itself, not on its date: the index on ``at`` then finds the days
    # (a filter on the date of ``at`` would read the whole log).
    if date_from is not None:
        events = events.filter(at__gte=_day_start(date_from))
    if date_to is not None:
        events = events.filter(at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return events


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
