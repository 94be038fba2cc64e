"""``{% my_certificates %}``: the signed-in volunteer's valid certificates, for their
profile page (renders nothing for someone without any)."""

from __future__ import annotations

from django import template

from soscience.certificates.models import Certificate

register = template.Library()


@register.inclusion_tag("certificates/_profile.html", takes_context=True)
def my_certificates(context: template.Context) -> dict[str, object]:
    user = context["request"].user
    if not user.is_authenticated:
        return {"certificates": []}
    return {"certificates": Certificate.objects.filter(volunteer=user, revoked_at=None)}
