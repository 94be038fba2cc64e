"""Template tags of the solutions library, for pages of other apps: similar past work on a
need's page, and the case and reuse actions on a closed mission's page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from soscience.cases.models import Case
from soscience.cases.similar import similar_past_work as find_similar
from soscience.closing.models import OrganisationSurvey
from soscience.core.access import is_coordinator
from soscience.missions.models import Mission
from soscience.needs.models import Need

register = template.Library()

# What each licence of the mission order allows a reader of the case to do.
LICENCE_ALLOWS = {
    Mission.ResultsLicence.OPEN: _(
        "Anyone may reuse, adapt and share these results, for any purpose, provided they "
        "credit the authors and SoScience (Creative Commons Attribution 4.0)."
    ),
    Mission.ResultsLicence.SHARED: _(
        "The organisation owns the results. Other organisations of the social and solidarity "
        "economy may reuse them for their own work; for any other use, ask the coordination team."
    ),
    Mission.ResultsLicence.ORGANISATION: _(
        "The organisation owns the results: this page describes them, and no file is handed "
        "out. To reuse the approach, ask the coordination team to put you in touch."
    ),
}
CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"


def licence_terms(mission: Mission) -> dict[str, Any]:
    """The licence of the mission order: its label, what it allows, a link to its text."""
    licence = mission.results_licence
    return {
        "value": licence,
        "label": mission.get_results_licence_display(),
        "allows": LICENCE_ALLOWS.get(licence, ""),
        "url": CC_BY_URL if licence == Mission.ResultsLicence.OPEN else "",
    }


@register.inclusion_tag("cases/_similar.html", takes_context=True)
def similar_past_work(context: template.Context, need: Need) -> dict[str, Any]:
    """Past work like ``need``: published cases for anyone who sees the need, closed
    missions too for coordinators (their titles are not public)."""
    user = context["request"].user
    coordinator = is_coordinator(user)
    return {
        "results": find_similar(need, include_missions=coordinator),
        "team": coordinator,
    }


def _consent(mission: Mission) -> bool | None:
    """The organisation's answer on a public case; None before its closing survey."""
    survey = OrganisationSurvey.objects.filter(mission=mission).only("case_consent").first()
    return None if survey is None else survey.case_consent


@register.inclusion_tag("cases/_mission_actions.html", takes_context=True)
def past_mission_actions(context: template.Context, mission: Mission) -> dict[str, Any]:
    """On a closed mission's page, for coordinators: its case (make, edit, read) and a new
    order from it. Renders nothing otherwise."""
    user = context["request"].user
    visible = is_coordinator(user) and mission.status == Mission.Status.CLOSED
    if not visible:
        return {"visible": False}
    return {
        "visible": True,
        "mission": mission,
        "case": Case.objects.filter(mission=mission).first(),
        "consent": _consent(mission),
        "csrf_token": context.get("csrf_token"),
    }
