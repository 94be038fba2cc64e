"""What the impact pages show, computed in one piece so it can be cached in one piece: the
figures, their charts (drawn in the reader's language) and the dashboard's filter choices.
Plain frozen dataclasses and tuples only: they are pickled into the shared cache."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django_countries import countries

from soscience.core.models import Domain
from soscience.impact import charts, figures
from soscience.missions.models import Mission
from soscience.volunteers.models import Campus

# The value of volunteering per mission, organisation and campus, and the charts per
# campus and country, show the largest only: a national platform has tens of thousands of
# missions and organisations and 300 campuses (the exports have every row). With every
# campus drawn, the national dashboard weighed 216 KB of HTML.
TOP = 20


@dataclass(frozen=True)
class DashboardCharts:
    status: charts.BarChart
    launched: charts.BarChart
    closed: charts.BarChart
    domain: charts.BarChart
    country: charts.BarChart
    campus: charts.BarChart
    # How many smaller ones the campus and country charts leave out.
    campus_left_out: int = 0
    country_left_out: int = 0


@dataclass(frozen=True)
class DashboardPage:
    data: figures.Dashboard
    charts: DashboardCharts


@dataclass(frozen=True)
class PublicPage:
    data: figures.PublicFigures
    world: charts.WorldMap


@dataclass(frozen=True)
class FilterChoices:
    """The dashboard's and the exports' filter options (value, label in the reader's
    language), in the order shown."""

    years: tuple[int, ...]  # years missions were published in, newest first
    campuses: tuple[tuple[str, str], ...]
    domains: tuple[tuple[str, str], ...]
    countries: tuple[tuple[str, str], ...]  # countries of missions, by name


def dashboard_page(filters: figures.Filters) -> DashboardPage:
    data = figures.dashboard(filters, top=TOP)
    countries_ = tuple(figures.Tally(c.code, c.name, c.count) for c in data.by_country)
    return DashboardPage(
        data=data,
        charts=DashboardCharts(
            status=charts.bar_chart("status", _("Missions by status"), data.by_status),
            launched=charts.bar_chart(
                "launched", _("Missions launched per year"), data.launched_per_year
            ),
            closed=charts.bar_chart("closed", _("Missions closed per year"), data.closed_per_year),
            domain=charts.bar_chart("domain", _("Missions by domain"), data.by_domain),
            country=charts.bar_chart("country", _("Missions by country"), countries_[:TOP]),
            campus=charts.bar_chart("campus", _("Missions by campus"), data.by_campus[:TOP]),
            campus_left_out=max(len(data.by_campus) - TOP, 0),
            country_left_out=max(len(countries_) - TOP, 0),
        ),
    )


def public_page() -> PublicPage:
    data = figures.public_figures()
    return PublicPage(data=data, world=charts.world_map(data.by_country))


def filter_choices() -> FilterChoices:
    """Four queries: each a DISTINCT or a small table."""
    years = (
        Mission.objects.filter(published_at__isnull=False)
        .annotate(y=ExtractYear("published_at"))
        .order_by()
        .values_list("y", flat=True)
        .distinct()
    )
    codes = Mission.objects.order_by().values_list("country", flat=True).distinct()
    named = ((code, str(countries.name(code)) or code) for code in codes)
    return FilterChoices(
        years=tuple(sorted(years, reverse=True)),
        campuses=tuple((c.slug, str(c)) for c in Campus.objects.only("slug", "name")),
        domains=tuple((d.slug, str(d)) for d in Domain.objects.all()),
        countries=tuple(sorted(named, key=lambda c: c[1])),
    )
