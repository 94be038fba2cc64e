from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from soscience.core.access import require_coordinator
from soscience.core.errors import DomainError
from soscience.core.forms import PlatformSettingsForm
from soscience.core.models import PlatformSettings
from soscience.core.page_cache import visitor_page
from soscience.core.selectors import dashboard_for, home_figures
from soscience.core.services import note_add as note_add_service
from soscience.core.services import platform_settings_update


@login_not_required
@require_GET
@visitor_page("catalogue")
def home(request: HttpRequest) -> HttpResponse:
    """Visitors get it from the page cache: its figures and latest missions are the
    catalogue's data (missions, verified organisations)."""
    return TemplateResponse(request, "core/home.html", home_figures())


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the process answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch language; a signed-in person's choice is saved to their account."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {"fr", "en"}:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return set_language(request)


def dashboard(request: HttpRequest) -> HttpResponse:
    """Each person's starting page, with a section per role they hold."""
    return render(request, "core/dashboard.html", dashboard_for(request.user))


def platform_settings(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    config = PlatformSettings.load()
    form = PlatformSettingsForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        try:
            platform_settings_update(by=request.user, rules=form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The platform rules were saved."))
            return redirect("core:platform_settings")
    return render(request, "core/platform_settings.html", {"form": form})


NOTE_SUBJECTS = {
    "organisation": ("organisations", "Organisation", "organisations:detail"),
    "need": ("needs", "Need", "needs:detail"),
    "mission": ("missions", "Mission", "missions:manage"),
}


@require_POST
def note_add(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Add a coordinator's internal note to an organisation, a need or a mission."""
    require_coordinator(request.user)
    if kind not in NOTE_SUBJECTS:
        raise Http404
    app_label, model_name, detail_url = NOTE_SUBJECTS[kind]
    subject = get_object_or_404(apps.get_model(app_label, model_name), pk=pk)
    try:
        note_add_service(subject=subject, by=request.user, body=request.POST.get("body", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The note was added."))
    return redirect(detail_url, pk=pk)
