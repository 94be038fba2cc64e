"""One row of each list page that visitors, volunteers and organisations read (and of the
API's lists): each function adds one row with its related objects and returns a text the
page shows for it."""

from __future__ import annotations

import datetime as dt

from soscience.accounts.roles import Role
from soscience.applications.models import Application
from soscience.missions.models import Mission
from soscience.volunteers.models import (
    Availability,
    Skill,
    VolunteerProfile,
    VolunteerSkill,
)
from tests.factories import (
    MembershipFactory,
    MissionFactory,
    NeedFactory,
)
from tests.query_counts.world import (
    NOW,
    TODAY,
    TWO_SKILLS,
    World,
    case_with_file,
    certificate,
    closed_with_consent,
    domains,
    event_with_registration,
    join,
    person,
    published,
)


def catalogue_row(world: World, i: int) -> str:
    title = f"Catalogue mission {i}"
    published(title, campuses=[world.campus])
    return title


def library_row(world: World, i: int) -> str:
    title = f"Solar dryer case {i}"
    case_with_file(closed_with_consent(f"Dryer mission {i}"), title, "published")
    return title


def upcoming_event_row(world: World, i: int) -> str:
    title = f"Upcoming talk {i}"
    event_with_registration(world, title, NOW + dt.timedelta(days=i + 1))
    return title


def past_event_row(world: World, i: int) -> str:
    title = f"Past talk {i}"
    event_with_registration(world, title, NOW - dt.timedelta(days=i + 1))
    return title


def my_application_row(world: World, i: int) -> str:
    title = f"Mission I applied to {i}"
    mission = published(title)
    Application.objects.create(
        mission=mission, volunteer=world.cast.volunteer, status=Application.Status.APPLIED,
        motivation="Filters.", availability_confirmed=True, applied_at=NOW,
        answer_by=TODAY + dt.timedelta(days=10),
    )  # fmt: skip
    return title


def mission_for_me_row(world: World, i: int) -> str:
    from soscience.matching import services

    if not hasattr(world.cast.volunteer, "volunteer_profile"):
        profile = VolunteerProfile.objects.create(
            user=world.cast.volunteer, languages=["fr", "en"], consent_matching_at=NOW,
            bio="Slow sand filters.", campus=world.campus,
        )  # fmt: skip
        for slug, level in TWO_SKILLS:
            VolunteerSkill.objects.create(
                profile=profile, skill=Skill.objects.get(slug=slug), level=level
            )
        Availability.objects.create(
            profile=profile, start=TODAY, end=TODAY + dt.timedelta(weeks=30), hours_per_week=10
        )
    title = f"Filtrer l'eau de la citerne {i}"
    published(title, campuses=[world.campus], hours_per_week=4)
    services.index_rebuild(force=True)
    return title


def notification_row(world: World, i: int) -> str:
    from soscience.notifications.models import Notification

    text = f"Your application number {i} was read"
    Notification.objects.create(
        user=world.cast.volunteer, kind="applications", text=text, url="/applications/mine/",
        read_at=None if i % 2 else NOW,
    )  # fmt: skip
    return text


def my_certificate_row(world: World, i: int) -> str:
    title = f"Certified mission {i}"
    mission = MissionFactory(title=title, status=Mission.Status.CLOSED, closed_at=NOW)
    certificate(mission, world.cast.volunteer, f"MINE-{i:04d}-AB")
    return title


def group_row(world: World, i: int) -> str:
    from soscience.groups.models import GroupMember, WorkingGroup

    title = f"Working group {i}"
    group = WorkingGroup.objects.create(
        title=title, description="Pumps.", created_by=world.cast.coordinator,
        mission=published(f"Mission of group {i}"), is_open=bool(i % 2),
    )  # fmt: skip
    group.skills.set(Skill.objects.filter(slug__in=["hydraulics", "solar-pv"]))
    GroupMember.objects.create(group=group, user=world.cast.volunteer)
    GroupMember.objects.create(group=group, user=person(f"Member {i}", Role.VOLUNTEER))
    return title


def token_row(world: World, i: int) -> str:
    from soscience.api.services import token_create

    name = f"Script number {i}"
    token_create(user=world.cast.volunteer, name=name, valid_days=30 if i % 2 else None)
    return name


def volunteer_dashboard_row(world: World, i: int) -> str:
    title = f"My team's mission {i}"
    mission = published(title, team_size=3)
    join(mission, world.cast.volunteer, seat=1)
    return title


def member_dashboard_row(world: World, i: int) -> str:
    """A need and a mission of cast.member's organisation."""
    title = f"Our mission {i}"
    NeedFactory(organisation=world.cast.organisation, title=f"Our need {i}", domains=domains())
    MissionFactory(
        organisation=world.cast.organisation, title=title, status=Mission.Status.OPEN,
        supervisor=world.cast.supervisor, published_at=NOW,
    )  # fmt: skip
    return title


def organisation_member_row(world: World, i: int) -> str:
    """A member of cast.organisation, an invitation and a line of its history."""
    from soscience.organisations.models import MemberInvitation, OrganisationEvent

    name = f"Fellow Member{i}"
    MembershipFactory(
        organisation=world.cast.organisation, user=person(name), is_representative=False
    )
    MemberInvitation.objects.create(
        organisation=world.cast.organisation, email=f"invited{i}@example.org",
        invited_by=world.cast.member,
    )  # fmt: skip
    OrganisationEvent.objects.create(
        organisation=world.cast.organisation,
        actor=world.cast.member,
        kind=OrganisationEvent.Kind.MEMBER_ADDED,
    )
    return name


def member_need_row(world: World, i: int) -> str:
    title = f"Our need number {i}"
    NeedFactory(organisation=world.cast.organisation, title=title, domains=domains())
    return title


def shared_news_row(world: World, i: int) -> str:
    """Shared news of a mission of cast.organisation, by a member of its team."""
    from soscience.execution.models import ProgressUpdate

    body = f"Shared news number {i}"
    mission = published(f"Our mission with news {i}", world.cast.organisation)
    author = person(f"News Author{i}", Role.VOLUNTEER)
    join(mission, author, seat=1)
    ProgressUpdate.objects.create(
        mission=mission, author=author, body=body, visibility=ProgressUpdate.Visibility.SHARED
    )
    return body
