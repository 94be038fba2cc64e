"""Public pages of the events: the list, past events, an event's page, registration (one
click with an account, name and address for a visitor), the visitor's signed links, and the
iCalendar files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError
from soscience.core.page_cache import visitor_page
from soscience.events import access, ics, selectors, tokens
from soscience.events import services_registrations as services
from soscience.events.forms import VisitorRegistrationForm
from soscience.events.models import Event, Registration

GET_POST = require_http_methods(["GET", "POST"])
# A link that cannot be used: 400 when it was never valid, 410 when it was and is no more.
PROBLEM_STATUS = {"invalid": 400, "expired": 410}
CALENDAR_TYPE = "text/calendar; charset=utf-8"


@login_not_required
@require_GET
@visitor_page("events")
def event_list(request: HttpRequest) -> HttpResponse:
    """Published events to come, soonest first. Visitors get it from the page cache (an
    event that ends leaves it within the cache's TTL)."""
    return TemplateResponse(request, "events/list.html", {"events": selectors.upcoming_events()})


@login_not_required
@require_GET
def event_past(request: HttpRequest) -> HttpResponse:
    page = selectors.past_events_page(request.GET.get("page"))
    return render(request, "events/past.html", {"page": page})


def _detail(request: HttpRequest, event: Event, form: VisitorRegistrationForm | None = None,
            status: int = 200) -> HttpResponse:  # fmt: skip
    mine = selectors.registration_of(request.user, event)
    team = is_coordinator(request.user)
    holds_place = mine is not None and mine.status == Registration.Status.CONFIRMED
    context = {
        "event": event,
        "mine": mine,
        "position": services.waiting_position(mine) if mine and mine.status == "waiting" else 0,
        "taken": services.seats_taken(event),
        "open": event.status == Event.Status.PUBLISHED and event.starts_at > timezone.now(),
        "form": form or VisitorRegistrationForm(),
        "team": team,
        "show_link": event.online and (team or holds_place),
    }
    context["left"] = max(event.capacity - context["taken"], 0)
    return render(request, "events/detail.html", context, status=status)


@login_not_required
@require_GET
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, access.event_public(request.user, slug))


@login_not_required
@require_POST
def event_register(request: HttpRequest, slug: str) -> HttpResponse:
    """One click for a signed-in person; a name and an address for a visitor."""
    event = access.event_public(request.user, slug)
    referral = selectors.share_link_for_code(request.session.get("share_code"))
    if request.user.is_authenticated:
        try:
            registration = services.registration_register_user(
                event=event, user=request.user, referral=referral
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("You are registered. See you there!"))
            else:
                full = _("The event is full: you are on the waiting list. We will tell you by "
                         "mail if a place frees up.")  # fmt: skip
                messages.info(request, full)
        return redirect("events:detail", slug=event.slug)
    form = VisitorRegistrationForm(request.POST)
    if form.is_valid():
        try:
            services.registration_request_visitor(
                event=event, name=form.cleaned_data["name"], email=form.cleaned_data["email"],
                language=translation.get_language(), referral=referral,
            )  # fmt: skip
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("We sent a mail to %(email)s: click the link in it within %(hours)d hours "
                  "to confirm your registration.")
                % {"email": form.cleaned_data["email"], "hours": tokens.CONFIRM_MAX_AGE // 3600},
            )  # fmt: skip
            return redirect("events:detail", slug=event.slug)
    return _detail(request, event, form)


@require_POST
def event_unregister(request: HttpRequest, slug: str) -> HttpResponse:
    """A signed-in person gives up their place (or their place in line)."""
    event = access.event_public(request.user, slug)
    mine = selectors.registration_of(request.user, event)
    if mine is None:
        messages.error(request, _("You are not registered for this event."))
        return redirect("events:detail", slug=event.slug)
    try:
        services.registration_cancel(registration=mine)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:detail", slug=event.slug)


def _unusable(request: HttpRequest, check: tokens.TokenCheck) -> HttpResponse:
    problem = check.problem or "invalid"
    return render(
        request, "events/link_problem.html", {"problem": problem},
        status=PROBLEM_STATUS.get(problem, 400),
    )  # fmt: skip


@login_not_required
@GET_POST
def visitor_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the visitor's mail. GET shows a button (mail scanners open links); the
    POST confirms: a place if one is free now, else the waiting list."""
    check = tokens.registration_for_confirm_token(token)
    if check.registration is None:
        return _unusable(request, check)
    registration = check.registration
    error = ""
    if request.method == "POST":
        try:
            registration = services.registration_confirm_visitor(
                registration=registration, language=translation.get_language()
            )
        except DomainError as refusal:
            error = refusal.message
    context = {"registration": registration, "event": registration.event, "error": error,
               "posted": request.method == "POST" and not error}  # fmt: skip
    if context["posted"] and registration.status == Registration.Status.WAITING:
        context["position"] = services.waiting_position(registration)
    return render(request, "events/confirm.html", context)


@login_not_required
@GET_POST
def visitor_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The visitor's cancel link: GET asks, POST cancels (and promotes the waiting list)."""
    check = tokens.registration_for_cancel_token(token)
    if check.registration is None:
        return _unusable(request, check)
    registration = check.registration
    error = ""
    if request.method == "POST":
        try:
            registration = services.registration_cancel(registration=registration)
        except DomainError as refusal:
            error = refusal.message
    context = {"registration": registration, "event": registration.event, "error": error}
    return render(request, "events/visitor_cancel.html", context)


def _calendar(body: str, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@login_not_required
@require_GET
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """One event, to add to a calendar."""
    event = access.event_public(request.user, slug)
    return _calendar(ics.calendar([event]), f"{event.slug}.ics", attachment=True)


@login_not_required
@require_GET
def event_feed(request: HttpRequest) -> HttpResponse:
    """Every public event (to come, and of the last months): a calendar to subscribe to."""
    body = ics.calendar(selectors.feed_events(), name=_("SoScience events"))
    return _calendar(body, "soscience-events.ics", attachment=False)
