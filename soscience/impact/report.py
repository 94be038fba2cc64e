"""The annual impact report: one year's figures from the figures API, the server-side SVG
charts and the testimonials their authors allowed, printed by WeasyPrint in the reader's
language (A4, with a cover).

Computed here because the figures API lacks them: the year's consented testimonials
(``figures.published_testimonials`` has no year), and the names of the filters for the cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from soscience.core.models import Domain
from soscience.impact import charts, figures
from soscience.impact.figures import Dashboard, Filters, Tally, Testimonial
from soscience.volunteers.models import Campus


@dataclass(frozen=True)
class AnnualReport:
    year: int
    scope: tuple[str, ...]  # the filters besides the year, named for the cover
    data: Dashboard
    launched: int  # published during the year
    closed: int  # closed during the year
    active: int  # active during the year (any status reached)
    testimonials: tuple[Testimonial, ...]

    @property
    def is_empty(self) -> bool:
        """Nothing happened that year: the report says so instead of showing zeros."""
        return not (
            self.active or self.launched or self.closed or self.data.hours.hours
            or self.data.satisfaction.answered
        )  # fmt: skip


def _year_count(tallies: tuple[Tally, ...], year: int) -> int:
    return sum(int(t.value) for t in tallies if t.key == str(year))


def _testimonials(filters: Filters) -> tuple[Testimonial, ...]:
    rows = (
        figures.surveys(filters)
        .filter(testimonial_consent=True)
        .exclude(testimonial="")
        .order_by("answered_at", "pk")
        .values_list("testimonial", "mission__organisation__name", "answered_at")
    )
    return tuple(Testimonial(text, name, timezone.localdate(at)) for text, name, at in rows)


def _scope(filters: Filters) -> tuple[str, ...]:
    scope = []
    if filters.campus:
        campus = Campus.objects.filter(slug=filters.campus).first()
        scope.append(_("Campus: %s") % (campus.name if campus else filters.campus))
    if filters.domain:
        domain = Domain.objects.filter(slug=filters.domain).first()
        scope.append(_("Domain: %s") % (domain.name if domain else filters.domain))
    if filters.country:
        scope.append(_("Country: %s") % (countries.name(filters.country) or filters.country))
    return tuple(scope)


def annual_report(filters: Filters) -> AnnualReport:
    """The figures of ``filters.year`` (which must be set), within the other filters."""
    if not filters.year:
        raise ValueError("an annual report needs a year")
    data = figures.dashboard(filters)
    return AnnualReport(
        year=filters.year,
        scope=_scope(filters),
        data=data,
        launched=_year_count(data.launched_per_year, filters.year),
        closed=_year_count(data.closed_per_year, filters.year),
        active=sum(int(t.value) for t in data.by_status),
        testimonials=_testimonials(filters),
    )


def _charts(data: Dashboard) -> dict[str, Any]:
    statuses = tuple(t for t in data.by_status if t.value)  # a printed page skips the zeros
    countries_ = tuple(Tally(c.code, c.name, c.count) for c in data.by_country)
    return {
        "chart_status": charts.bar_chart("status", _("Missions by status"), statuses),
        "chart_domain": charts.bar_chart("domain", _("Missions by domain"), data.by_domain),
        "chart_country": charts.bar_chart("country", _("Missions by country"), countries_),
        "chart_campus": charts.bar_chart("campus", _("Missions by campus"), data.by_campus),
        "world": charts.world_map(data.by_country),
    }


def report_html(report: AnnualReport) -> str:
    """The HTML given to WeasyPrint, in the active language (the requester's)."""
    context = {
        "report": report,
        "data": report.data,
        "language": translation.get_language() or "fr",
        "today": timezone.localdate(),
        **_charts(report.data),
    }
    return render_to_string("impact/report.html", context)


def report_pdf(report: AnnualReport) -> bytes:
    # Imported here, as for the certificates: WeasyPrint needs system libraries (Pango)
    # that a machine running only the rest of the site may lack.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Everything is inline (the charts are SVG in the HTML): no protocol allowed, so a
    # rendering never reaches the network or the disk.
    fetcher = URLFetcher(allowed_protocols=())
    return HTML(string=report_html(report), url_fetcher=fetcher).write_pdf()
