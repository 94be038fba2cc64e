"""The supervisor's "my missions" page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from soscience.execution import models_supervision  # noqa: F401 - registers StallAlert
from soscience.execution.access import require_supervision
from soscience.execution.selectors_supervision import supervised_missions


@require_GET
def my_missions(request: HttpRequest) -> HttpResponse:
    require_supervision(request.user)
    mine = request.GET.get("mine") == "1"
    rows, coordinator = supervised_missions(request.user, mine=mine)
    return render(
        request,
        "execution/my_missions.html",
        {"rows": rows, "coordinator": coordinator, "mine": mine},
    )
