"""Pages for needs: the guided form, the need's page, and the team's triage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soscience.core.access import is_coordinator, require_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.core.stored_files import download_response
from soscience.needs import services
from soscience.needs.access import attachment_for_user, need_for_user
from soscience.needs.forms import DeclineForm, DuplicateForm, NeedForm, TriageFilterForm
from soscience.needs.models import Need
from soscience.organisations.access import is_member
from soscience.organisations.models import Organisation

TRIAGE_PAGE_SIZE = 25
# Not shown in the queue: no need to read them for 25 rows.
LONG_TEXT_FIELDS = ("problem", "context", "already_tried", "desired_outcome", "decline_detail")


@login_not_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """What a good need looks like, and the next step for whoever is reading."""
    user = request.user
    can_submit = user.is_authenticated and (
        is_coordinator(user) or Organisation.objects.of_member(user).exists()
    )
    return render(request, "needs/start.html", {"can_submit": can_submit})


def _organisations_for(user: Any) -> QuerySet[Organisation]:
    """The organisations ``user`` may submit a need for: all of them for coordinators
    (who act on an organisation's behalf), their own for members."""
    if is_coordinator(user):
        return Organisation.objects.exclude(status=Organisation.Status.REJECTED).order_by("name")
    return Organisation.objects.of_member(user).order_by("name")


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    organisations = _organisations_for(request.user)
    choices = list(organisations)
    if not choices:
        messages.info(request, _("Register your organisation first: then you can submit needs."))
        return redirect("needs:start")
    single = len(choices) == 1 and not is_coordinator(request.user)
    initial = {"organisation": request.GET.get("organisation")}
    if single:
        initial["country"] = choices[0].country  # where most of its needs will be
    form = NeedForm(
        request.POST or None,
        request.FILES or None,
        organisations=None if single else organisations,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        organisation = choices[0] if single else form.cleaned_data["organisation"]
        try:
            need = services.need_submit(
                organisation=organisation, by=request.user, data=form.need_data(),
                domains=form.cleaned_data["domains"],
                attachments=form.cleaned_data["attachments"],
            )  # fmt: skip
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, _("Your need was sent to the team. You will hear from us by email.")
            )
            return redirect("needs:detail", pk=need.pk)
    context = {"form": form, "organisation": choices[0] if single else None}
    return render(request, "needs/submit.html", context)


STATUS_EXPLANATIONS = {
    Need.Status.SUBMITTED: _(
        "The coordination team will read this need and either take it into scoping or "
        "explain why it cannot become a mission. Until then it can be edited or withdrawn."
    ),
    Need.Status.SCOPING: _(
        "The team is turning this need into a mission order: objectives, deliverables, "
        "team and dates. The organisation will be asked to approve the order before it "
        "is published."
    ),
    Need.Status.DECLINED: _("The team decided this need cannot become a mission; see why below."),
    Need.Status.DUPLICATE: _("This need repeats another one, which the team follows instead."),
    Need.Status.WITHDRAWN: _("The organisation withdrew this need."),
}


def _detail_context(
    request: HttpRequest, need: Need, *, decline_form: DeclineForm | None = None,
    duplicate_form: DuplicateForm | None = None,
) -> dict[str, Any]:  # fmt: skip
    coordinator = is_coordinator(request.user)
    context: dict[str, Any] = {
        "need": need,
        "status_explanation": STATUS_EXPLANATIONS.get(need.status, ""),
        "domains": need.domains.all(),
        "attachments": need.attachments.all(),
        "events": need.events.select_related("actor"),
        "is_coordinator": coordinator,
        "may_edit": need.is_editable
        and (coordinator or is_member(request.user, need.organisation)),
        "may_withdraw": need.is_editable and is_member(request.user, need.organisation),
        "duplicate_of": need.duplicate_of,
    }
    if coordinator:
        context["missions"] = need.missions.order_by("-created_at")
        context["decline_form"] = decline_form or DeclineForm()
        context["duplicate_form"] = duplicate_form or DuplicateForm(need=need)
    return context


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_for_user(request.user, pk)
    return render(request, "needs/detail.html", _detail_context(request, need))


def _refused_edit_message(need: Need) -> str:
    # Same wording as the service's refusal, so both paths read alike.
    return _(
        "This need has already been triaged by the team (%(status)s): it can no longer be changed."
    ) % {"status": need.get_status_display()}


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_for_user(request.user, pk)
    if not need.is_editable:
        messages.error(request, _refused_edit_message(need))
        return redirect("needs:detail", pk=need.pk)
    heading = need.title  # the form writes what was typed onto the instance
    form = NeedForm(request.POST or None, request.FILES or None, instance=need)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(
                need=need, by=request.user, data=form.need_data(),
                domains=form.cleaned_data["domains"],
                attachments=form.cleaned_data["attachments"],
            )  # fmt: skip
        except TransitionRefused as error:
            # Triaged meanwhile: the form cannot help any more, the need's page explains.
            messages.error(request, error.message)
            return redirect("needs:detail", pk=need.pk)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The need was updated."))
            return redirect("needs:detail", pk=need.pk)
    context = {"form": form, "need": need, "heading": heading}
    return render(request, "needs/edit.html", context)


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_for_user(request.user, pk)
    try:
        services.need_withdraw(need=need, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The need was withdrawn."))
    return redirect("needs:detail", pk=need.pk)


@require_GET
def attachment(request: HttpRequest, need_pk: int, pk: int) -> HttpResponse:
    document = attachment_for_user(request.user, need_pk, pk)
    return download_response(
        request, document.file, filename=document.original_name,
        content_type=document.content_type,
    )  # fmt: skip


@require_GET
def triage(request: HttpRequest) -> HttpResponse:
    """The team's queue, oldest first; by default the needs waiting for a decision."""
    require_coordinator(request.user)
    data = request.GET.copy()
    data.setdefault("status", Need.Status.SUBMITTED)
    filters = TriageFilterForm(data)
    needs = filters.apply(
        Need.objects.select_related("organisation")
        .prefetch_related("domains")
        .defer(*LONG_TEXT_FIELDS)
    )
    page = Paginator(needs, TRIAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for need in page.object_list:
        need.age_days = (now - need.submitted_at).days
    return render(request, "needs/triage.html", {"filters": filters, "page": page})


def _triage_done(request: HttpRequest, need: Need, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("needs:detail", pk=need.pk)


@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request.user)
    need = need_for_user(request.user, pk)
    try:
        services.need_take_into_scoping(need=need, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("needs:detail", pk=need.pk)
    return _triage_done(request, need, _("The need was taken into scoping."))


@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request.user)
    need = need_for_user(request.user, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.need_decline(
                need=need, by=request.user, reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )  # fmt: skip
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _triage_done(request, need, _("The need was declined."))
    context = _detail_context(request, need, decline_form=form)
    return render(request, "needs/detail.html", context)


@require_POST
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request.user)
    need = need_for_user(request.user, pk)
    form = DuplicateForm(request.POST, need=need)
    if form.is_valid():
        try:
            services.need_mark_duplicate(
                need=need, by=request.user, original=form.cleaned_data["original"]
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _triage_done(request, need, _("The need was marked as a duplicate."))
    context = _detail_context(request, need, duplicate_form=form)
    return render(request, "needs/detail.html", context)
