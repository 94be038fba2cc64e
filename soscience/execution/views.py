"""The mission space: where a running mission's team, supervisor, coordinators and
organisation follow its progress."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError
from soscience.core.stored_files import download_response
from soscience.execution import services
from soscience.execution.access import (
    ACTIONS,
    attachment_for_user,
    can_read_internal,
    milestone_for_user,
    mission_for_action,
    mission_space_for_user,
    update_for_user,
)
from soscience.execution.forms import ExtendForm, MilestoneForm, ReplyForm, UpdateForm
from soscience.execution.models import ProgressUpdate, UpdateReply
from soscience.missions.models import Mission

RUNNING = (Mission.Status.OPEN, Mission.Status.IN_PROGRESS)


def _to_space(mission: Mission) -> HttpResponse:
    return redirect("execution:space", pk=mission.pk)


def _updates(request: HttpRequest, mission: Mission) -> list[ProgressUpdate]:
    updates = mission.updates.select_related("author").prefetch_related(
        "attachments",
        Prefetch("replies", queryset=UpdateReply.objects.select_related("author")),
    )
    if not can_read_internal(request.user, mission):
        updates = updates.filter(visibility=ProgressUpdate.Visibility.SHARED)
    return list(updates)


def _timeline(request: HttpRequest, mission: Mission, reply: ReplyForm | None) -> list[dict]:
    """Events, delivered files, equipment requests and updates mixed, newest first; each
    update carries its reply form."""
    lines: list[dict[str, Any]] = [
        {"at": e.created_at, "event": e} for e in mission.events.select_related("actor")
    ]
    # Deliverables are for everyone in the space (the organisation included).
    lines += [
        {"at": d.uploaded_at, "deliverable": d}
        for d in mission.delivered_files.select_related("uploaded_by")
    ]
    # Equipment requests: everyone in the space reads them (the budget is part of the order
    # the organisation approved); each line says where the request stands now.
    lines += [
        {"at": r.created_at, "equipment": r}
        for r in mission.equipment_requests.select_related("requested_by")
    ]
    for update in _updates(request, mission):
        bound = reply if reply is not None and reply.prefix == f"reply-{update.pk}" else None
        form = bound or ReplyForm(prefix=f"reply-{update.pk}")
        lines.append({"at": update.created_at, "update": update, "reply_form": form})
    return sorted(lines, key=lambda line: line["at"], reverse=True)


def _space(request: HttpRequest, mission: Mission, **bound: forms.Form) -> HttpResponse:
    user = request.user
    team = list(mission.team.select_related("volunteer"))
    may = {action: check(user, mission) for action, check in ACTIONS.items()}
    timeline = _timeline(request, mission, bound.get("reply_form"))
    context = {
        "mission": mission,
        "days_left": (mission.end_date - timezone.localdate()).days,
        "milestones": list(mission.milestones.all()),
        "team": team,
        "timeline": timeline,
        "deliverable_count": sum(1 for line in timeline if "deliverable" in line),
        "can_kick_off": may["kick_off"] and mission.status == Mission.Status.OPEN and bool(team),
        "can_extend": may["extend"] and mission.status in RUNNING,
        "can_milestones": may["milestones"],
        "can_post": may["post"] and mission.status == Mission.Status.IN_PROGRESS,
        "is_coordinator": is_coordinator(user),
        # Time sheets belong to the team and those who follow it, not to the organisation.
        "can_read_hours": can_read_internal(user, mission),
        "update_form": bound.get("update_form") or UpdateForm(),
        "extend_form": bound.get("extend_form") or ExtendForm(),
        "milestone_form": bound.get("milestone_form") or MilestoneForm(),
    }
    return render(request, "execution/space.html", context)


@require_GET
def space(request: HttpRequest, pk: int) -> HttpResponse:
    return _space(request, mission_space_for_user(request.user, pk))


@require_GET
def update_attachment(request: HttpRequest, update_pk: int, pk: int) -> HttpResponse:
    attachment = attachment_for_user(request.user, update_pk, pk)
    return download_response(
        request, attachment.file, filename=attachment.original_name,
        content_type=attachment.content_type,
    )  # fmt: skip


@require_POST
def kick_off(request: HttpRequest, pk: int) -> HttpResponse:
    mission = mission_for_action(request.user, pk, "kick_off")
    try:
        services.mission_kick_off(mission=mission, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The mission has started."))
    return _to_space(mission)


def _refused(form: forms.Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    mission = mission_for_action(request.user, pk, "extend")
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.mission_extend(mission=mission, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The end date was moved."))
            return _to_space(mission)
    return _space(request, mission, extend_form=form)


@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    mission = mission_for_action(request.user, pk, "milestones")
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(mission=mission, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Milestone added."))
            return _to_space(mission)
    return _space(request, mission, milestone_form=form)


@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestone_for_user(request.user, pk)
    try:
        services.milestone_done(milestone=milestone, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Milestone marked as done."))
    return _to_space(milestone.mission)


@require_POST
def update_post(request: HttpRequest, pk: int) -> HttpResponse:
    mission = mission_for_action(request.user, pk, "post")
    form = UpdateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.update_post(mission=mission, author=request.user, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Your news was posted."))
            return _to_space(mission)
    return _space(request, mission, update_form=form)


@require_POST
def update_reply(request: HttpRequest, pk: int) -> HttpResponse:
    update = update_for_user(request.user, pk)
    form = ReplyForm(request.POST, prefix=f"reply-{update.pk}")
    if form.is_valid():
        try:
            services.update_reply(update=update, author=request.user, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Your reply was posted."))
            return _to_space(update.mission)
    return _space(request, update.mission, reply_form=form)
