"""The team's and the organisation's working pages for mission orders.

Coordinators draft, edit, send, publish and withdraw; the organisation's members approve
or ask for changes on the version sent to them; the supervisor reads along.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from soscience.core.access import is_coordinator, require_coordinator
from soscience.core.errors import DomainError
from soscience.missions import services
from soscience.missions.access import mission_for_approval, mission_for_user
from soscience.missions.forms import (
    ApproveForm,
    ChangesForm,
    MissionOrderForm,
    PublishForm,
    UnpublishForm,
    initial_from_need,
)
from soscience.missions.models import ORDER_FIELDS, Mission
from soscience.needs.access import need_for_user
from soscience.needs.models import Need
from soscience.organisations.access import is_member
from soscience.volunteers.models import SkillLevel

PAGE_SIZE = 25
# The list shows first what waits for someone, last what is settled.
STATUS_ORDER = (
    Mission.Status.AWAITING_APPROVAL, Mission.Status.CHANGES_REQUESTED, Mission.Status.DRAFT,
    Mission.Status.APPROVED, Mission.Status.OPEN, Mission.Status.CANCELLED,
)  # fmt: skip
MARKDOWN_FIELDS = frozenset({"context", "problem", "objectives", "deliverables", "out_of_scope"})
CONTENT_FIELDS = (*ORDER_FIELDS, "domains", "skills", "supervisor")

GET_POST = require_http_methods(["GET", "POST"])


def _to_manage(mission: Mission) -> HttpResponse:
    return redirect("missions:manage", pk=mission.pk)


# Reading: the list, the working page, a frozen version.


def _orders(status: str) -> QuerySet[Mission]:
    orders = Mission.objects.select_related("organisation", "supervisor")
    if status:
        # One status: the latest changed first, read in that order from its index.
        return orders.filter(status=status).order_by("-updated_at", "-pk")
    rank = Case(
        *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
        output_field=IntegerField(),
    )
    return orders.annotate(rank=rank).order_by("rank", "-updated_at", "-pk")


def _status_counts() -> list[dict[str, Any]]:
    counts = dict(
        Mission.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [
        {"value": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in STATUS_ORDER
    ]


@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    """Every mission order, grouped by status, for the coordination team."""
    require_coordinator(request.user)
    status = request.GET.get("status", "")
    if status not in Mission.Status.values:
        status = ""
    page = Paginator(_orders(status), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = _status_counts()
    return render(
        request,
        "missions/order_list.html",
        {"page": page, "status": status, "counts": counts,
         "total": sum(c["count"] for c in counts)},
    )  # fmt: skip


def _label(field: str) -> str:
    if field in ORDER_FIELDS:
        return capfirst(Mission._meta.get_field(field).verbose_name)
    return {"domains": _("Domains"), "skills": _("Skills needed"), "supervisor": _("Supervisor")}[
        field
    ]


def _display(field: str, value: Any) -> str | list[str]:
    """A frozen JSON value as a reader should see it, in the current language."""
    lang = "en" if (get_language() or "fr").startswith("en") else "fr"
    if value in (None, ""):
        return ""
    if field in {"start_date", "end_date"}:
        return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
    if field == "country":
        return str(countries.name(value))
    if field == "equipment_budget":
        return formats.number_format(Decimal(value), 2)
    if field == "languages":
        labels = dict(Mission.Language.choices)
        return [str(labels.get(code, code)) for code in value]
    if field == "domains":
        return [domain[lang] for domain in value]
    if field == "skills":
        levels = dict(SkillLevel.choices)
        return [f"{s[lang]} ({levels.get(s['level'], s['level'])})" for s in value]
    choices = Mission._meta.get_field(field).choices if field in ORDER_FIELDS else None
    return str(dict(choices).get(value, value)) if choices else str(value)


def order_rows(
    content: dict[str, Any], previous: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Each field of an order's content with its label; ``changed`` against ``previous``."""
    rows = []
    for field in CONTENT_FIELDS:
        value = _display(field, content.get(field))
        rows.append({
            "name": field, "label": _label(field), "value": value,
            "markdown": field in MARKDOWN_FIELDS, "is_list": isinstance(value, list),
            "changed": previous is not None and previous.get(field) != content.get(field),
        })  # fmt: skip
    return rows


def _render_manage(
    request: HttpRequest, mission: Mission, **bound: forms.Form
) -> HttpResponse:  # fmt: skip
    versions = list(mission.versions.select_related("created_by", "decided_by"))
    pending = None
    if mission.status == Mission.Status.AWAITING_APPROVAL:
        pending = next((v for v in versions if v.status == v.Status.PENDING), None)
    can_decide = pending is not None and is_member(request.user, mission.organisation)
    # The organisation decides on the frozen text it was sent, never on the live fields.
    content = pending.content if can_decide else services.order_snapshot(mission)  # type: ignore[union-attr]
    initial = {"version": pending.number} if pending else {}
    context = {
        "mission": mission,
        "team": is_coordinator(request.user),
        "can_decide": can_decide,
        "pending": pending,
        "approved": next((v for v in versions if v.status == v.Status.APPROVED), None),
        "rows": order_rows(content),
        "versions": versions,
        "events": mission.events.select_related("actor", "version"),
        "campuses": mission.campuses.all(),
        "approve_form": ApproveForm(initial=initial),
        "changes_form": bound.get("changes_form") or ChangesForm(initial=initial),
        "unpublish_form": bound.get("unpublish_form") or UnpublishForm(),
    }
    return render(request, "missions/manage.html", context)


@require_GET
def order_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The working page of one mission order: the order, its versions, its timeline."""
    return _render_manage(request, mission_for_user(request.user, pk))


@require_GET
def order_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A frozen version exactly as it was sent, and what changed since the one before."""
    mission = mission_for_user(request.user, pk)
    # Reached through the mission the reader may see, so no other mission's version leaks.
    pair = list(
        mission.versions.select_related("created_by", "decided_by")
        .filter(number__lte=number)
        .order_by("-number")[:2]
    )
    if not pair or pair[0].number != number:
        raise Http404
    version = pair[0]
    previous = pair[1] if len(pair) > 1 else None
    rows = order_rows(version.content, previous.content if previous else None)
    return render(
        request,
        "missions/version.html",
        {"mission": mission, "version": version, "previous": previous, "rows": rows,
         "changed": [row["label"] for row in rows if row["changed"]]},
    )  # fmt: skip


# Writing the order: coordinators only.


def _order_form_page(
    request: HttpRequest, form: MissionOrderForm, **context: Any
) -> HttpResponse:  # fmt: skip
    return render(request, "missions/order_form.html", {"form": form, **context})


@GET_POST
def order_create(request: HttpRequest, need_pk: int) -> HttpResponse:
    """Draft a mission order from a need the team took into scoping."""
    require_coordinator(request.user)
    need = need_for_user(request.user, need_pk)
    if request.method != "POST":
        form = MissionOrderForm(initial=initial_from_need(need))
    else:
        form = MissionOrderForm(request.POST)
        if form.is_valid():
            try:
                mission = services.mission_create_from_need(
                    need=need, by=request.user, **form.service_kwargs()
                )
            except DomainError as error:
                form.add_error(form.error_field(error.field), error.message)
            else:
                messages.success(request, _("The mission order was drafted."))
                return _to_manage(mission)
    return _order_form_page(
        request, form, need=need, mission=None,
        not_in_scoping=need.status != Need.Status.SCOPING,
    )  # fmt: skip


@GET_POST
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the order. After approval this starts a new version to approve."""
    mission = mission_for_user(request.user, pk, for_write=True)
    if not mission.is_editable:
        messages.error(
            request,
            _("A %(status)s mission cannot be edited. Withdraw it from the catalogue first.")
            % {"status": mission.get_status_display().lower()},
        )
        return _to_manage(mission)
    skills = [(s.skill, s.level) for s in mission.skill_needs.select_related("skill")]
    # A copy: an invalid form must not rename the mission in the page's heading.
    instance = copy.copy(mission)
    if request.method != "POST":
        form = MissionOrderForm(instance=instance, skills=skills)
    else:
        form = MissionOrderForm(request.POST, instance=instance, skills=skills)
        if form.is_valid():
            try:
                services.mission_update(mission=mission, by=request.user, **form.service_kwargs())
            except DomainError as error:
                form.add_error(form.error_field(error.field), error.message)
            else:
                messages.success(request, _("The mission order was saved."))
                return _to_manage(mission)
    return _order_form_page(request, form, need=mission.need, mission=mission)


@require_POST
def order_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze the order as a new version and ask the organisation to approve it."""
    mission = mission_for_user(request.user, pk, for_write=True)
    try:
        version = services.mission_submit_for_approval(mission=mission, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Version %(number)d was sent to the organisation for approval.")
            % {"number": version.number},
        )
    return _to_manage(mission)


# The organisation's decision on the version it was sent.


def _version_missing(request: HttpRequest, mission: Mission) -> HttpResponse:
    messages.error(request, _("Which version you decide on is missing: reload the page."))
    return _to_manage(mission)


@require_POST
def order_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation approves exactly the version number it read."""
    mission = mission_for_approval(request.user, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _version_missing(request, mission)
    try:
        version = services.mission_approve(
            mission=mission, by=request.user, version_number=form.cleaned_data["version"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You approved version %(number)d of the mission order.") % {"number": version.number},
        )
    return _to_manage(mission)


@require_POST
def order_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation sends the version back with a comment."""
    mission = mission_for_approval(request.user, pk)
    form = ChangesForm(request.POST)
    if "version" in form.errors:
        return _version_missing(request, mission)
    if form.is_valid():
        try:
            services.mission_request_changes(
                mission=mission, by=request.user,
                version_number=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )  # fmt: skip
        except DomainError as error:
            if error.field not in form.fields:
                messages.error(request, error.message)
                return _to_manage(mission)
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Your request for changes was sent to the team."))
            return _to_manage(mission)
    return _render_manage(request, mission, changes_form=form)


# Publication: coordinators only.


@GET_POST
def order_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer an approved mission to the chosen campuses."""
    mission = mission_for_user(request.user, pk, for_write=True)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.mission_publish(
                mission=mission, by=request.user, campuses=list(form.cleaned_data["campuses"])
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The mission is published."))
            return _to_manage(mission)
    return render(request, "missions/publish.html", {"mission": mission, "form": form})


@require_POST
def order_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a mission out of the catalogue, saying why."""
    mission = mission_for_user(request.user, pk, for_write=True)
    form = UnpublishForm(request.POST)
    if form.is_valid():
        try:
            services.mission_unpublish(
                mission=mission, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            if error.field not in form.fields:
                messages.error(request, error.message)
                return _to_manage(mission)
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The mission was withdrawn from the catalogue."))
            return _to_manage(mission)
    return _render_manage(request, mission, unpublish_form=form)
