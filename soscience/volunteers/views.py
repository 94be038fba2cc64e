"""The coordination team's pages for campuses (home campus and partner schools)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from soscience.core.access import require_coordinator
from soscience.core.errors import DomainError
from soscience.volunteers.access import campus_for_user
from soscience.volunteers.forms import CampusForm
from soscience.volunteers.models import Campus
from soscience.volunteers.services import campus_save


@require_GET
def campus_list(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    return render(request, "volunteers/campus_list.html", {"campuses": Campus.objects.all()})


def _save(request: HttpRequest, form: CampusForm, campus: Campus | None) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = campus_save(campus=form.save(commit=False), by=request.user)
        except DomainError:
            form.home_taken_error()
        else:
            messages.success(request, _("The campus %(name)s was saved.") % {"name": saved.name})
            return redirect("volunteers:campus_list")
    return render(request, "volunteers/campus_form.html", {"form": form, "campus": campus})


@require_http_methods(["GET", "POST"])
def campus_create(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    form = CampusForm(request.POST if request.method == "POST" else None)
    return _save(request, form, None)


@require_http_methods(["GET", "POST"])
def campus_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campus = campus_for_user(request.user, pk, for_write=True)
    # A copy: a refused form must not rename the campus in the page's heading.
    instance = copy.copy(campus)
    form = CampusForm(request.POST if request.method == "POST" else None, instance=instance)
    return _save(request, form, campus)
