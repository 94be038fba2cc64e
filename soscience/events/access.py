"""Who may see or change an event.

Published events (and cancelled ones, whose page says so) are public: anyone, visitors
included, reads them and may register. Drafts are the coordination team's: Http404 for
everyone else, who may not know they exist. Managing events (create, edit, publish, cancel,
registrations, attendance) is the coordination team's: PermissionDenied for the signed-in
rest (events are public, so their existence is no secret), Http404 for no such event.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from soscience.core.access import is_coordinator, require_coordinator
from soscience.events.models import Event

PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)


def public_events() -> QuerySet[Event]:
    return Event.objects.filter(status__in=PUBLIC_STATUSES)


def event_public(user: object, slug: str) -> Event:
    """An event's public page (and its registration, its .ics): published or cancelled
    events for everyone; coordinators also preview drafts. Http404 otherwise."""
    events = Event.objects.all() if is_coordinator(user) else public_events()
    event = events.select_related("campus").filter(slug=slug).first()
    if event is None:
        raise Http404
    return event


def event_for_coordinator(user: object, pk: int) -> Event:
    """An event to edit, publish, cancel or take attendance of: coordinators only
    (PermissionDenied for others), Http404 if there is no such event."""
    require_coordinator(user)
    event = Event.objects.select_related("campus").filter(pk=pk).first()
    if event is None:
        raise Http404
    return event
