"""The share kit's link on a mission's page, for those who may share it."""

from __future__ import annotations

from django import template

from soscience.accounts.roles import Role
from soscience.core.access import is_coordinator
from soscience.missions.models import Mission
from soscience.network.access import share_campuses

register = template.Library()


@register.simple_tag(takes_context=True)
def can_share(context: template.Context, mission: Mission) -> bool:
    """Whether the reader may open ``mission``'s share kit (the same rule as the kit's
    access function). No query for people who are neither coordinator nor ambassador."""
    user = context.get("user")
    if is_coordinator(user):
        return True
    if Role.AMBASSADOR not in getattr(user, "roles", ()):
        return False
    return share_campuses(user, mission).exists()
