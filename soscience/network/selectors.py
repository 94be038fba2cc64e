"""Reads for the network's pages: a campus's dashboard and the share kit's links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.applications.models import Application
from soscience.core.access import is_coordinator
from soscience.events.models import Event, Registration
from soscience.missions.models import Mission
from soscience.network.models import Referral, ShareLink
from soscience.volunteers.models import Campus, VolunteerProfile

VOLUNTEERS_PER_PAGE = 50
ROWS_SHOWN = 50  # missions, events and links on the dashboard: the most recent ones
PAST_EVENTS_DAYS = 90


def short_path(code: str) -> str:
    """The short link's path, /s/<code>/ (the ``short`` URLs are at the site's root)."""
    return reverse("short:go", kwargs={"code": code})


def short_url(code: str) -> str:
    return f"{settings.SITE_URL}{short_path(code)}"


def with_counts(links: QuerySet[ShareLink]) -> QuerySet[ShareLink]:
    """Each link with how many visits, sign-ups, applications and event registrations it
    brought (one query, whatever the number of links)."""
    kinds = Referral.Kind
    return links.annotate(
        visits=Count("referrals", filter=Q(referrals__kind=kinds.VISIT)),
        signups=Count("referrals", filter=Q(referrals__kind=kinds.SIGNUP)),
        applications=Count("referrals", filter=Q(referrals__kind=kinds.APPLICATION)),
        registrations=Count("referrals", filter=Q(referrals__kind=kinds.REGISTRATION)),
    )


def share_kit_links(mission: Mission, user: User) -> list[ShareLink]:
    """The links to ``mission`` the page lists: one's own; coordinators see everyone's."""
    links = ShareLink.objects.filter(mission=mission)
    if not is_coordinator(user):
        links = links.filter(created_by=user)
    links = links.select_related("campus", "created_by").order_by("-created_at", "-pk")
    return list(with_counts(links))


def offered_to(campus: Campus) -> QuerySet[Mission]:
    """Published missions open to the volunteers of ``campus``: those offered to it, and
    those offered to no campus in particular (that is, to every campus)."""
    return Mission.objects.published().filter(Q(campuses=campus) | Q(campuses__isnull=True))


@dataclass
class Dashboard:
    campus: Campus
    volunteers: int
    new_this_month: int
    names: Page
    missions: list[Mission]
    applications: list[dict[str, Any]]
    events: list[Event]
    links: list[ShareLink]


def campus_dashboard(campus: Campus, page_number: object) -> Dashboard:
    """Everything the campus's dashboard shows, in a fixed number of queries."""
    profiles = VolunteerProfile.objects.filter(campus=campus)
    month_start = timezone.localdate().replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(month_start, dt.time.min))
    counts = profiles.aggregate(total=Count("pk"), new=Count("pk", filter=Q(created_at__gte=start)))
    names = profiles.select_related("user").order_by("user__full_name", "pk")
    return Dashboard(
        campus=campus,
        volunteers=counts["total"],
        new_this_month=counts["new"],
        names=Paginator(names, VOLUNTEERS_PER_PAGE).get_page(page_number),
        missions=_missions(campus),
        applications=_applications(campus),
        events=_events(campus),
        links=_links(campus),
    )


def _missions(campus: Campus) -> list[Mission]:
    ids = offered_to(campus).values("pk")
    # Distinct through a subquery: the OR over the campuses join may repeat a mission.
    return list(
        Mission.objects.filter(pk__in=ids)
        .select_related("organisation")
        .order_by("-published_at", "-pk")[:ROWS_SHOWN]
    )


def _applications(campus: Campus) -> list[dict[str, Any]]:
    """Per mission, how many volunteers of the campus applied, and how many were
    selected (an invitation not yet answered is not an application)."""
    status = Application.Status
    return list(
        Application.objects.filter(volunteer__volunteer_profile__campus=campus)
        .exclude(status=status.INVITED)
        .values("mission_id", "mission__title", "mission__status")
        .annotate(
            applied=Count("pk"),
            selected=Count("pk", filter=Q(status=status.SELECTED)),
        )
        .order_by("-applied", "mission__title", "mission_id")[:ROWS_SHOWN]
    )


def _events(campus: Campus) -> list[Event]:
    since = timezone.now() - dt.timedelta(days=PAST_EVENTS_DAYS)
    confirmed = Registration.Status.CONFIRMED
    return list(
        Event.objects.filter(campus=campus, ends_at__gte=since)
        .exclude(status=Event.Status.DRAFT)
        .annotate(confirmed=Count("registrations", filter=Q(registrations__status=confirmed)))
        .order_by("starts_at", "pk")[:ROWS_SHOWN]
    )


def _links(campus: Campus) -> list[ShareLink]:
    links = (
        ShareLink.objects.filter(campus=campus)
        .select_related("mission", "event", "campus", "created_by")
        .order_by("-created_at", "-pk")
    )
    return list(with_counts(links)[:ROWS_SHOWN])
