"""Pages of the solutions library: the public library and case pages with their files, the
team's pages to make, edit, publish and withdraw cases, and a new order from a past mission."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soscience.cases import access, selectors, services
from soscience.cases.forms import CaseForm, LibraryFilterForm, ReuseForm
from soscience.cases.templatetags.cases import licence_terms
from soscience.core.access import is_coordinator, require_coordinator
from soscience.core.errors import DomainError
from soscience.core.page_cache import uncacheable, visitor_page
from soscience.core.stored_files import download_response
from soscience.missions.models import Mission
from soscience.needs.access import need_for_user
from soscience.needs.models import Need

GET_POST = require_http_methods(["GET", "POST"])


# Public pages.


@login_not_required
@require_GET
@visitor_page("cases", "catalogue", params=("domain", "country", "page"), free_text=("q",))
def case_list(request: HttpRequest) -> HttpResponse:
    """The library: published cases, searchable, by domain and country. Visitors get it
    from the page cache, searches excepted; the missions' organisations, countries and
    domains are on it (group "catalogue")."""
    form = LibraryFilterForm(
        request.GET, domains=selectors.library_domains(), countries=selectors.library_countries()
    )
    form.is_valid()  # cleaned_data keeps the valid filters even if one is not
    page = selectors.library_page(form.cleaned_data, request.GET.get("page"))
    response = TemplateResponse(request, "cases/list.html", {"form": form, "page": page})
    # Only the filters as the form writes them are kept (not a typo, not "?page=02").
    if form.errors or request.GET.get("page", str(page.number)) != str(page.number):
        uncacheable(response)
    return response


@login_not_required
@require_GET
def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A case as anyone reads it; the organisation unnamed if the mission was discreet."""
    case = access.case_public(request.user, slug)
    context = {
        "case": case,
        "mission": case.mission,
        "domains": case.mission.domains.all(),
        "files": case.files.all(),
        "licence": licence_terms(case.mission),
        "team": is_coordinator(request.user),
    }
    return render(request, "cases/detail.html", context)


@login_not_required
@require_GET
def case_file(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A deliverable the published case offers, as an attachment with its stored type (a
    file lost from the storage gives the "file unavailable" page)."""
    deliverable = access.case_file_public(slug, pk)
    return download_response(
        request, deliverable.file, filename=deliverable.original_name,
        content_type=deliverable.content_type,
    )  # fmt: skip


# The coordination team's pages.


@require_GET
def case_manage(request: HttpRequest) -> HttpResponse:
    """Every case by status, and the closed missions that may become one."""
    require_coordinator(request.user)
    context = {
        "cases": selectors.cases_for_team(),
        "awaiting": selectors.missions_awaiting_a_case(),
    }
    return render(request, "cases/manage.html", context)


@require_POST
def case_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft a case from a closed mission; refused with the reason without consent."""
    mission = access.past_mission_for_coordinator(request.user, pk)
    try:
        case = services.case_create_from_mission(mission=mission, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("missions:manage", pk=mission.pk)
    messages.success(
        request, _("A draft case was made from the mission. Check its texts before publishing.")
    )
    return redirect("cases:edit", pk=case.pk)


@GET_POST
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for_coordinator(request.user, pk)
    # A copy: an invalid form must not retitle the case in the page's heading.
    instance = copy.copy(case)
    if request.method != "POST":
        form = CaseForm(instance=instance)
    else:
        form = CaseForm(request.POST, instance=instance)
        if form.is_valid():
            try:
                services.case_update(case=case, by=request.user, **form.service_kwargs())
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The case was saved."))
                return redirect("cases:edit", pk=case.pk)
    return render(request, "cases/edit.html", {"case": case, "form": form})


def _status_change(request: HttpRequest, pk: int, change: Any, done: str) -> HttpResponse:
    case = access.case_for_coordinator(request.user, pk)
    try:
        change(case=case, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("cases:edit", pk=case.pk)


@require_POST
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(
        request, pk, services.case_publish, _("The case is published in the library.")
    )


@require_POST
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(
        request, pk, services.case_withdraw, _("The case was withdrawn from the library.")
    )


def _scoping_needs() -> list[Need]:
    return list(
        Need.objects.filter(status=Need.Status.SCOPING)
        .select_related("organisation")
        .only("pk", "title", "organisation__name")
        .order_by("-triaged_at", "-pk")
    )


@GET_POST
def order_reuse(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a new mission order for a need in scoping, modelled on a closed mission."""
    past = access.past_mission_for_coordinator(request.user, pk)
    form = ReuseForm(request.POST or None, needs=_scoping_needs())
    if request.method == "POST" and form.is_valid():
        try:
            need = need_for_user(request.user, form.cleaned_data["need"])
            mission = services.order_from_past_mission(past=past, need=need, by=request.user)
        except Http404:
            form.add_error("need", _("There is no such need: choose one in the list."))
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("A draft order was made from “%(title)s”. Check it, adjust the dates, choose "
                  "a supervisor, then send it to the organisation.") % {"title": past.title},
            )  # fmt: skip
            return redirect("missions:edit", pk=mission.pk)
    context = {"past": past, "form": form, "closed": past.status == Mission.Status.CLOSED}
    return render(request, "cases/reuse.html", context)
