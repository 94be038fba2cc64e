"""Delivery, acceptance, closing and cancelling (POST from the mission space's panel), and
the closing surveys and note (their own pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from soscience.closing import services, services_surveys
from soscience.closing.access import mission_for_closing
from soscience.closing.forms import (
    AskChangesForm,
    CancelForm,
    ClosingNoteForm,
    OrganisationSurveyForm,
    VolunteerSurveyForm,
)
from soscience.closing.models import ClosingNote, OrganisationSurvey, VolunteerSurvey
from soscience.core.errors import DomainError
from soscience.missions.models import Mission


def _to_space(mission: Mission) -> HttpResponse:
    return redirect("execution:space", pk=mission.pk)


def _posted(request: HttpRequest) -> Any:
    """The submitted data, or None on GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _refused(form: forms.Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _act(
    request: HttpRequest, pk: int, action: str, service: Callable[..., Any], done: str
) -> HttpResponse:
    """A one-click action: the service's refusal comes back as a message on the space."""
    mission = mission_for_closing(request.user, pk, action)
    try:
        service(mission=mission, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _to_space(mission)


@require_POST
def deliver(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "deliver", services.mission_deliver,
                _("The mission is marked delivered: the organisation was told."))  # fmt: skip


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "accept", services.delivery_accept,
                _("You accepted the deliverables. Thank you!"))  # fmt: skip


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "close", services.mission_close, _("The mission is closed."))


def _with_text(
    request: HttpRequest, pk: int, action: str, form_class: type[forms.Form],
    service: Callable[..., Any], template: str, done: str,
) -> HttpResponse:  # fmt: skip
    """An action with a text (a comment, a reason): refused, its own page shows the form
    again with the reason next to the field and what was typed."""
    mission = mission_for_closing(request.user, pk, action)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(mission=mission, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, done)
            return _to_space(mission)
    return render(request, template, {"mission": mission, "form": form})


@require_POST
def ask_changes(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_text(request, pk, "ask_changes", AskChangesForm, services.delivery_ask_changes,
                      "closing/ask_changes.html",
                      _("Your request for changes was sent to the team."))  # fmt: skip


@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_text(request, pk, "cancel", CancelForm, services.mission_cancel,
                      "closing/cancel.html", _("The mission is cancelled."))  # fmt: skip


# The surveys and the note: GET shows the form (or why it cannot be answered, or the
# answer already given), POST answers.


@require_http_methods(["GET", "POST"])
def org_survey(request: HttpRequest, pk: int) -> HttpResponse:
    mission = mission_for_closing(request.user, pk, "org_survey")
    answer = OrganisationSurvey.objects.filter(mission=mission).select_related("answered_by")
    context = {"mission": mission, "answer": answer.first(),
               "refusal": services_surveys.survey_refusal(mission)}  # fmt: skip
    form = OrganisationSurveyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services_surveys.organisation_survey_answer(
                mission=mission, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Thank you: your answers were recorded."))
            return _to_space(mission)
    return render(request, "closing/org_survey.html", {**context, "form": form})


@require_http_methods(["GET", "POST"])
def volunteer_survey(request: HttpRequest, pk: int) -> HttpResponse:
    mission = mission_for_closing(request.user, pk, "volunteer_survey")
    answer = (
        VolunteerSurvey.objects.filter(mission=mission, volunteer=request.user)
        .prefetch_related("skills_used", "skills_gained")
        .first()
    )
    skills = services_surveys.survey_skills(mission, request.user)
    form = VolunteerSurveyForm(_posted(request), skills=skills)
    if request.method == "POST" and form.is_valid():
        try:
            services_surveys.volunteer_survey_answer(
                mission=mission, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Thank you: your answers were recorded."))
            return _to_space(mission)
    context = {"mission": mission, "answer": answer, "form": form,
               "refusal": services_surveys.survey_refusal(mission)}  # fmt: skip
    return render(request, "closing/volunteer_survey.html", context)


@require_http_methods(["GET", "POST"])
def closing_note(request: HttpRequest, pk: int) -> HttpResponse:
    mission = mission_for_closing(request.user, pk, "closing_note")
    note = ClosingNote.objects.filter(mission=mission).first()
    initial = {"body": note.body} if note else None
    form = ClosingNoteForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_surveys.closing_note_save(
                mission=mission, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Your closing note was saved."))
            return _to_space(mission)
    context = {"mission": mission, "note": note, "form": form,
               "refusal": services_surveys.note_refusal(mission)}  # fmt: skip
    return render(request, "closing/closing_note.html", context)
