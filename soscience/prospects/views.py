"""Pages of prospecting: the pipeline, a prospect's page and its actions, an ambassador's
suggestions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soscience.core.errors import DomainError
from soscience.prospects import access, selectors, services
from soscience.prospects.forms import (
    ContactForm,
    LinkForm,
    PipelineFilter,
    ProspectForm,
    StageForm,
    SuggestForm,
)
from soscience.prospects.models import Prospect


def _error(form: forms.Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_GET
def pipeline(request: HttpRequest) -> HttpResponse:
    access.pipeline_allowed(request.user)
    filters = PipelineFilter(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    prospects = selectors.pipeline(
        timezone.localdate(), stage=chosen.get("stage", ""), source=chosen.get("source", ""),
        due_only=bool(chosen.get("due")),
    )  # fmt: skip
    page = Paginator(prospects, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "counts": selectors.stage_counts()}
    return render(request, "prospects/pipeline.html", context)


def prospect_create(request: HttpRequest) -> HttpResponse:
    access.pipeline_allowed(request.user)
    form = ProspectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            prospect = services.prospect_create(by=request.user, data=form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("%(name)s is in the pipeline.") % {"name": prospect.name})
            return redirect("prospects:detail", pk=prospect.pk)
    return render(request, "prospects/form.html", {"form": form, "prospect": None})


def prospect_edit(request: HttpRequest, pk: int) -> HttpResponse:
    prospect = access.prospect_for_coordinator(request.user, pk)
    form = ProspectForm(request.POST or None, instance=prospect)
    if request.method == "POST" and form.is_valid():
        try:
            services.prospect_update(prospect=prospect, by=request.user, data=form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("The prospect was saved."))
            return redirect("prospects:detail", pk=pk)
    return render(request, "prospects/form.html", {"form": form, "prospect": prospect})


def _page(request: HttpRequest, prospect: Prospect, **forms_: forms.Form) -> HttpResponse:
    search = request.GET.get("organisation_q", prospect.name).strip()
    register_url = reverse("organisations:register") + "?" + urlencode({"name": prospect.name})
    context: dict[str, Any] = {
        "prospect": prospect,
        "contacts": selectors.contacts_of(prospect),
        "stage_form": StageForm(),
        "contact_form": ContactForm(
            initial={"next_action": prospect.next_action, "next_action_on": prospect.next_action_on}
        ),
        "link_form": LinkForm(search=search),
        "search": search,
        "register_url": register_url,
        "is_due": prospect.stage in selectors.LIVE
        and prospect.next_action_on is not None
        and prospect.next_action_on <= timezone.localdate(),
        **forms_,
    }
    return render(request, "prospects/detail.html", context)


@require_GET
def prospect_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, access.prospect_for_coordinator(request.user, pk))


@require_POST
def stage_change(request: HttpRequest, pk: int) -> HttpResponse:
    prospect = access.prospect_for_coordinator(request.user, pk)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.prospect_stage_change(prospect=prospect, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("The stage was changed."))
            return redirect("prospects:detail", pk=pk)
    return _page(request, prospect, stage_form=form)


@require_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    prospect = access.prospect_for_coordinator(request.user, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_add(prospect=prospect, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("The contact was recorded."))
            return redirect("prospects:detail", pk=pk)
    return _page(request, prospect, contact_form=form)


@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    prospect = access.prospect_for_coordinator(request.user, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.prospect_register(prospect=prospect, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("The prospect is registered; its history stays with it."))
            return redirect("prospects:detail", pk=pk)
    return _page(request, prospect, link_form=form)


def suggest(request: HttpRequest) -> HttpResponse:
    """An ambassador suggests an organisation and follows the ones they suggested."""
    access.suggest_allowed(request.user)
    form = SuggestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        what_i_know = data.pop("what_i_know", "")
        try:
            services.prospect_suggest(by=request.user, data=data, what_i_know=what_i_know)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("Thank you: the team will contact them."))
            return redirect("prospects:suggest")
    mine = selectors.suggested_by(request.user)[:200]  # type: ignore[arg-type]
    return render(request, "prospects/suggest.html", {"form": form, "mine": mine})
