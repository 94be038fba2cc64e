"""A share link's one-page poster for a campus notice board: the mission (or event), its
dates, the short address and a QR code of it, printed by WeasyPrint."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from soscience.network.models import ShareLink
from soscience.network.selectors import short_url


def poster_html(link: ShareLink) -> str:
    url = short_url(link.code)
    # The SVG is built by segno from our own URL: no user input in it.
    qr = mark_safe(segno.make(url, error="m").svg_inline(scale=6, border=2))  # noqa: S308  # nosec B308 B703  # our own URL
    context = {"link": link, "mission": link.mission, "event": link.event, "url": url, "qr": qr}
    return render_to_string("network/poster.html", context)


def poster_pdf(link: ShareLink) -> bytes:
    # Imported here: WeasyPrint needs system libraries (Pango) that a machine running only
    # the rest of the site may lack.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Everything is inline: a rendering never reaches the network or the disk.
    fetcher = URLFetcher(allowed_protocols=())
    return HTML(string=poster_html(link), url_fetcher=fetcher).write_pdf()
