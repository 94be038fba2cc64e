"""The world the list pages of tests/test_query_counts.py show rows of, and the helpers
that make a row's related objects (a mission with its organisation, domains and skills; a
volunteer with a profile; a team place...).

A row is built with the ORM (or the factories), not through the pages: what is measured is
the cost of showing rows, and each helper here is the shortest honest way to have one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from soscience.accounts.roles import Role
from soscience.applications.models import Application, TeamMember
from soscience.core.models import Domain
from soscience.missions.models import Mission
from soscience.volunteers.models import (
    Availability,
    Skill,
    VolunteerProfile,
    VolunteerSkill,
)
from tests.factories import (
    PDF_BYTES,
    CampusFactory,
    MissionFactory,
    UserFactory,
)

NOW = timezone.now()
TODAY = timezone.localdate()
TWO_DOMAINS = ("water", "energy")
TWO_SKILLS = (("water-treatment", 2), ("hydraulics", 3))


def pdf_file(name: str = "file.pdf"):
    from django.core.files.base import ContentFile

    return ContentFile(PDF_BYTES, name=name)


def domains(*slugs: str) -> list[Domain]:
    return list(Domain.objects.filter(slug__in=slugs or TWO_DOMAINS))


def person(name: str, *roles: Role):
    return UserFactory(full_name=name, roles=list(roles))


def volunteer(name: str, campus=None, skills=TWO_SKILLS):
    """A volunteer with a matchable profile: campus, skills, availability for 20 weeks."""
    user = person(name, Role.VOLUNTEER)
    profile = VolunteerProfile.objects.create(
        user=user, languages=["fr", "en"], campus=campus, consent_matching_at=NOW,
        bio="Slow sand filters and pumps.",
    )  # fmt: skip
    for slug, level in skills:
        VolunteerSkill.objects.create(
            profile=profile, skill=Skill.objects.get(slug=slug), level=level
        )
    Availability.objects.create(
        profile=profile, start=TODAY, end=TODAY + dt.timedelta(weeks=20), hours_per_week=10
    )
    return user


def published(title: str, organisation=None, *, campuses=(), **fields) -> Mission:
    """An open mission of its own organisation, with two domains, two skills and campuses."""
    values = {
        "status": Mission.Status.OPEN, "published_at": timezone.now(),
        "title": title, "languages": ["fr", "en"], "domains": domains(), "skills": list(TWO_SKILLS),
        **fields,
    }  # fmt: skip
    if organisation is not None:
        values["organisation"] = organisation
    mission = MissionFactory(**values)
    mission.campuses.set(campuses)
    return mission


def join(mission: Mission, user, seat: int | None) -> TeamMember:
    application = Application.objects.create(
        mission=mission, volunteer=user, status=Application.Status.SELECTED, applied_at=NOW,
    )  # fmt: skip
    return TeamMember.objects.create(
        mission=mission, application=application, volunteer=user, seat=seat,
        capacity=mission.team_size,
    )  # fmt: skip


class World:
    """The objects several pages list rows of, made when a page first needs them."""

    def __init__(self, cast) -> None:
        self.cast = cast
        self.campus = CampusFactory(is_home=True, slug="home", name="Home campus")

    @property
    def organisation(self):
        return self.cast.organisation

    @cached_property
    def running(self) -> Mission:
        """A mission in progress for ten days, supervised by cast.supervisor, with
        cast.volunteer on its team of up to 40."""
        mission = MissionFactory(
            organisation=self.cast.organisation, supervisor=self.cast.supervisor,
            created_by=self.cast.coordinator, status=Mission.Status.IN_PROGRESS,
            start_date=TODAY - dt.timedelta(days=10), end_date=TODAY + dt.timedelta(days=40),
            equipment_budget=Decimal("1000.00"), kicked_off_on=TODAY - dt.timedelta(days=10),
            team_size=40, published_at=NOW - dt.timedelta(days=20),
        )  # fmt: skip
        join(mission, self.cast.volunteer, seat=1)
        return mission

    @cached_property
    def open_mission(self) -> Mission:
        """A published mission supervised by cast.supervisor, for applicants and matching."""
        return published(
            "Rendre potable l'eau du puits", self.cast.organisation, team_size=3,
            supervisor=self.cast.supervisor, created_by=self.cast.coordinator,
        )  # fmt: skip

    @cached_property
    def closed(self) -> Mission:
        return MissionFactory(
            organisation=self.cast.organisation, supervisor=self.cast.supervisor,
            created_by=self.cast.coordinator, status=Mission.Status.CLOSED, team_size=40,
            start_date=TODAY - dt.timedelta(days=90), end_date=TODAY - dt.timedelta(days=10),
            closed_at=NOW - dt.timedelta(days=5),
        )  # fmt: skip

    @cached_property
    def event(self):
        from soscience.events.models import Event

        starts = NOW + dt.timedelta(days=7)
        return Event.objects.create(
            title="Water and science", slug="water-and-science", description="Talks.",
            campus=self.campus, room="Amphi A", starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2), capacity=300,
            status=Event.Status.PUBLISHED, created_by=self.cast.coordinator,
        )  # fmt: skip

    @cached_property
    def group(self):
        from soscience.groups.models import GroupMember, WorkingGroup

        group = WorkingGroup.objects.create(
            title="Filters", description="Water filters.", created_by=self.cast.coordinator,
            mission=self.running,
        )  # fmt: skip
        group.skills.set(Skill.objects.filter(slug__in=["water-treatment", "microbiology"]))
        GroupMember.objects.create(group=group, user=self.cast.volunteer)
        return group

    @cached_property
    def ambassador_campus(self):
        from soscience.volunteers.models import Ambassadorship

        Ambassadorship.objects.create(user=self.cast.ambassador, campus=self.campus)
        return self.campus


def team_member_of_running(world: World, i: int):
    return join(world.running, person(f"Teammate Number{i}", Role.VOLUNTEER), seat=i + 2).volunteer


def certificate(mission: Mission, user, code: str, **fields):
    from soscience.certificates.models import Certificate

    return Certificate.objects.create(
        code=code, mission=mission, volunteer=user, language="en",
        volunteer_name=user.full_name, mission_title=mission.title,
        organisation_name=mission.organisation.name, start_date=mission.start_date,
        end_date=mission.end_date, hours=12, skills=["Water treatment"],
        issued_by=mission.supervisor, **fields,
    )  # fmt: skip


def closed_with_consent(title: str, organisation=None):
    from soscience.closing.models import OrganisationSurvey

    mission = MissionFactory(
        title=title, status=Mission.Status.CLOSED, closed_at=NOW, domains=domains(),
        **({"organisation": organisation} if organisation else {}),
    )  # fmt: skip
    OrganisationSurvey.objects.create(
        mission=mission, worked=5, applied="yes", local_impact="Clear water.", beneficiaries=30,
        recommend=9, case_consent=True, answered_by=mission.created_by,
    )  # fmt: skip
    return mission


def case_with_file(mission: Mission, title: str, status: str):
    from soscience.cases.models import Case
    from soscience.execution.models_deliverables import Deliverable

    case = Case.objects.create(
        mission=mission, slug=title.lower().replace(" ", "-"), title=title, problem="Mould.",
        solution="A dryer.", results="Dry mangoes.", created_by=mission.created_by,
        status=status, published_at=NOW if status == "published" else None,
    )  # fmt: skip
    file = Deliverable.objects.create(
        mission=mission, title="Guide", original_name="guide.pdf", size=10, file=pdf_file(),
        content_type="application/pdf", uploaded_by=mission.created_by,
    )  # fmt: skip
    case.files.add(file)
    return case


def event_with_registration(
    world: World, title: str, starts: dt.datetime, status: str = "published"
):
    from soscience.events.models import Event, Registration

    campus = CampusFactory(name=f"Campus of {title}")
    event = Event.objects.create(
        title=title, slug=title.lower().replace(" ", "-"), description="Talks.", campus=campus,
        room="Amphi", starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=30,
        status=status, created_by=world.cast.coordinator,
    )  # fmt: skip
    Registration.objects.create(
        event=event, name="Vic Visitor", email="vic@example.org",
        status=Registration.Status.CONFIRMED, confirmed_at=NOW,
    )  # fmt: skip
    return event
