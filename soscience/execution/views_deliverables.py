"""A mission's deliverables: the list, the upload form, the private download."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soscience.core.errors import DomainError
from soscience.core.stored_files import download_response
from soscience.execution import access_deliverables as access
from soscience.execution import services_deliverables as services
from soscience.execution.forms_deliverables import DeliverableForm


def _render(
    request: HttpRequest, page: access.DeliverablesPage, form: DeliverableForm | None = None
) -> HttpResponse:
    mission = page.mission
    limit = services.max_deliverable_bytes()
    context = {
        "mission": mission,
        "deliverables": mission.delivered_files.select_related("uploaded_by"),
        "may_upload": page.may_upload,
        "refusal": services.upload_refusal(mission),
        "form": form or DeliverableForm(limit=limit),
    }
    return render(request, "execution/deliverables.html", context)


@require_GET
def deliverable_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, access.deliverables_page(request.user, pk))


@require_POST
def deliverable_upload(request: HttpRequest, pk: int) -> HttpResponse:
    page = access.deliverable_upload(request.user, pk)
    form = DeliverableForm(request.POST, request.FILES, limit=services.max_deliverable_bytes())
    if form.is_valid():
        try:
            services.deliverable_upload(mission=page.mission, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The file was delivered."))
            return redirect("deliverables:list", pk=pk)
    return _render(request, page, form)


@require_GET
def deliverable_download(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = access.deliverable_for_user(request.user, pk)
    return download_response(
        request, deliverable.file, filename=deliverable.original_name,
        content_type=deliverable.content_type,
    )  # fmt: skip
