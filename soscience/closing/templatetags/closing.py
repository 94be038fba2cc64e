from __future__ import annotations

from django import template

from soscience.closing.forms import AskChangesForm, CancelForm
from soscience.closing.selectors import closing_panel as panel_for
from soscience.missions.models import Mission

register = template.Library()


@register.inclusion_tag("closing/includes/panel.html", takes_context=True)
def closing_panel(context: template.Context, mission: Mission) -> dict[str, object]:
    """The delivery and closing panel of the mission space, for the person reading it."""
    request = context["request"]
    return {
        **panel_for(request.user, mission),
        "mission": mission,
        "ask_changes_form": AskChangesForm(auto_id="id_changes_%s"),
        "cancel_form": CancelForm(auto_id="id_cancel_%s"),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
