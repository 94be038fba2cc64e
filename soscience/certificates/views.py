"""Certificates: the volunteer's list and PDFs, the coordinators' issue / revoke / reissue
pages, and the public verification pages."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from soscience.certificates import access, limits, selectors, services
from soscience.certificates.codes import normalise
from soscience.certificates.forms import ReasonForm, VerifyForm
from soscience.certificates.models import Certificate
from soscience.certificates.pdf import certificate_pdf, verification_url
from soscience.core.errors import DomainError


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's certificates (an empty list says how one is earned)."""
    context = {"certificates": selectors.certificates_of(request.user)}
    return render(request, "certificates/mine.html", context)


@require_GET
def mission(request: HttpRequest, pk: int) -> HttpResponse:
    mission = access.mission_for_certificates(request.user, pk)
    context = {"mission": mission, **selectors.mission_certificates(mission)}
    return render(request, "certificates/mission.html", context)


@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the certificates of every team member who can have one; say who cannot, why."""
    mission = access.mission_for_certificates(request.user, pk)
    try:
        result = services.certificates_issue_for_mission(mission=mission, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if result.issued:
            count = len(result.issued)
            messages.success(
                request,
                ngettext(
                    "%(n)d certificate was issued; its volunteer is told.",
                    "%(n)d certificates were issued; their volunteers are told.",
                    count,
                )
                % {"n": count},
            )
        for reason in result.refused:
            messages.warning(request, _("No certificate: %(reason)s") % {"reason": reason})
    return redirect("certificates:mission", pk=pk)


def _render_detail(
    request: HttpRequest,
    certificate: Certificate,
    revoke_form: ReasonForm | None = None,
    reissue_form: ReasonForm | None = None,
) -> HttpResponse:
    context = {
        "certificate": certificate,
        "replaced_by": selectors.replacement_of(certificate),
        "verify_url": verification_url(certificate),
        "revoke_form": revoke_form or ReasonForm(prefix="revoke"),
        "reissue_form": reissue_form or ReasonForm(prefix="reissue"),
    }
    return render(request, "certificates/detail.html", context)


def _refused(request: HttpRequest, certificate: Certificate, error: DomainError) -> HttpResponse:
    # A refusal about the certificate itself (already revoked or replaced, hours no longer
    # validated): the page it redirects to shows where it stands now.
    messages.error(request, error.message)
    return redirect("certificates:detail", pk=certificate.pk)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, access.certificate_to_manage(request.user, pk))


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = access.certificate_to_manage(request.user, pk)
    form = ReasonForm(request.POST, prefix="revoke")
    if form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            if error.field not in form.fields:
                return _refused(request, certificate, error)
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The certificate was revoked; the volunteer is told."))
            return redirect("certificates:detail", pk=pk)
    return _render_detail(request, certificate, revoke_form=form)


@require_POST
def reissue(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = access.certificate_to_manage(request.user, pk)
    form = ReasonForm(request.POST, prefix="reissue")
    if form.is_valid():
        try:
            new = services.certificate_reissue(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            if error.field not in form.fields:
                return _refused(request, certificate, error)
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, _("A new certificate replaces the old one; the volunteer is told.")
            )
            return redirect("certificates:detail", pk=new.pk)
    return _render_detail(request, certificate, reissue_form=form)


@require_GET
def pdf(request: HttpRequest, pk: int) -> FileResponse:
    certificate = access.certificate_for_download(request.user, pk)
    return FileResponse(
        io.BytesIO(certificate_pdf(certificate)), as_attachment=True,
        filename=f"certificate-{certificate.code}.pdf", content_type="application/pdf",
    )  # fmt: skip


def _limited(request: HttpRequest) -> HttpResponse:
    return render(request, "certificates/verify.html", {"state": "limited"}, status=429)


@login_not_required
@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """Type a code (a GET form: looking a code up changes nothing)."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and not form.is_valid():
        if limits.blocked(request):
            return _limited(request)
        limits.record_miss(request)
    if form.is_bound and form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form})


@login_not_required
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What a code certifies: valid (200), revoked (410), unknown (404), each said plainly.
    Nothing else about the volunteer is shown."""
    if limits.blocked(request):
        return _limited(request)
    canonical = normalise(code)
    certificate = selectors.certificate_by_code(canonical) if canonical else None
    if certificate is None:
        limits.record_miss(request)
        context = {"state": "unknown", "code": code[:40]}
        return render(request, "certificates/verify.html", context, status=404)
    if canonical != code:
        return redirect("certificates:verify", code=canonical)
    state, status = ("revoked", 410) if certificate.revoked_at else ("valid", 200)
    context = {"state": state, "certificate": certificate}
    return render(request, "certificates/verify.html", context, status=status)
