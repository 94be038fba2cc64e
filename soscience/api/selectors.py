"""Reads for the API. Public lists reuse the pages' selectors; the reader's own data is
always filtered by the token's owner here, never fetched by an id alone."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from soscience.accounts.models import User
from soscience.applications.models import Application
from soscience.applications.selectors import my_applications
from soscience.cases.access import public_cases
from soscience.cases.models import Case
from soscience.cases.selectors import library
from soscience.events.models import Event
from soscience.execution.models import ProgressUpdate
from soscience.missions.models import Mission, MissionSkill
from soscience.missions.selectors import catalogue
from soscience.needs.models import Need
from soscience.organisations.models import Organisation
from soscience.volunteers.models import VolunteerProfile, VolunteerSkill

# The JSON feed lists every open mission; beyond this, pollers page through /missions/.
FEED_LIMIT = 500


def open_missions(filters: Mapping[str, object]) -> QuerySet[Mission]:
    """The catalogue's missions with its filters (published only)."""
    return catalogue(filters)


def open_mission(pk: int) -> Mission:
    """A published mission with what its public page shows; Http404 otherwise."""
    mission = (
        catalogue({})
        .prefetch_related("campuses")
        .select_related("organisation")
        .filter(pk=pk)
        .first()
    )
    if mission is None:
        raise Http404
    return mission


def feed_missions() -> list[Mission]:
    return list(catalogue({}).prefetch_related("campuses")[:FEED_LIMIT])


def published_events(*, campus: str | None, past: bool) -> QuerySet[Event]:
    """Published events, coming ones first (or past ones, latest first)."""
    events = Event.objects.filter(status=Event.Status.PUBLISHED).select_related("campus")
    if campus:
        events = events.filter(campus__slug=campus)
    now = timezone.now()
    if past:
        return events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return events.filter(ends_at__gte=now).order_by("starts_at", "pk")


def published_event(slug: str) -> Event:
    event = (
        Event.objects.filter(status=Event.Status.PUBLISHED, slug=slug)
        .select_related("campus")
        .first()
    )
    if event is None:
        raise Http404
    return event


def published_cases(filters: Mapping[str, object]) -> QuerySet[Case]:
    return library(filters)


def published_case(slug: str) -> Case:
    """A published case (the public page; a coordinator's preview of a draft is not in the
    API) with the files it offers."""
    case = (
        public_cases()
        .select_related("mission__organisation")
        .prefetch_related("mission__domains", "files")
        .filter(slug=slug)
        .first()
    )
    if case is None:
        raise Http404
    return case


# The token owner's own data.


def own_profile(user: User) -> VolunteerProfile:
    profile = (
        VolunteerProfile.objects.filter(user=user)
        .select_related("campus")
        .prefetch_related(
            "domains",
            Prefetch("skills", VolunteerSkill.objects.select_related("skill")),
            "availabilities",
        )
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def own_applications(user: User) -> QuerySet[Application]:
    return my_applications(user)


def member_needs(user: User) -> QuerySet[Need]:
    """Needs of the organisations ``user`` is a member of (as on their dashboard)."""
    organisations = Organisation.objects.of_member(user)
    return (
        Need.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .prefetch_related("domains")
        .order_by("-submitted_at", "-pk")
    )


def member_news(user: User, *, mission: int | None) -> QuerySet[ProgressUpdate]:
    """Shared updates of the missions of ``user``'s organisations. Internal news is the
    team's: never listed here, even for a member who is also on the team."""
    organisations = Organisation.objects.of_member(user)
    updates = ProgressUpdate.objects.filter(
        visibility=ProgressUpdate.Visibility.SHARED, mission__organisation__in=organisations
    )
    if mission is not None:
        updates = updates.filter(mission_id=mission)
    return updates.select_related("mission", "author").order_by("-created_at", "-pk")


def skill_needs_prefetch() -> Prefetch:
    return Prefetch("skill_needs", queryset=MissionSkill.objects.select_related("skill"))
