"""Personal data pages: the public notice, my data (download), erase my account, and the
coordinators' processing register."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from soscience.core.access import require_coordinator
from soscience.core.errors import DomainError
from soscience.core.models import PlatformSettings
from soscience.privacy.audit import Action, audit
from soscience.privacy.export import export_zip
from soscience.privacy.forms import PasswordConfirmForm
from soscience.privacy.register import ACTIVITIES, data_kinds
from soscience.privacy.retention import GRACE_DAYS
from soscience.privacy.services import account_erase, erase_refusal


@login_not_required
@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    """What the platform keeps about people, why, how long, who sees it, and their rights."""
    context = {
        "activities": ACTIVITIES,
        "kinds": data_kinds(),
        "years": PlatformSettings.load().inactive_years_before_anonymising,
        "grace_days": GRACE_DAYS,
    }
    return render(request, "privacy/notice.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """Download all my data: a ZIP of JSON files and the files I uploaded."""
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        archive = export_zip(user=request.user)  # type: ignore[arg-type]
        audit(Action.DATA_EXPORTED, actor=request.user, target=request.user, request=request)
        name = f"soscience-my-data-{timezone.localdate():%Y-%m-%d}.zip"
        return FileResponse(
            archive, as_attachment=True, filename=name, content_type="application/zip"
        )
    return render(request, "privacy/export.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    """Erase my account: personal data deleted or anonymised, then signed out."""
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account_erase(user=request.user, by=request.user)  # type: ignore[arg-type]
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account was erased. Thank you for your help."))
            return redirect("privacy:notice")
    refusal = erase_refusal(request.user)  # type: ignore[arg-type]
    return render(request, "privacy/erase.html", {"form": form, "refusal": refusal})


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The register of processing activities, for the coordination team."""
    require_coordinator(request.user)
    return render(request, "privacy/register.html", {"activities": ACTIVITIES})
