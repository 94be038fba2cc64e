"""The coordination team's pages for campuses (home campus and partner schools) and their
ambassadors."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soscience.accounts.sudo import sudo_required, sudo_required_for_post
from soscience.core.access import require_coordinator
from soscience.core.errors import DomainError
from soscience.volunteers.access import ambassadorship_for_user, campus_for_user
from soscience.volunteers.forms import AmbassadorForm, CampusForm
from soscience.volunteers.models import Campus
from soscience.volunteers.selectors import ambassadors_of, campuses_with_ambassadors
from soscience.volunteers.services import ambassador_appoint, ambassador_remove, campus_save


@require_GET
def campus_list(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    campuses = campuses_with_ambassadors()
    return render(request, "volunteers/campus_list.html", {"campuses": campuses})


def _save(request: HttpRequest, form: CampusForm, campus: Campus | None) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = campus_save(campus=form.save(commit=False), by=request.user)
        except DomainError:
            form.home_taken_error()
        else:
            messages.success(request, _("The campus %(name)s was saved.") % {"name": saved.name})
            return redirect("volunteers:campus_list")
    ambassadors = ambassadors_of(campus) if campus else []
    context = {"form": form, "campus": campus, "ambassadors": ambassadors}
    return render(request, "volunteers/campus_form.html", context)


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


@require_http_methods(["GET", "POST"])
@sudo_required_for_post
def ambassador_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A campus's ambassadors, and the form to appoint one by their account's address."""
    campus = campus_for_user(request.user, pk, for_write=True)
    form = AmbassadorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            appointed = ambassador_appoint(
                campus=campus, email=form.cleaned_data["email"], by=request.user
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is now an ambassador of %(campus)s.")
                % {"name": appointed.user, "campus": campus.name},
            )
            return redirect("volunteers:ambassador_add", pk=campus.pk)
    context = {"campus": campus, "form": form, "ambassadors": ambassadors_of(campus)}
    return render(request, "volunteers/ambassadors.html", context)


@require_POST
@sudo_required
def ambassador_remove_view(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    ambassadorship = ambassadorship_for_user(request.user, pk, user_pk)
    name, campus = str(ambassadorship.user), ambassadorship.campus
    ambassador_remove(ambassadorship=ambassadorship, by=request.user)
    messages.success(
        request,
        _("%(name)s is no longer an ambassador of %(campus)s.")
        % {"name": name, "campus": campus.name},
    )
    return redirect("volunteers:ambassador_add", pk=campus.pk)
