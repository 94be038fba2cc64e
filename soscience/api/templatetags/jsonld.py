"""schema.org JSON-LD for a mission page.

schema.org has no type for a volunteering offer; search engines read volunteer roles as a
JobPosting with ``employmentType`` "VOLUNTEER" (see docs/decisions.md). Only what the page
itself shows goes in, and a discreet organisation is not named.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import _json_script_escapes  # type: ignore[attr-defined]
from django.utils.safestring import SafeString, mark_safe

from soscience.missions.feeds import plain_excerpt
from soscience.missions.models import Mission

register = template.Library()


def _hiring_organisation(mission: Mission) -> dict[str, Any]:
    if mission.confidentiality == Mission.Confidentiality.DISCREET:
        # The organisation asked not to be named: the platform offers the role.
        return {"@type": "Organization", "name": "SoScience", "url": settings.SITE_URL}
    organisation = mission.organisation
    data: dict[str, Any] = {"@type": "Organization", "name": organisation.name}
    if organisation.website:
        data["sameAs"] = organisation.website
    return data


def mission_jsonld_data(mission: Mission) -> dict[str, Any]:
    url = settings.SITE_URL + reverse("missions:detail", kwargs={"pk": mission.pk})
    address = {"@type": "PostalAddress", "addressCountry": mission.country.code}
    if mission.city:
        address["addressLocality"] = mission.city
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": mission.title,
        "description": plain_excerpt(mission.problem, words=200),
        "identifier": {"@type": "PropertyValue", "name": "SoScience", "value": str(mission.pk)},
        "url": url,
        "employmentType": "VOLUNTEER",
        "hiringOrganization": _hiring_organisation(mission),
        "jobStartDate": mission.start_date.isoformat(),
        "workHours": f"{mission.hours_per_week} h/week",
        "skills": [str(need.skill.name) for need in mission.skill_needs.all()],
        "jobLocation": {"@type": "Place", "address": address},
    }
    if mission.published_at:
        data["datePosted"] = mission.published_at.date().isoformat()
    if mission.applications_close_on:
        data["validThrough"] = mission.applications_close_on.isoformat()
    if mission.work_mode == Mission.WorkMode.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": mission.country.code}
    return data


@register.simple_tag
def mission_jsonld(mission: Mission) -> SafeString:
    """The ``<script type="application/ld+json">`` block, escaped like ``json_script``: no
    text from the mission can close the script element or open another tag."""
    text = json.dumps(mission_jsonld_data(mission), cls=DjangoJSONEncoder, ensure_ascii=False)
    escaped = text.translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{escaped}</script>')  # noqa: S308  # nosec B308 B703  # JSON escaped above
