"""The matching pages: suggestions and team builder for a mission, missions for me."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from soscience.applications.forms import SelectForm, row_ids
from soscience.applications.models import TeamMember
from soscience.core.access import is_coordinator
from soscience.matching import selectors
from soscience.matching.access import (
    mission_for_suggestions,
    mission_for_team_builder,
    volunteer_for_me,
)
from soscience.missions.models import Mission


def reader_language(request: HttpRequest) -> str:
    """The reasons are written in French or English: the reader's, if one of them."""
    code = getattr(request, "LANGUAGE_CODE", "") or ""
    return "fr" if code.startswith("fr") else "en"


@require_GET
def suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The volunteers best suited to a mission, with the reasons, whether they applied, an
    "invite to apply" button for the others, and a proposed team."""
    mission = mission_for_suggestions(request.user, pk)
    data = selectors.mission_suggestions(mission, reader_language(request))
    can_invite = is_coordinator(request.user) and mission.status == Mission.Status.OPEN
    context = {
        "mission": mission,
        "data": data,
        "can_invite": can_invite,
        "is_coordinator": is_coordinator(request.user),
        "here": request.get_full_path(),
    }
    return render(request, "matching/suggestions.html", context)


@require_GET
def team_builder(request: HttpRequest, pk: int) -> HttpResponse:
    """A complementary team among the applicants, completing the members already selected,
    with a button to select each one in a role."""
    mission = mission_for_team_builder(request.user, pk)
    data = selectors.mission_team_builder(mission, reader_language(request))
    can_select = mission.status == Mission.Status.OPEN
    proposed = {p.user.pk for p in data.proposal.members}
    advisor = data.proposal.advisor
    for person in data.ranked:
        role = _proposed_role(person.user.pk, proposed, advisor, data)
        person.select_form = SelectForm(  # type: ignore[attr-defined]
            auto_id=row_ids(person.application.pk),  # type: ignore[union-attr]
            initial={"role": role},
        )
    context = {
        "mission": mission,
        "data": data,
        "can_select": can_select,
        "here": request.get_full_path(),
    }
    return render(request, "matching/team_builder.html", context)


def _proposed_role(
    user_id: int, proposed: set[int], advisor: selectors.Person | None,
    data: selectors.TeamBuilder,
) -> str:  # fmt: skip
    """The role the form suggests: advisor for the proposed advisor, lead for the first
    proposed member while the team has none, member otherwise."""
    if advisor is not None and advisor.user.pk == user_id:
        return TeamMember.Role.ADVISOR
    first = data.proposal.members[0].user.pk if data.proposal.members else None
    if user_id == first and not data.has_lead:
        return TeamMember.Role.LEAD
    return TeamMember.Role.MEMBER


@require_GET
def for_me(request: HttpRequest) -> HttpResponse:
    """The published missions offered to me, ranked for my profile, with the reasons."""
    user = volunteer_for_me(request.user)
    # The page does not list the missions' skills and domains (the API does).
    data = selectors.missions_for(user, reader_language(request), tags=False)
    return render(request, "matching/for_me.html", {"data": data})
