"""Model rows to the API's dictionaries. Each function lists the fields one page shows its
reader, and nothing else: adding a field here is adding it to that page's audience."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from soscience.applications.models import Application
from soscience.cases.models import Case
from soscience.cases.templatetags.cases import licence_terms
from soscience.events.models import Event
from soscience.execution.models import ProgressUpdate
from soscience.impact.figures.types import PublicFigures
from soscience.missions.models import Mission
from soscience.missions.selectors import whole_weeks
from soscience.needs.models import Need
from soscience.volunteers.models import VolunteerProfile

JSON = dict[str, Any]


def absolute(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


def named(obj: Any) -> JSON:
    return {"slug": obj.slug, "name": str(obj.name)}


# Public: the catalogue card and the mission page.


def mission_summary(request: HttpRequest, mission: Mission) -> JSON:
    """What a catalogue card shows (skills and domains prefetched by the selector)."""
    return {
        "id": mission.pk,
        "url": absolute(request, "missions:detail", pk=mission.pk),
        "title": mission.title,
        "organisation_name": mission.public_organisation_name,
        "country": mission.country.code,
        "country_name": str(mission.country.name),
        "city": mission.city,
        "work_mode": mission.work_mode,
        "work_mode_label": str(mission.get_work_mode_display()),
        "start_date": mission.start_date,
        "end_date": mission.end_date,
        "weeks": whole_weeks(mission),
        "team_size": mission.team_size,
        "hours_per_week": mission.hours_per_week,
        "domains": [named(d) for d in mission.domains.all()],
        "skills": [
            {**named(n.skill), "level": n.level, "level_label": str(n.get_level_display())}
            for n in mission.skill_needs.all()
        ],
        "published_at": mission.published_at,
    }


def mission_detail(request: HttpRequest, mission: Mission) -> JSON:
    """The public mission page: never contacts, members, notes, documents or the budget; a
    discreet organisation is not named."""
    organisation = None
    if mission.confidentiality != Mission.Confidentiality.DISCREET:
        org = mission.organisation
        organisation = {
            "name": org.name,
            "country": org.country.code,
            "website": org.website or "",
            "social_mission": org.social_mission,
        }
    return {
        **mission_summary(request, mission),
        "languages": list(mission.languages),
        "results_licence": mission.results_licence,
        "results_licence_label": str(mission.get_results_licence_display()),
        "campuses": [named(c) for c in mission.campuses.all()],
        "context": mission.context,
        "problem": mission.problem,
        "objectives": mission.objectives,
        "deliverables": mission.deliverables,
        "out_of_scope": mission.out_of_scope,
        "organisation": organisation,
    }


def event_url(request: HttpRequest, event: Event) -> str | None:
    """The event's page, when the events pages are installed under this name."""
    try:
        return absolute(request, "events:detail", slug=event.slug)
    except NoReverseMatch:
        return None


def event(request: HttpRequest, item: Event) -> JSON:
    """A published event as its public page shows it (the link to join an online event is
    for registered people only, so it is not here)."""
    return {
        "slug": item.slug,
        "url": event_url(request, item),
        "title": item.title,
        "description": item.description,
        "speakers": item.speakers,
        "campus": named(item.campus) if item.campus else None,
        "online": item.online,
        "room": item.room,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "capacity": item.capacity,
        "audience": item.audience,
        "audience_label": str(item.get_audience_display()),
        "status": item.status,
    }


def impact(data: PublicFigures) -> JSON:
    """The public impact page: aggregates only."""
    return {
        "missions_launched": data.missions_launched,
        "missions_closed": data.missions_closed,
        "organisations_served": data.organisations_served,
        "volunteers_engaged": data.volunteers_engaged,
        "hours": {"hours": data.hours.hours, "value": data.hours.value},
        "beneficiaries": data.beneficiaries,
        "countries": [{"code": c.code, "name": c.name, "count": c.count} for c in data.by_country],
        "testimonials": [
            {"text": t.text, "organisation": t.organisation, "answered_on": t.answered_on}
            for t in data.testimonials
        ],
    }


def case_summary(request: HttpRequest, case: Case) -> JSON:
    mission = case.mission
    return {
        "slug": case.slug,
        "url": absolute(request, "cases:detail", slug=case.slug),
        "title": case.title,
        "organisation_name": mission.public_organisation_name,
        "country": mission.country.code,
        "country_name": str(mission.country.name),
        "domains": [named(d) for d in mission.domains.all()],
    }


def case_detail(request: HttpRequest, case: Case) -> JSON:
    mission = case.mission
    licence = licence_terms(mission)
    return {
        **case_summary(request, case),
        "closed_on": mission.closed_at.date() if mission.closed_at else None,
        "problem": case.problem,
        "solution": case.solution,
        "results": case.results,
        "licence": {k: str(licence[k]) for k in ("value", "label", "allows", "url")},
        "files": [
            {
                "title": f.title,
                "kind": f.kind,
                "original_name": f.original_name,
                "size": f.size,
                "description": f.description or "",
                "url": absolute(request, "cases:file", slug=case.slug, pk=f.pk),
            }
            for f in case.files.all()
        ],
    }


# Authenticated: the reader's own pages.


def profile(item: VolunteerProfile) -> JSON:
    """The volunteer's own profile page (read by its volunteer)."""
    return {
        "kind": item.kind,
        "kind_label": str(item.get_kind_display()),
        "campus": named(item.campus) if item.campus else None,
        "programme": item.programme,
        "year": item.year,
        "city": item.city,
        "country": item.country.code,
        "country_name": str(item.country.name),
        "languages": list(item.languages),
        "domains": [named(d) for d in item.domains.all()],
        "bio": item.bio,
        "consent_matching_at": item.consent_matching_at,
        "notify": item.notify,
        "campus_digest": item.campus_digest,
        "skills": [
            {**named(s.skill), "level": s.level, "level_label": str(s.get_level_display())}
            for s in item.skills.all()
        ],
        "availabilities": [
            {"start": a.start, "end": a.end, "hours_per_week": a.hours_per_week}
            for a in item.availabilities.all()
        ],
    }


def application(request: HttpRequest, item: Application) -> JSON:
    """One card of "My applications"."""
    mission = item.mission
    ended = item.status in {Application.Status.DECLINED, Application.Status.WITHDRAWN}
    return {
        "id": item.pk,
        "mission_id": mission.pk,
        "mission_title": mission.title,
        "mission_url": absolute(request, "missions:detail", pk=mission.pk)
        if mission.status == Mission.Status.OPEN
        else None,
        "status": item.status,
        "status_label": str(item.get_status_display()),
        "applied_at": item.applied_at,
        "answer_by": item.answer_by if item.is_open else None,
        "reason": item.reason_label if ended else None,
        "reason_detail": item.reason_detail if ended else None,
    }


def need(request: HttpRequest, item: Need) -> JSON:
    """The need's page as its organisation's members read it."""
    declined = item.status == Need.Status.DECLINED
    return {
        "id": item.pk,
        "url": absolute(request, "needs:detail", pk=item.pk),
        "title": item.title,
        "status": item.status,
        "status_label": str(item.get_status_display()),
        "organisation_id": item.organisation_id,
        "organisation_name": item.organisation.name,
        "submitted_at": item.submitted_at,
        "country": item.country.code,
        "city": item.city,
        "deadline": item.deadline,
        "domains": [named(d) for d in item.domains.all()],
        "problem": item.problem,
        "context": item.context,
        "already_tried": item.already_tried,
        "desired_outcome": item.desired_outcome,
        "decline_reason": str(item.get_decline_reason_display()) if declined else None,
        "decline_detail": item.decline_detail if declined else None,
        "duplicate_of": item.duplicate_of_id if item.status == Need.Status.DUPLICATE else None,
    }


def news(request: HttpRequest, item: ProgressUpdate) -> JSON:
    """A shared update as the mission space shows it to the organisation."""
    return {
        "id": item.pk,
        "mission_id": item.mission_id,
        "mission_title": item.mission.title,
        "url": absolute(request, "execution:space", pk=item.mission_id),
        "author": str(item.author),
        "body": item.body,
        "created_at": item.created_at,
    }
