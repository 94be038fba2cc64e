"""Registrations to events: a place if one is free, else the waiting list, whatever the
timing. Every change that takes or frees a place first locks the event's row, then counts the
confirmed places inside that lock, so two people registering at the same moment cannot both
take the last place; a freed place goes to the first person waiting in the same transaction."""

from __future__ import annotations

import importlib
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.errors import DomainError, TransitionRefused
from soscience.events import messaging
from soscience.events.models import Event, Registration

logger = logging.getLogger(__name__)

Status = Registration.Status
LIVE = (Status.UNCONFIRMED, Status.CONFIRMED, Status.WAITING)


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update(of=("self",)).select_related("campus").get(pk=event.pk)


def seats_taken(event: Event) -> int:
    return Registration.objects.filter(event=event, status=Status.CONFIRMED).count()


def _require_open(event: Event) -> None:
    if event.status != Event.Status.PUBLISHED:
        raise TransitionRefused(_("This event is not open for registration."))
    if event.starts_at <= timezone.now():
        raise TransitionRefused(_("This event has already started: registration is closed."))


def _place_or_wait(event: Event, registration: Registration) -> None:
    """Inside the event's lock: a place if one is free, else the waiting list."""
    if seats_taken(event) < event.capacity:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
    else:
        registration.status = Status.WAITING


def _record_referral(registration: Registration) -> None:
    """Tell the network app that a share link brought this registration (its ambassador's
    figures), once it is real: at once for a person with an account, at the confirmation
    for a visitor (whose click may come from another browser: the link travels on the
    registration, not in that session). Looked up at run time: the network services are
    an optional neighbour of this app."""
    if registration.referral_id is None:
        return
    try:
        services = importlib.import_module("soscience.network.services")
    except ImportError:
        services = None
    record = getattr(services, "referral_record", None)
    if record is None:
        logger.warning("network.services.referral_record is missing: referral not counted")
        return
    session = {getattr(services, "SESSION_KEY", "share_code"): registration.referral.code}
    record(session, "registration", registration.user)


def live_registration(event: Event, *, email: str) -> Registration | None:
    return (
        Registration.objects.filter(event=event, email__iexact=email, status__in=LIVE)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def registration_register_user(
    *, event: Event, user: User, referral: object | None = None
) -> Registration:
    """One click: a person with an account takes a place, or joins the waiting list."""
    event = _lock(event)
    _require_open(event)
    if live_registration(event, email=user.email) is not None:
        raise DomainError(_("You are already registered for this event."))
    registration = Registration(
        event=event, user=user, name=user.full_name or user.email, email=user.email,
        referral=referral,
    )  # fmt: skip
    _place_or_wait(event, registration)
    registration.save()
    messaging.tell(registration, "registered")
    _record_referral(registration)
    return registration


@transaction.atomic
def registration_request_visitor(
    *, event: Event, name: str, email: str, language: str, referral: object | None = None
) -> Registration:
    """A visitor gives a name and an address; the mail's link confirms it, and only then a
    place is taken. Asking again resends the link (or, registered already, says so by mail:
    the page never tells whether an address is registered)."""
    event = _lock(event)
    _require_open(event)
    email = email.strip().lower()
    existing = live_registration(event, email=email)
    if existing is None:
        registration = Registration.objects.create(
            event=event, name=name.strip()[:200], email=email, status=Status.UNCONFIRMED,
            referral=referral, language=language[:8],
        )  # fmt: skip
        messaging.send_confirmation_link(registration, language=language)
        return registration
    if existing.status == Status.UNCONFIRMED:
        messaging.send_confirmation_link(existing, language=language)
    else:
        messaging.tell(existing, "registered", language=language)
    return existing


@transaction.atomic
def registration_confirm_visitor(*, registration: Registration, language: str) -> Registration:
    """The visitor clicked the link: a place if one is free now, else the waiting list.
    Clicking twice changes nothing."""
    event = _lock(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.event = event
    if registration.status in (Status.CONFIRMED, Status.WAITING):
        return registration
    if registration.status == Status.CANCELLED:
        raise TransitionRefused(_("This registration was cancelled: register again."))
    _require_open(event)
    _place_or_wait(event, registration)
    registration.save(update_fields=["status", "confirmed_at"])
    messaging.tell(registration, "registered", language=language)
    _record_referral(registration)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration:
    """Give up a place (or a place on the waiting list). A freed place goes at once to the
    first person waiting, who is told by mail."""
    event = _lock(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.event = event
    if registration.status == Status.CANCELLED:
        raise TransitionRefused(_("This registration is already cancelled."))
    if event.starts_at <= timezone.now():
        raise TransitionRefused(
            _("The event has started: a registration can no longer be cancelled.")
        )
    registration.status = Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    fill_free_places(event)
    return registration


def fill_free_places(event: Event) -> list[Registration]:
    """Promote the waiting list, oldest first, into the free places. The caller holds the
    event's lock (every service that frees or adds places)."""
    if event.status != Event.Status.PUBLISHED or event.starts_at <= timezone.now():
        return []
    free = event.capacity - seats_taken(event)
    if free <= 0:
        return []
    waiting = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(event=event, status=Status.WAITING)
        .order_by("created_at", "pk")[:free]
    )
    promoted = list(waiting)
    for registration in promoted:
        registration.event = event
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at"])
        messaging.tell(registration, "promoted")
    return promoted


def waiting_position(registration: Registration) -> int:
    """1 for the first in line (the order fill_free_places promotes in)."""
    ahead = Q(created_at__lt=registration.created_at) | Q(
        created_at=registration.created_at, pk__lte=registration.pk
    )
    return Registration.objects.filter(
        ahead, event_id=registration.event_id, status=Status.WAITING
    ).count()
