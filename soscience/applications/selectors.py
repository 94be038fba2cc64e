"""Reads for the applications pages: fixed query counts, no writes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications.models import Application, ApplicationEvent, TeamMember
from soscience.core.models import PlatformSettings
from soscience.missions.models import Mission
from soscience.volunteers.models import VolunteerProfile

# Without an explicit closing date, applications are considered closed this long after
# publication when computing the date by which the team answers.
DEFAULT_OPEN_DAYS = 14
# Coordinators are reminded this many days before an answer is due (and every day after).
REMIND_DAYS_BEFORE = 2
OPEN_STATUSES = (Application.Status.APPLIED, Application.Status.SHORTLISTED)
# Before selection a volunteer may still withdraw (an invitation may be turned down too).
WITHDRAWABLE = (Application.Status.INVITED, *OPEN_STATUSES)


def applications_close_on(mission: Mission) -> dt.date:
    """The explicit closing date, or ``DEFAULT_OPEN_DAYS`` after publication."""
    if mission.applications_close_on:
        return mission.applications_close_on
    published = timezone.localdate(mission.published_at) if mission.published_at else None
    return (published or timezone.localdate()) + dt.timedelta(days=DEFAULT_OPEN_DAYS)


def answer_by_for(mission: Mission, *, today: dt.date | None = None) -> dt.date:
    """The date by which the team answers an application made ``today``.

    PlatformSettings.answer_within_days after applications close; someone applying after
    that date (possible when no explicit closing date was set) still gets the full delay,
    so no application is late the day it is made.
    """
    today = today or timezone.localdate()
    days = dt.timedelta(days=PlatformSettings.load().answer_within_days)
    return max(applications_close_on(mission) + days, today + days)


def profile_of(user: User) -> VolunteerProfile | None:
    return VolunteerProfile.objects.select_related("campus").filter(user=user).first()


def campus_refusal(mission: Mission, volunteer: User) -> str | None:
    """Why ``volunteer`` may not apply because of their campus, or None.

    A mission published to no campus in particular is open to every volunteer.
    """
    campuses = list(mission.campuses.all())
    if not campuses:
        return None
    profile = profile_of(volunteer)
    if profile is not None and profile.campus_id in {c.pk for c in campuses}:
        return None
    names = ", ".join(c.name for c in campuses)
    if profile is None or profile.campus_id is None:
        return _(
            "This mission is offered to volunteers of %(campuses)s. Say which campus you "
            "belong to in your volunteer profile first."
        ) % {"campuses": names}
    return _("This mission is offered only to volunteers of %(campuses)s.") % {"campuses": names}


def apply_refusal(mission: Mission, volunteer: User, *, invited: bool = False) -> str | None:
    """Why ``volunteer`` may not apply to ``mission`` now, or None if they may.

    A volunteer the team invited may apply whatever their campus: the team chose them.
    """
    if not volunteer.has_role(Role.VOLUNTEER):
        return _("Only volunteers can apply to missions.")
    if mission.status != Mission.Status.OPEN:
        return _("This mission is not open to applications.")
    close = mission.applications_close_on
    if close and close < timezone.localdate():
        return _("Applications to this mission closed on %(date)s.") % {
            "date": formats.date_format(close, "DATE_FORMAT")
        }
    if invited:
        return None
    return campus_refusal(mission, volunteer)


def application_of(mission: Mission, volunteer: object) -> Application | None:
    """``volunteer``'s application to ``mission``, if any (for the public mission page)."""
    if not getattr(volunteer, "is_authenticated", False):
        return None
    return Application.objects.filter(mission=mission, volunteer=volunteer).first()


def my_applications(volunteer: User) -> QuerySet[Application]:
    """The volunteer's applications, those waiting for something first."""
    rank = Case(
        When(status=Application.Status.INVITED, then=Value(0)),
        When(status__in=OPEN_STATUSES, then=Value(1)),
        When(status=Application.Status.SELECTED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        Application.objects.filter(volunteer=volunteer)
        .select_related("mission")
        .annotate(rank=rank)
        .order_by("rank", "-created_at", "-pk")
    )


# Overlaps: a volunteer already on a team for the same period is flagged, never hidden.


def _overlapping_team_places(mission: Mission) -> QuerySet[TeamMember]:
    return (
        TeamMember.objects.filter(
            mission__start_date__lt=mission.end_date, mission__end_date__gt=mission.start_date
        )
        .exclude(mission=mission)
        .exclude(mission__status=Mission.Status.CANCELLED)
        .select_related("mission")
        .order_by("mission__start_date", "pk")
    )


def overlapping_commitments(volunteer: User, mission: Mission) -> list[Mission]:
    """Other missions whose team ``volunteer`` is on, for dates overlapping ``mission``."""
    return [m.mission for m in _overlapping_team_places(mission).filter(volunteer=volunteer)]


def overlaps_by_volunteer(
    mission: Mission, volunteer_ids: Iterable[int]
) -> dict[int, list[Mission]]:
    """``overlapping_commitments`` for many volunteers at once, in one query."""
    found: dict[int, list[Mission]] = defaultdict(list)
    for place in _overlapping_team_places(mission).filter(volunteer_id__in=list(volunteer_ids)):
        found[place.volunteer_id].append(place.mission)
    return dict(found)


# The team's page for one mission.


@dataclass
class Seats:
    """How many of the mission's seats are taken ("2 of 3"); advisors take none."""

    taken: int
    total: int

    @property
    def complete(self) -> bool:
        return self.taken >= self.total


@dataclass
class MissionApplications:
    mission: Mission
    applications: list[Application]
    team: list[TeamMember]
    seats: Seats
    late: int = 0
    overlaps: dict[int, list[Mission]] = field(default_factory=dict)


def team_of(mission: Mission) -> list[TeamMember]:
    return list(mission.team.select_related("volunteer").order_by("seat", "joined_at", "pk"))


def seats_of(mission: Mission, team: list[TeamMember]) -> Seats:
    return Seats(taken=sum(1 for m in team if m.seat is not None), total=mission.team_size)


def mission_applications(mission: Mission) -> MissionApplications:
    """Applicants of ``mission`` (open ones first, by answer date), its team and the flags.

    Each application gets ``is_late`` (its answer date passed while still open) and
    ``overlaps`` (the volunteer's other missions for the same period).
    """
    today = timezone.localdate()
    rank = Case(
        When(status__in=OPEN_STATUSES, then=Value(0)),
        When(status=Application.Status.INVITED, then=Value(1)),
        When(status=Application.Status.SELECTED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    applications = list(
        mission.applications.select_related(
            "volunteer", "volunteer__volunteer_profile__campus", "team_member"
        )
        .prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor"))
        )
        .annotate(rank=rank)
        .order_by("rank", "answer_by", "applied_at", "pk")
    )
    overlaps = overlaps_by_volunteer(mission, {a.volunteer_id for a in applications})
    late = 0
    for application in applications:
        application.is_late = bool(  # type: ignore[attr-defined]
            application.is_open and application.answer_by and application.answer_by < today
        )
        late += application.is_late  # type: ignore[attr-defined]
        application.overlaps = overlaps.get(application.volunteer_id, [])  # type: ignore[attr-defined]
    team = team_of(mission)
    return MissionApplications(
        mission=mission, applications=applications, team=team,
        seats=seats_of(mission, team), late=late, overlaps=overlaps,
    )  # fmt: skip


def due_applications(today: dt.date | None = None) -> QuerySet[Application]:
    """Open applications whose answer is due within ``REMIND_DAYS_BEFORE`` days or late."""
    today = today or timezone.localdate()
    return (
        Application.objects.filter(
            status__in=OPEN_STATUSES,
            answer_by__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
        )
        .select_related("mission", "mission__supervisor")
        .order_by("answer_by", "mission_id", "pk")
    )
