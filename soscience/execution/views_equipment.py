"""Pages of a mission's equipment requests and hours."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from soscience.core.errors import DomainError
from soscience.execution import access_equipment as access
from soscience.execution import services_equipment as services
from soscience.execution import services_hours
from soscience.execution.forms_equipment import (
    DecisionForm,
    EquipmentRequestForm,
    HoursForm,
    LoanForm,
    ReceivedForm,
    UnvalidateForm,
)
from soscience.execution.models import HoursEntry


def _show_error(form: forms.Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _render_list(
    request: HttpRequest, rights: access.Rights, form: EquipmentRequestForm | None = None,
    status: int = 200, loan_form: LoanForm | None = None,
) -> HttpResponse:  # fmt: skip
    mission = rights.mission
    runs = rights.team or rights.decides
    # A closed or cancelled mission takes no new request (its team would be refused).
    finished = mission.status in services.FINISHED
    context = {
        "mission": mission,
        "rights": rights,
        "finished": finished,
        "requests": mission.equipment_requests.select_related("requested_by", "decided_by"),
        "spend": services.spend_summary(mission),
        "form": form or (EquipmentRequestForm() if rights.team and not finished else None),
        "decision_form": DecisionForm(),
        "received_form": ReceivedForm(),
        "loans": mission.loans.select_related("lent_to"),
        "loan_form": loan_form or (LoanForm(mission=mission) if runs else None),
        "today": timezone.localdate(),
    }
    return render(request, "execution/equipment_list.html", context, status=status)


def equipment_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_list(request, access.equipment_page(request.user, pk))


@require_POST
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    rights = access.equipment_request_create(request.user, pk)
    form = EquipmentRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_create(mission=rights.mission, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("Your request was sent to the supervisor."))
            return redirect("equipment:list", pk=pk)
    return _render_list(request, rights, form)


def _back(pk: int) -> HttpResponse:
    return redirect("equipment:list", pk=pk)


@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Supervisor's decision; `as_coordinator` when a coordinator settles an over-budget one."""
    coordinator = request.POST.get("as_coordinator") == "1"
    item, rights = access.equipment_request_for(
        request.user, pk, "coordinate" if coordinator else "decide"
    )
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        done = services.request_decide(
            request=item, by=request.user, approve=request.POST.get("decision") == "approve",
            reason=form.cleaned_data.get("reason", ""), as_coordinator=coordinator,
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Request “%(item)s”: %(status)s.")
                         % {"item": done.item, "status": done.get_status_display()})  # fmt: skip
    return _back(rights.mission.pk)


@require_POST
def request_ordered(request: HttpRequest, pk: int) -> HttpResponse:
    item, rights = access.equipment_request_for(request.user, pk, "progress")
    try:
        services.request_mark_ordered(request=item, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as ordered."))
    return _back(rights.mission.pk)


@require_POST
def request_received(request: HttpRequest, pk: int) -> HttpResponse:
    item, rights = access.equipment_request_for(request.user, pk, "progress")
    form = ReceivedForm(request.POST)
    real_cost = form.cleaned_data["real_cost"] if form.is_valid() else None
    try:
        services.request_mark_received(request=item, by=request.user, real_cost=real_cost)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as received."))
    return _back(rights.mission.pk)


@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    item, rights = access.equipment_request_for(request.user, pk, "cancel")
    try:
        services.request_cancel(request=item, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Request cancelled."))
    return _back(rights.mission.pk)


def _render_hours(
    request: HttpRequest, rights: access.Rights, form: HoursForm | None = None
) -> HttpResponse:
    mission = rights.mission
    entries = HoursEntry.objects.filter(mission=mission).select_related("volunteer")
    totals, per_volunteer = services_hours.hours_totals(mission)
    start, end = services_hours.hours_window(mission)
    context = {
        "mission": mission,
        "rights": rights,
        "mine": entries.filter(volunteer=request.user) if rights.team else [],
        "all_entries": entries if rights.decides else [],
        "form": form or (HoursForm() if rights.team else None),
        "totals": totals,
        "per_volunteer": per_volunteer,
        "window_start": start,
        "window_end": end,
    }
    return render(request, "execution/hours_list.html", context)


def hours(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_hours(request, access.hours_page(request.user, pk))


@require_POST
def hours_log(request: HttpRequest, pk: int) -> HttpResponse:
    rights = access.hours_log(request.user, pk)
    form = HoursForm(request.POST)
    if form.is_valid():
        try:
            services_hours.hours_log(mission=rights.mission, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("Your hours were logged; the supervisor validates them."))
            return redirect("equipment:hours", pk=pk)
    return _render_hours(request, rights, form)


@require_POST
def hours_validate(request: HttpRequest, pk: int) -> HttpResponse:
    rights = access.hours_validate(request.user, pk)
    ids = [int(i) for i in request.POST.getlist("entries") if i.isdigit()]
    try:
        count = services_hours.hours_validate(mission=rights.mission, by=request.user, ids=ids)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("%(count)s entry validated.", "%(count)s entries validated.", count)
            % {"count": count},
        )
    return redirect("equipment:hours", pk=pk)


def _render_entry(
    request: HttpRequest, entry: HoursEntry, form: HoursForm | None = None
) -> HttpResponse:
    start, end = services_hours.hours_window(entry.mission)
    refusal = services_hours.hours_change_refusal(entry)
    context = {
        "mission": entry.mission,
        "entry": entry,
        "refusal": refusal,
        "form": None if refusal else form or HoursForm(instance=entry),
        "window_start": start,
        "window_end": end,
    }
    return render(request, "execution/hours_edit.html", context)


@require_http_methods(["GET", "POST"])
def hours_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A volunteer corrects their own pending entry (GET the form, POST the correction)."""
    entry, _rights = access.hours_entry_own(request.user, pk)
    if request.method != "POST":
        return _render_entry(request, entry)
    form = HoursForm(request.POST)
    if form.is_valid():
        try:
            services_hours.hours_edit(entry=entry, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("Your entry was corrected."))
            return redirect("equipment:hours", pk=entry.mission_id)
    return _render_entry(request, entry, form)


@require_POST
def hours_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry, _rights = access.hours_entry_own(request.user, pk)
    try:
        services_hours.hours_delete(entry=entry, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your entry was deleted."))
    return redirect("equipment:hours", pk=entry.mission_id)


def _render_unvalidate(
    request: HttpRequest, entry: HoursEntry, form: UnvalidateForm | None = None
) -> HttpResponse:
    context = {"mission": entry.mission, "entry": entry, "form": form or UnvalidateForm()}
    return render(request, "execution/hours_unvalidate.html", context)


@require_http_methods(["GET", "POST"])
def hours_unvalidate(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor or a coordinator sends validated hours back to pending, with a
    reason for the volunteer (GET the form, POST the withdrawal)."""
    entry, _rights = access.hours_entry_validation(request.user, pk)
    if request.method != "POST":
        return _render_unvalidate(request, entry)
    form = UnvalidateForm(request.POST)
    if form.is_valid():
        try:
            services_hours.hours_unvalidate(
                entry=entry, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("The validation was withdrawn; the volunteer is told."))
            return redirect("equipment:hours", pk=entry.mission_id)
    return _render_unvalidate(request, entry, form)


@require_POST
def loan_create(request: HttpRequest, pk: int) -> HttpResponse:
    rights = access.loan_manage(request.user, pk)
    form = LoanForm(request.POST, mission=rights.mission)
    if form.is_valid():
        try:
            services.loan_create(mission=rights.mission, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("The loan was recorded."))
            return redirect("equipment:list", pk=pk)
    return _render_list(request, rights, loan_form=form)


@require_POST
def loan_return(request: HttpRequest, pk: int) -> HttpResponse:
    loan, rights = access.loan_for(request.user, pk)
    try:
        services.loan_return(loan=loan, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as returned."))
    return _back(rights.mission.pk)
