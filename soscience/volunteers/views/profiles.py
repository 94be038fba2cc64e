"""The volunteer's own profile (edit) and the read-only profile the team reads."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from soscience.core.errors import DomainError
from soscience.volunteers.access import profile_for_user
from soscience.volunteers.languages import language_labels
from soscience.volunteers.models import VolunteerProfile
from soscience.volunteers.profile_forms import ProfileForm, availability_formset, profile_input
from soscience.volunteers.selectors import profile_detail, profile_of
from soscience.volunteers.services import ProfileSaved, profile_save

# How many candidates a message names when a typed term could be several skills.
CANDIDATES_SHOWN = 5


def _report(request: HttpRequest, saved: ProfileSaved) -> None:
    """Tell the volunteer what became of the skills they typed."""
    messages.success(request, _("Your profile was saved."))
    if saved.added:
        names = ", ".join(skill.name for skill in saved.added)
        messages.info(request, _("Skills recognised and added: %(names)s.") % {"names": names})
    for term in saved.unknown:
        messages.warning(
            request,
            _("We did not recognise “%(term)s”; the team will add it to the skills list.")
            % {"term": term},
        )
    for term, candidates in saved.ambiguous:
        names = ", ".join(skill.name for skill in candidates[:CANDIDATES_SHOWN])
        messages.warning(
            request,
            _("“%(term)s” could be several skills (%(names)s): choose the one you mean in "
              "the skill rows.") % {"term": term, "names": names},
        )  # fmt: skip
    if not saved.profile.is_matchable:
        messages.info(
            request,
            _("Without your consent to matching, the team will not suggest you for missions; "
              "you can still apply."),
        )  # fmt: skip


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in person's volunteer profile; saving it makes them a volunteer."""
    current = profile_of(request.user)
    # A copy: a refused form must not change what the page says is saved.
    instance = copy.copy(current) if current else VolunteerProfile(user=request.user)
    skills = [(vs.skill, vs.level) for vs in current.skills.all()] if current else []
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=instance, skills=skills)
    formset = availability_formset(data, current)
    if request.method == "POST":
        # Both are validated so that every error shows at once.
        valid = form.is_valid()
        valid = formset.is_valid() and valid
        if valid:
            try:
                saved = profile_save(user=request.user, data=profile_input(form, formset))
            except DomainError as error:
                form.add_error(form.error_field(error.field), error.message)
            else:
                _report(request, saved)
                return redirect("volunteers:profile")
    context = {"form": form, "formset": formset, "profile": current}
    return render(request, "volunteers/profile_form.html", context)


@require_GET
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A volunteer's profile as the coordination team (and the volunteer) reads it."""
    found = profile_for_user(request.user, pk)
    context = profile_detail(found)
    context["languages"] = language_labels(found.languages)
    context["is_own"] = found.user_id == request.user.pk
    return render(request, "volunteers/volunteer_detail.html", context)
