"""The "came from prospect X" block of an organisation's page (coordinators only)."""

from __future__ import annotations

from django import template

from soscience.core.access import is_coordinator
from soscience.prospects.selectors import origin_of

register = template.Library()


@register.inclusion_tag("prospects/_origin_block.html", takes_context=True)
def prospect_origin(context: template.Context, organisation: object) -> dict[str, object]:
    """Renders nothing for anyone but coordinators, or when the organisation came on its
    own: the include in the organisation page needs no condition."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if organisation is None or not is_coordinator(user):
        return {"prospect": None}
    return {"prospect": origin_of(organisation)}  # type: ignore[arg-type]
