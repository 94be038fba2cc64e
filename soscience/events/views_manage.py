"""The coordination team's pages: the events, creating and editing one, publishing and
cancelling it, its registrations, and who attended."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soscience.core.access import require_coordinator
from soscience.core.errors import DomainError
from soscience.events import access, selectors, services
from soscience.events.forms import AttendanceForm, EventForm
from soscience.events.models import Event

GET_POST = require_http_methods(["GET", "POST"])


@require_GET
def event_manage(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    return render(request, "events/manage.html", {"events": selectors.events_for_team()})


@GET_POST
def event_create(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(by=request.user, **form.service_kwargs())
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The event is saved as a draft. Publish it when ready."))
            return redirect("events:registrations", pk=event.pk)
    return render(request, "events/edit.html", {"form": form, "event": None})


@GET_POST
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.event_for_coordinator(request.user, pk)
    # A copy: an invalid form must not retitle the event in the page's heading.
    form = EventForm(request.POST or None, instance=copy.copy(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, by=request.user, **form.service_kwargs())
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:registrations", pk=event.pk)
    return render(request, "events/edit.html", {"form": form, "event": event})


@require_GET
def event_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    """The event as the team runs it: status, actions, everyone registered."""
    event = access.event_for_coordinator(request.user, pk)
    context = {"event": event, "registrations": selectors.registrations_for_team(event)}
    return render(request, "events/registrations.html", context)


def _status_change(request: HttpRequest, pk: int, change: Callable[..., Event],
                   done: str) -> HttpResponse:  # fmt: skip
    event = access.event_for_coordinator(request.user, pk)
    try:
        change(event=event, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("events:registrations", pk=event.pk)


@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(
        request, pk, services.event_publish, _("The event is published: anyone may register.")
    )


@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(
        request, pk, services.event_cancel,
        _("The event is cancelled; everyone registered or waiting is told by mail."),
    )  # fmt: skip


@GET_POST
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick who came, among those who held a place."""
    event = access.event_for_coordinator(request.user, pk)
    registrations = list(selectors.confirmed_registrations(event))
    form = AttendanceForm(request.POST or None, registrations=registrations)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            came = services.attendance_record(
                event=event, by=request.user, attended=form.attended_ids()
            )
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(
                request, _("Attendance saved: %(n)d of %(total)d came.")
                % {"n": came, "total": len(registrations)},
            )  # fmt: skip
            return redirect("events:attendance", pk=event.pk)
    ticked = set(form["attended"].value() or [])
    context = {"event": event, "registrations": registrations, "ticked": ticked, "error": error,
               "form": form}  # fmt: skip
    return render(request, "events/attendance.html", context)
