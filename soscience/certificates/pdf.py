"""The certificate as a PDF: an HTML template in the certificate's language, printed by
WeasyPrint, with the verification code and a QR code of the verification address."""

from __future__ import annotations

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from soscience.certificates.models import Certificate


def verification_url(certificate: Certificate) -> str:
    path = reverse("certificates:verify", kwargs={"code": certificate.code})
    return f"{settings.SITE_URL}{path}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code (medium error correction: survives a crease or a stamp)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2)


def certificate_html(certificate: Certificate) -> str:
    """The HTML given to WeasyPrint, in the certificate's language whoever downloads it."""
    url = verification_url(certificate)
    with translation.override(certificate.language):
        return render_to_string(
            "certificates/pdf.html",
            # The SVG is built by segno from our own URL: no user input in it.
            {"certificate": certificate, "verify_url": url, "qr": mark_safe(qr_svg(url))},  # noqa: S308  # nosec B308 B703  # segno SVG
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    # Imported here: WeasyPrint needs system libraries (Pango) that a machine running only
    # the rest of the site may lack.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Everything the document needs is inline: no protocol allowed, so a rendering never
    # reaches the network or the disk, whatever ends up in the HTML.
    fetcher = URLFetcher(allowed_protocols=())
    return HTML(string=certificate_html(certificate), url_fetcher=fetcher).write_pdf()
