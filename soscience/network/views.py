"""The campus network's pages: the ambassador's dashboard, a mission's share kit with its
poster, and the short link itself."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError
from soscience.network import access, selectors, services
from soscience.network.forms import ShareLinkForm
from soscience.network.models import ShareLink
from soscience.network.poster import poster_pdf
from soscience.volunteers.models import Campus


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The campuses whose dashboard one may open: one's own as an ambassador, all of them
    for coordinators. An ambassador of a single campus goes straight to it."""
    coordinator = is_coordinator(request.user)
    campuses = list(
        Campus.objects.order_by("-is_home", "name")
        if coordinator
        else access.campuses_of_ambassador(request.user)
    )
    if len(campuses) == 1 and not coordinator:
        return redirect("network:dashboard", slug=campuses[0].slug)
    return render(request, "network/home.html", {"campuses": campuses})


@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    campus = access.campus_for_dashboard(request.user, slug)
    board = selectors.campus_dashboard(campus, request.GET.get("page"))
    return render(request, "network/dashboard.html", {"board": board, "campus": campus})


@require_http_methods(["GET", "POST"])
def share_kit(request: HttpRequest, pk: int) -> HttpResponse:
    """A mission's share kit: create a short link for a channel, list one's links with
    what they brought, print their posters."""
    mission = access.mission_to_share(request.user, pk)
    campuses = access.share_campuses(request.user, mission)
    coordinator = is_coordinator(request.user)
    data = request.POST if request.method == "POST" else None
    form = ShareLinkForm(data, campuses=campuses, coordinator=coordinator)
    if form.is_bound and form.is_valid():
        try:
            link = services.share_link_create(
                mission=mission, by=request.user,  # type: ignore[arg-type]
                channel=form.cleaned_data["channel"], label=form.cleaned_data["label"],
                campus=form.cleaned_data["campus"],
            )  # fmt: skip
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Your short link is ready: %(url)s") % {"url": selectors.short_url(link.code)},
            )
            return redirect("network:share_kit", pk=mission.pk)
    links = selectors.share_kit_links(mission, request.user)  # type: ignore[arg-type]
    for link in links:
        link.short_url = selectors.short_url(link.code)  # type: ignore[attr-defined]
    context = {"mission": mission, "form": form, "links": links}
    return render(request, "network/share_kit.html", context)


@require_GET
def poster(request: HttpRequest, code: str) -> FileResponse:
    link = access.link_for_poster(request.user, code)
    return FileResponse(
        io.BytesIO(poster_pdf(link)), as_attachment=True,
        filename=f"soscience-poster-{link.code}.pdf", content_type="application/pdf",
    )  # fmt: skip


def _target(link: ShareLink) -> str:
    if link.mission is not None:
        if link.mission.status == link.mission.Status.OPEN:
            return reverse("missions:detail", kwargs={"pk": link.mission_id})
        return reverse("missions:catalogue")  # the mission closed: the others are open
    try:
        return reverse("events:detail", kwargs={"slug": link.event.slug})  # type: ignore[union-attr]
    except NoReverseMatch:
        return reverse("core:home")


@login_not_required
@require_GET
def go(request: HttpRequest, code: str) -> HttpResponse:
    """Follow a short link: count the visit, remember the link for this session (what the
    visitor then does is attributed to it), and go to the mission or event."""
    link = access.link_to_follow(code)
    services.link_visit(link=link, session=request.session)
    return redirect(_target(link))
