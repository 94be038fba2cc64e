"""The inbox (what the platform told me, unread first) and how I hear about things."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soscience.notifications.forms import NewsFrequencyForm, PreferencesForm
from soscience.notifications.selectors import inbox as inbox_of
from soscience.notifications.selectors import organisations_of
from soscience.notifications.services import (
    notifications_mark_read,
    preferences_of,
    preferences_save,
)
from soscience.organisations.access import organisation_for_user
from soscience.organisations.services import organisation_set_news_frequency

PAGE_SIZE = 50


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """My notifications (everyone sees only their own: no id in the URL)."""
    page = Paginator(inbox_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    unread = sum(1 for n in page.object_list if n.read_at is None)
    return render(request, "notifications/inbox.html", {"page": page, "unread_here": unread})


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark all my notifications as read."""
    count = notifications_mark_read(user=request.user)  # type: ignore[arg-type]
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:inbox")


def _render_preferences(request: HttpRequest, form: PreferencesForm) -> HttpResponse:
    organisations = [
        (organisation, NewsFrequencyForm(initial={"news_frequency": organisation.news_frequency},
                                         prefix=f"org{organisation.pk}"))
        for organisation in organisations_of(request.user)  # type: ignore[arg-type]
    ]  # fmt: skip
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "organisations": organisations},
    )


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """How I hear about each kind of event (my own: no id in the URL)."""
    if request.method == "GET":
        return _render_preferences(request, PreferencesForm(initial=preferences_of(request.user)))  # type: ignore[arg-type]
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return _render_preferences(request, form)
    preferences_save(user=request.user, choices=form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, _("Your notification settings are saved."))
    return redirect("notifications:preferences")


@require_POST
def organisation_news(request: HttpRequest, pk: int) -> HttpResponse:
    """A member chooses how the organisation's members get mission news."""
    organisation = organisation_for_user(request.user, pk)
    form = NewsFrequencyForm(request.POST, prefix=f"org{organisation.pk}")
    if form.is_valid():
        organisation_set_news_frequency(
            organisation=organisation,
            by=request.user,  # type: ignore[arg-type]
            frequency=form.cleaned_data["news_frequency"],
        )
        messages.success(request, _("The organisation's choice is saved."))
    else:
        messages.error(request, _("Choose how the organisation receives mission news."))
    return redirect("notifications:preferences")
