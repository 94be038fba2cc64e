from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from soscience.impact import cache, figures, pages
from soscience.impact.access import dashboard_access
from soscience.impact.forms import FiltersForm


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The coordinators' impact dashboard, with its filters in the query string. The
    figures come from the cache (the same for every coordinator: the check comes first),
    stale ones too while newer ones are computed in the background."""
    dashboard_access(request.user)
    form = FiltersForm(request.GET or None)
    filters = form.filters() if request.GET else figures.Filters()
    page = cache.dashboard(filters)
    context = {
        "form": form,
        "data": page.value.data,
        "charts": page.value.charts,
        "computed_at": page.computed_at,
        "stale": page.stale,
        "top": pages.TOP,
        # The figures' part of the page is the same for every coordinator until the figures
        # are computed again: rendered once per set of filters, computation and language.
        "figures_key": (filters, page.computed_at.isoformat()),
    }
    return render(request, "impact/dashboard.html", context)


@login_not_required
@require_GET
def public(request: HttpRequest) -> HttpResponse:
    """The public impact page: aggregate figures, the map, consented testimonials. The same
    for every visitor (nothing personal), cached until the figures change."""
    page = cache.public()
    context = {
        "data": page.value.data,
        "world": page.value.world,
        "computed_at": page.computed_at,
        "stale": page.stale,
    }
    return render(request, "impact/public.html", context)
