"""Pages of the organisations app: registration, the organisation's page, the review queue.

Every object is reached through ``organisation_for_user``; every write is one service call.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soscience.accounts.sudo import sudo_required
from soscience.core.access import is_coordinator, require_coordinator
from soscience.core.errors import DomainError
from soscience.core.stored_files import download_response
from soscience.organisations.access import organisation_for_user
from soscience.organisations.forms import (
    MemberInviteForm,
    OrganisationForm,
    QueueFilterForm,
    RejectForm,
    ReviewForm,
)
from soscience.organisations.models import Organisation
from soscience.organisations.services import (
    member_invite,
    organisation_register,
    organisation_reject,
    organisation_update,
    organisation_verify,
)

QUEUE_PAGE_SIZE = 50


def register(request: HttpRequest) -> HttpResponse:
    """A signed-in person registers an organisation and becomes its representative."""
    if request.method == "POST":
        form = OrganisationForm(request.POST, request.FILES)
    else:
        # A prospect's page links here with the organisation's name filled in.
        form = OrganisationForm(initial={"name": request.GET.get("name", "")[:200]})
    if form.is_bound and form.is_valid():
        try:
            organisation = organisation_register(
                by=request.user, data=form.cleaned_data, proof=form.cleaned_data["proof"]
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is registered. The team will verify its eligibility; meanwhile "
                    "you can already submit a need."
                )
                % {"name": organisation.name},
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/register.html", {"form": form})


def _detail_context(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    """What the organisation page shows; the forms may be replaced by bound ones."""
    coordinator = is_coordinator(request.user)
    return {
        "organisation": organisation,
        "is_coordinator": coordinator,
        "may_edit": coordinator or not organisation.is_verified,
        "memberships": organisation.memberships.select_related("user").order_by(
            "-is_representative", "user__full_name", "pk"
        ),
        "invitations": organisation.invitations.filter(accepted_at__isnull=True).order_by(
            "created_at", "pk"
        ),
        "events": organisation.events.select_related("actor"),
        "invite_form": MemberInviteForm(),
        "review_form": ReviewForm(),
        "reject_form": RejectForm(),
    }


def _render_detail(
    request: HttpRequest, organisation: Organisation, **forms: object
) -> HttpResponse:
    context = _detail_context(request, organisation)
    context.update(forms)
    return render(request, "organisations/detail.html", context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's page for its members and the coordination team."""
    organisation = organisation_for_user(request.user, pk)
    return _render_detail(request, organisation)


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the details; members only until verified, coordinators always."""
    organisation = organisation_for_user(request.user, pk, for_write=True)
    # Read before validation: a ModelForm writes what was typed onto its instance.
    saved_name, was_rejected = (
        organisation.name,
        organisation.status == Organisation.Status.REJECTED,
    )
    if request.method == "POST":
        form = OrganisationForm(
            request.POST, request.FILES, instance=organisation, proof_required=False
        )
    else:
        form = OrganisationForm(instance=organisation, proof_required=False)
    if form.is_bound and form.is_valid():
        try:
            organisation_update(
                organisation=organisation,
                by=request.user,
                data=form.cleaned_data,
                proof=form.cleaned_data.get("proof"),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            if was_rejected:
                messages.success(
                    request,
                    _("Your changes were saved and the organisation is back in the review queue."),
                )
            else:
                messages.success(request, _("The changes were saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "organisations/edit.html",
        {"form": form, "organisation": organisation, "saved_name": saved_name},
    )


def proof(request: HttpRequest, pk: int) -> HttpResponse:
    """The proof document, to the organisation's members and the coordination team only (one
    lost from the storage gives the "file unavailable" page)."""
    organisation = organisation_for_user(request.user, pk)
    document = organisation.proof_document
    if not document:
        raise Http404
    return download_response(
        request, document, filename=organisation.proof_name or "proof",
        content_type=organisation.proof_content_type or "application/octet-stream",
    )  # fmt: skip


def review_queue(request: HttpRequest) -> HttpResponse:
    """Coordinators: organisations awaiting verification, oldest first; or decided ones."""
    require_coordinator(request.user)
    filter_form = QueueFilterForm(request.GET)
    status = filter_form.status_value()
    if status == Organisation.Status.PENDING:
        organisations = Organisation.objects.awaiting_review()
    else:
        organisations = (
            Organisation.objects.filter(status=status)
            .select_related("reviewed_by")
            .order_by("-reviewed_at", "-pk")
        )
    page = Paginator(organisations, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/review_queue.html",
        {
            "filter_form": filter_form,
            "status": status,
            "status_label": Organisation.Status(status).label,
            "page": page,
        },
    )


@require_POST
@sudo_required
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator records that the organisation creates social benefit."""
    require_coordinator(request.user)
    organisation = organisation_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, organisation, review_form=form)
    try:
        organisation_verify(
            organisation=organisation, by=request.user, note=form.cleaned_data["note"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is verified: its missions can now be published.")
            % {"name": organisation.name},
        )
    return redirect("organisations:detail", pk=organisation.pk)


@require_POST
@sudo_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator refuses eligibility, with a reason the organisation sees."""
    require_coordinator(request.user)
    organisation = organisation_for_user(request.user, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            organisation_reject(
                organisation=organisation, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            if error.field is None:
                # Already decided (by someone else meanwhile): the form is no longer shown.
                messages.error(request, error.message)
                return redirect("organisations:detail", pk=organisation.pk)
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("%(name)s was rejected; its members were told why.")
                % {"name": organisation.name},
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return _render_detail(request, organisation, reject_form=form)


@require_POST
@sudo_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A member (or a coordinator) adds a colleague by email address."""
    organisation = organisation_for_user(request.user, pk)
    form = MemberInviteForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            membership = member_invite(organisation=organisation, by=request.user, email=email)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            if membership is not None:
                messages.success(
                    request,
                    _("%(person)s is now a member of the organisation.")
                    % {"person": membership.user},
                )
            else:
                messages.success(
                    request,
                    _(
                        "We sent an invitation to %(email)s. They become a member once they "
                        "sign up with this address and confirm it."
                    )
                    % {"email": email},
                )
            return redirect("organisations:detail", pk=organisation.pk)
    return _render_detail(request, organisation, invite_form=form)
