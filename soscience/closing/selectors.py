"""What the closing panel of the mission space shows to each reader."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from soscience.closing.access import closing_rights
from soscience.closing.models import ClosingNote, OrganisationSurvey, VolunteerSurvey
from soscience.closing.services import FINISHED, deliver_refusal
from soscience.closing.services_surveys import NOTE_OPEN, SURVEY_OPEN
from soscience.missions.models import Mission, MissionEvent

Status = Mission.Status


def closing_panel(user: Any, mission: Mission) -> dict[str, Any]:
    """The actions ``user`` may take now and the state of the surveys they may know about.

    Coordinators and the supervisor follow every survey and the note; the organisation's
    members their own survey; each volunteer on the team their own.
    """
    may = closing_rights(user, mission)
    status = mission.status
    follows = may["close"] or may["closing_note"]  # coordinators and the supervisor
    panel: dict[str, Any] = {
        "may": may,
        "can_deliver": may["deliver"] and status == Status.IN_PROGRESS,
        "deliver_refusal": deliver_refusal(mission) if may["deliver"] else None,
        "can_decide": may["accept"] and status == Status.DELIVERED,
        "can_close": may["close"] and status == Status.ACCEPTED,
        "can_cancel": may["cancel"] and status not in FINISHED,
        "can_write_note": may["closing_note"] and status in NOTE_OPEN,
        "surveys_open": status in SURVEY_OPEN,
        "follows": follows,
    }
    if panel["surveys_open"] and (follows or may["org_survey"]):
        panel["org_survey"] = _org_survey(mission)
    if panel["surveys_open"] and may["volunteer_survey"]:
        panel["my_survey"] = VolunteerSurvey.objects.filter(mission=mission, volunteer=user).first()
    if follows and (panel["surveys_open"] or panel["can_write_note"]):
        panel["volunteer_surveys"] = volunteer_survey_states(mission)
        panel["note"] = ClosingNote.objects.filter(mission=mission).first()
    if status == Status.IN_PROGRESS:
        # The organisation's last request for changes, until the team delivers again (the
        # timeline keeps every one of them).
        panel["changes"] = (
            mission.events.filter(kind=MissionEvent.Kind.DELIVERY_CHANGES)
            .select_related("actor")
            .order_by("-created_at", "-pk")
            .first()
        )
    if panel["can_close"]:
        panel["missing"] = _missing(panel)
    panel["visible"] = _has_content(panel, status)
    return panel


def _org_survey(mission: Mission) -> OrganisationSurvey | None:
    return OrganisationSurvey.objects.filter(mission=mission).select_related("answered_by").first()


def volunteer_survey_states(mission: Mission) -> list[dict[str, Any]]:
    """Each volunteer on the team and when they answered their survey (None: not yet), in
    one query."""
    answered = VolunteerSurvey.objects.filter(
        mission=mission, volunteer=OuterRef("volunteer_id")
    ).values("answered_at")[:1]
    team = mission.team.select_related("volunteer").annotate(answered_at=Subquery(answered))
    return [{"volunteer": member.volunteer, "answered_at": member.answered_at} for member in team]


def _missing(panel: dict[str, Any]) -> list[str]:
    """What is not answered yet when a coordinator closes: they may close anyway."""
    missing = []
    if panel.get("org_survey") is None:
        missing.append(_("the organisation's survey"))
    waiting = [s for s in panel.get("volunteer_surveys", []) if s["answered_at"] is None]
    if waiting:
        names = ", ".join(str(s["volunteer"]) for s in waiting)
        missing.append(_("the survey of %(names)s") % {"names": names})
    if panel.get("note") is None:
        missing.append(_("the supervisor's closing note"))
    return missing


def _has_content(panel: dict[str, Any], status: str) -> bool:
    actions = ("can_deliver", "can_decide", "can_close", "can_cancel", "can_write_note")
    if any(panel[a] for a in actions) or panel.get("changes") or status == Status.CANCELLED:
        return True
    if status == Status.IN_PROGRESS and panel["may"]["deliver"]:
        return True
    return status in (Status.DELIVERED, *SURVEY_OPEN)
