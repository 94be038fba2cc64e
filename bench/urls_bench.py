"""The site's URLs plus the trivial view of the load benchmarks (bench/settings_bench.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_not_required
def trivial(request: HttpRequest) -> HttpResponse:
    """No query, no template: what a request costs through the whole middleware stack and
    gunicorn, the floor every page is measured against."""
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("soscience.urls")),
]
