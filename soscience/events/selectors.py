"""Reads for the events' pages and feeds."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from soscience.events.access import public_events
from soscience.events.models import Event, Registration
from soscience.volunteers.models import Campus

PAST_PAGE_SIZE = 20
# The calendar feed carries the coming events and those of the last months (a calendar
# keeps what it already has; an ever-growing file would not).
FEED_PAST_DAYS = 180

Status = Registration.Status
LIVE = (Status.UNCONFIRMED, Status.CONFIRMED, Status.WAITING)


def _with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        taken=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
    ).annotate(left=F("capacity") - F("taken"))


def upcoming_events() -> QuerySet[Event]:
    """Published events not over yet, soonest first, with their places taken."""
    events = Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__gt=timezone.now())
    return _with_counts(events.select_related("campus")).order_by("starts_at", "pk")


def past_events_page(page: str | None) -> Page:
    events = Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__lte=timezone.now())
    events = events.select_related("campus").order_by("-starts_at", "-pk")
    return Paginator(events, PAST_PAGE_SIZE).get_page(page)


def events_for_team() -> QuerySet[Event]:
    """Every event, newest first, with its counts: the coordination team's list."""
    return _with_counts(Event.objects.select_related("campus")).order_by("-starts_at", "-pk")


def events_on_campus(campus: Campus) -> QuerySet[Event]:
    """The public events on a campus not over yet (an ambassador's dashboard)."""
    return upcoming_events().filter(campus=campus)


def feed_events() -> QuerySet[Event]:
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    events = public_events().filter(ends_at__gt=since).select_related("campus")
    return events.order_by("starts_at", "pk")


def registration_of(user: object, event: Event) -> Registration | None:
    """The signed-in person's live registration (by account, or by the address they used as
    a visitor before signing up)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.filter(event=event, status__in=LIVE)
        .filter(Q(user=user) | Q(email__iexact=user.email))  # type: ignore[attr-defined]
        .order_by("pk")
        .first()
    )


def registrations_for_team(event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event)
        .select_related("referral", "user")
        .order_by("status", "created_at", "pk")
    )


def confirmed_registrations(event: Event) -> QuerySet[Registration]:
    return Registration.objects.filter(event=event, status=Status.CONFIRMED).order_by("name", "pk")


def share_link_for_code(code: object) -> object | None:
    """The share link a visitor arrived through (stored in their session by the network
    app), if it still exists."""
    if not isinstance(code, str) or not code:
        return None
    from soscience.network.models import ShareLink

    return ShareLink.objects.filter(code=code).first()
