"""The applications parts of pages owned by the missions app (public page, manage page)."""

from __future__ import annotations

from django import template

from soscience.applications import selectors
from soscience.core.access import is_coordinator
from soscience.missions.models import Mission

register = template.Library()


@register.inclusion_tag("applications/_apply_box.html", takes_context=True)
def apply_box(context: template.Context, mission: Mission) -> dict[str, object]:
    """For a signed-in volunteer on a mission's public page: "Apply", or where their
    application stands ("You applied on … — the team answers by …")."""
    user = context["request"].user
    application = selectors.application_of(mission, user)
    invited = application is not None and application.status == application.Status.INVITED
    refusal = None
    if application is None or invited:
        refusal = selectors.apply_refusal(mission, user, invited=invited)
    return {
        "mission": mission,
        "application": application,
        "invited": invited,
        "refusal": refusal,
    }


@register.inclusion_tag("applications/_public_team.html")
def public_team(mission: Mission) -> dict[str, object]:
    """The selected team on the public page: first names and roles only."""
    return {"team": selectors.team_of(mission)}


@register.inclusion_tag("applications/_team_panel.html", takes_context=True)
def team_panel(context: template.Context, mission: Mission) -> dict[str, object]:
    """The team on the mission's working page, and the link to its applicants for the
    people who may see them (coordinators, the mission's supervisor)."""
    user = context["request"].user
    team = selectors.team_of(mission)
    sees_applicants = is_coordinator(user) or (
        user.is_authenticated and mission.supervisor_id == user.pk
    )
    return {
        "mission": mission,
        "team": team,
        "seats": selectors.seats_of(mission, team),
        "sees_applicants": sees_applicants,
    }
