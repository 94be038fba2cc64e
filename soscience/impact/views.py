from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from soscience.impact import charts, figures
from soscience.impact.access import dashboard_access
from soscience.impact.forms import FiltersForm


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The coordinators' impact dashboard, with its filters in the query string."""
    dashboard_access(request.user)
    form = FiltersForm(request.GET or None)
    filters = form.filters() if request.GET else figures.Filters()
    data = figures.dashboard(filters)
    return render(request, "impact/dashboard.html", {"form": form, "data": data, **_charts(data)})


def _charts(data: figures.Dashboard) -> dict[str, object]:
    countries = [figures.Tally(c.code, c.name, c.count) for c in data.by_country]
    return {
        "chart_status": charts.bar_chart("status", _("Missions by status"), data.by_status),
        "chart_launched": charts.bar_chart(
            "launched", _("Missions launched per year"), data.launched_per_year
        ),
        "chart_closed": charts.bar_chart(
            "closed", _("Missions closed per year"), data.closed_per_year
        ),
        "chart_domain": charts.bar_chart("domain", _("Missions by domain"), data.by_domain),
        "chart_country": charts.bar_chart("country", _("Missions by country"), countries),
        "chart_campus": charts.bar_chart("campus", _("Missions by campus"), data.by_campus),
    }


@login_not_required
@require_GET
def public(request: HttpRequest) -> HttpResponse:
    """The public impact page: aggregate figures, the map, consented testimonials. The same
    for every visitor (nothing personal), so it can be cached in front of the site."""
    data = figures.public_figures()
    world = charts.world_map(data.by_country)
    return render(request, "impact/public.html", {"data": data, "world": world})
