"""Applying, withdrawing, and the team's page of applicants for a mission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soscience.applications import selectors, services
from soscience.applications.access import (
    application_for_team,
    application_for_volunteer,
    mission_for_selection,
    mission_to_apply,
    team_member_for_team,
    volunteer_to_invite,
)
from soscience.applications.forms import (
    ApplyForm,
    DeclineForm,
    InviteForm,
    RemoveForm,
    SelectForm,
    WithdrawForm,
    row_ids,
)
from soscience.applications.models import Application
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError
from soscience.missions.models import Mission
from soscience.network.services import referral_record


def _show_error(form: forms.Form, error: DomainError) -> None:
    """The refusal next to its field, or above the form when it is about no field."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _to_team_page(mission_id: int) -> HttpResponse:
    return redirect("applications:mission_applications", pk=mission_id)


# The volunteer's pages.


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply to a published mission, or complete the team's invitation to apply."""
    mission = mission_to_apply(request.user, pk)
    form = ApplyForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            application = services.application_submit(
                mission=mission, volunteer=request.user,  # type: ignore[arg-type]
                motivation=form.cleaned_data["motivation"],
                availability_confirmed=form.cleaned_data["availability_confirmed"],
            )  # fmt: skip
        except DomainError as error:
            _show_error(form, error)
        else:
            referral_record(request, "application", request.user, mission=mission)
            messages.success(
                request,
                _("Your application was sent. The team will answer by %(date)s.")
                % {"date": _date(application.answer_by)},
            )
            return redirect("applications:mine")
    existing = selectors.application_of(mission, request.user)
    invited = existing is not None and existing.status == Application.Status.INVITED
    context = {
        "mission": mission,
        "form": form,
        "existing": None if invited else existing,
        "invited": invited,
        "refusal": selectors.apply_refusal(mission, request.user, invited=invited),  # type: ignore[arg-type]
        "answer_by": selectors.answer_by_for(mission),
    }
    return render(request, "applications/apply.html", context)


def _date(value: Any) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _render_mine(
    request: HttpRequest, bound: dict[int, WithdrawForm] | None = None
) -> HttpResponse:
    applications = list(selectors.my_applications(request.user))  # type: ignore[arg-type]
    for application in applications:
        application.can_withdraw = application.status in selectors.WITHDRAWABLE  # type: ignore[attr-defined]
        application.withdraw_form = (bound or {}).get(application.pk) or WithdrawForm(  # type: ignore[attr-defined]
            auto_id=row_ids(application.pk)
        )
    return render(request, "applications/mine.html", {"applications": applications})


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My applications: status, the date the team answers by, and withdrawing."""
    return _render_mine(request)


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw one of my applications before selection, with a reason."""
    application = application_for_volunteer(request.user, pk)
    form = WithdrawForm(request.POST, auto_id=row_ids(pk))
    if form.is_valid():
        try:
            services.application_withdraw(
                application=application, by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"], detail=form.cleaned_data["detail"],
            )  # fmt: skip
        except DomainError as error:
            if error.field not in form.fields:
                messages.error(request, error.message)
                return redirect("applications:mine")
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Your application was withdrawn. The team is told."))
            return redirect("applications:mine")
    return _render_mine(request, bound={pk: form})


# The team's pages.


def _render_team(
    request: HttpRequest, mission: Mission, *, invite_form: InviteForm | None = None,
    decline_forms: dict[int, DeclineForm] | None = None,
) -> HttpResponse:  # fmt: skip
    data = selectors.mission_applications(mission)
    can_decide = is_coordinator(request.user)
    for application in data.applications:
        pk = application.pk
        application.can_decide = can_decide and application.status in selectors.OPEN_STATUSES  # type: ignore[attr-defined]
        application.can_decline = can_decide and (  # type: ignore[attr-defined]
            application.is_open or application.status == Application.Status.INVITED
        )
        application.select_form = SelectForm(auto_id=row_ids(pk))  # type: ignore[attr-defined]
        application.decline_form = (decline_forms or {}).get(pk) or DeclineForm(  # type: ignore[attr-defined]
            auto_id=row_ids(pk)
        )
    for member in data.team:
        member.remove_form = RemoveForm(auto_id=row_ids(member.pk))  # type: ignore[attr-defined]
    context = {
        "data": data,
        "mission": mission,
        "can_decide": can_decide,
        "invite_form": invite_form or InviteForm(),
        "answer_by": selectors.answer_by_for(mission),
    }
    return render(request, "applications/mission_applications.html", context)


@require_GET
def mission_applications(request: HttpRequest, pk: int) -> HttpResponse:
    """A mission's applicants (late answers highlighted, overlaps flagged) and its team."""
    return _render_team(request, mission_for_selection(request.user, pk))


def _safe_next(request: HttpRequest, target: str) -> str | None:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a volunteer (by id from the suggestions, or by email address) to apply."""
    mission = mission_for_selection(request.user, pk, for_write=True)
    form = InviteForm(request.POST)
    if form.is_valid():
        volunteer = volunteer_to_invite(
            request.user, pk=form.cleaned_data["volunteer"], email=form.cleaned_data["email"]
        )
        if volunteer is None and form.cleaned_data["volunteer"] is not None:
            form.add_error(None, _("This person is not a volunteer."))
        elif volunteer is None:
            form.add_error("email", _("No volunteer has signed up with this address."))
        else:
            try:
                services.application_invite(mission=mission, volunteer=volunteer, by=request.user)  # type: ignore[arg-type]
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s is invited to apply and was told.") % {"name": volunteer.full_name},
                )
                back = _safe_next(request, form.cleaned_data["next"])
                return redirect(back) if back else _to_team_page(mission.pk)
    back = _safe_next(request, request.POST.get("next", ""))
    if back:  # from another page (the suggestions): say why there, do not lose the reader
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    return _render_team(request, mission, invite_form=form)


@require_POST
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for_team(request.user, pk, for_write=True)
    try:
        services.application_shortlist(application=application, by=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is on the shortlist.") % {"name": application.volunteer.full_name},
        )
    return _to_team_page(application.mission_id)


@require_POST
def select(request: HttpRequest, pk: int) -> HttpResponse:
    """Select an applicant into the team with a role (a seat, unless advisor)."""
    application = application_for_team(request.user, pk, for_write=True)
    # The team builder sends its own address, so the coordinator stays there.
    target = _safe_next(request, request.POST.get("next", ""))
    back = redirect(target) if target else _to_team_page(application.mission_id)
    form = SelectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role in the team."))
        return back
    try:
        services.application_select(
            application=application, by=request.user,  # type: ignore[arg-type]
            role=form.cleaned_data["role"],
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        name = application.volunteer.full_name
        messages.success(request, _("%(name)s joins the team and was told.") % {"name": name})
        for other in selectors.overlapping_commitments(application.volunteer, application.mission):
            messages.warning(
                request,
                _("%(name)s is also on the team of “%(mission)s” for overlapping dates.")
                % {"name": name, "mission": other.title},
            )
    return back


@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Tell an applicant they are not selected, with a reason, kindly."""
    application = application_for_team(request.user, pk, for_write=True)
    form = DeclineForm(request.POST, auto_id=row_ids(pk))
    if form.is_valid():
        try:
            services.application_decline(
                application=application, by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"], detail=form.cleaned_data["detail"],
            )  # fmt: skip
        except DomainError as error:
            if error.field not in form.fields:
                messages.error(request, error.message)
                return _to_team_page(application.mission_id)
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("%(name)s was told, with the reason.")
                % {"name": application.volunteer.full_name},
            )
            return _to_team_page(application.mission_id)
    return _render_team(request, application.mission, decline_forms={pk: form})


@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take someone off the team: the seat is freed, the application back on the shortlist."""
    member = team_member_for_team(request.user, pk, for_write=True)
    form = RemoveForm(request.POST)
    form.is_valid()  # the explanation is optional and bounded: nothing can be refused
    try:
        services.team_member_remove(
            member=member, by=request.user,  # type: ignore[arg-type]
            detail=form.cleaned_data.get("detail", ""),
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is no longer on the team; the seat is free.")
            % {"name": member.volunteer.full_name},
        )
    return _to_team_page(member.mission_id)
