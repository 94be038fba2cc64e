"""One row of each list page of the coordination team (queues, taxonomy, cases, events,
prospects, audit) and of the campus network: each function adds one row with its related
objects and returns a text the page shows for it."""

from __future__ import annotations

import datetime as dt

from soscience.accounts.roles import Role
from soscience.applications.models import Application
from soscience.missions.models import Mission
from soscience.volunteers.models import (
    Skill,
    VolunteerProfile,
    VolunteerSkill,
)
from tests.factories import (
    CampusFactory,
    MembershipFactory,
    MissionFactory,
    NeedFactory,
    OrganisationFactory,
)
from tests.query_counts.world import (
    NOW,
    TODAY,
    TWO_SKILLS,
    World,
    case_with_file,
    closed_with_consent,
    domains,
    event_with_registration,
    pdf_file,
    person,
    published,
    volunteer,
)


def triage_row(world: World, i: int) -> str:
    title = f"Need waiting for triage {i}"
    NeedFactory(title=title, domains=domains(), submitted_at=NOW - dt.timedelta(days=i))
    return title


def review_queue_row(world: World, i: int) -> str:
    from soscience.organisations.models import Organisation

    name = f"Association to review {i}"
    organisation = OrganisationFactory(
        name=name, status=Organisation.Status.PENDING, submitted_at=NOW - dt.timedelta(days=i)
    )
    MembershipFactory(organisation=organisation, user=organisation.created_by)
    return name


def order_row(world: World, i: int) -> str:
    statuses = [Mission.Status.DRAFT, Mission.Status.AWAITING_APPROVAL, Mission.Status.OPEN]
    title = f"Mission order {i}"
    need = NeedFactory(title=f"Need of order {i}")
    MissionFactory(
        title=title, organisation=need.organisation, need=need, status=statuses[i % 3],
        supervisor=person(f"Supervisor {i}", Role.SUPERVISOR), created_by=world.cast.coordinator,
        domains=domains(), skills=list(TWO_SKILLS),
    )  # fmt: skip
    return title


def campus_row(world: World, i: int) -> str:
    from soscience.volunteers.models import Ambassadorship

    campus = CampusFactory(name=f"Campus number {i}")
    Ambassadorship.objects.create(user=person(f"Ambassador {i}", Role.AMBASSADOR), campus=campus)
    return campus.name


def skill_row(world: World, i: int) -> str:
    """A skill used by a volunteer and a mission, with an alias (the page shows usage)."""
    name = f"Zzz skill number {i}"
    skill = Skill.objects.create(
        slug=f"zzz-skill-{i}", name_fr=name, name_en=name, domain=domains("water")[0],
        synonyms=f"alias {i}",
    )  # fmt: skip
    profile = VolunteerProfile.objects.create(user=person(f"Skilled {i}", Role.VOLUNTEER))
    VolunteerSkill.objects.create(profile=profile, skill=skill, level=2)
    MissionFactory(skills=[(skill.slug, 2)])
    return name


def unmatched_term_row(world: World, i: int) -> str:
    from soscience.volunteers.models import UnmatchedTerm

    text = f"hydrogeomatics {i}"
    UnmatchedTerm.objects.create(text=text, count=10 - i % 10)
    return text


def follow_up_row(world: World, i: int) -> str:
    from soscience.closing.models import FollowUp

    title = f"Closed mission followed {i}"
    mission = MissionFactory(
        title=title, status=Mission.Status.CLOSED, closed_at=NOW - dt.timedelta(days=200),
        supervisor=person(f"Supervisor {i}", Role.SUPERVISOR),
    )  # fmt: skip
    FollowUp.objects.create(
        mission=mission, months=6, due_on=TODAY - dt.timedelta(days=i), sent_at=NOW,
        answered_at=NOW if i % 2 else None, new_need=NeedFactory() if i % 2 else None,
    )  # fmt: skip
    return title


def case_manage_row(world: World, i: int) -> str:
    """A case (draft or published) and a closed mission still waiting for one."""
    title = f"Managed case {i}"
    case_with_file(closed_with_consent(f"Cased mission {i}"), title, ["draft", "published"][i % 2])
    closed_with_consent(f"Mission awaiting a case {i}")
    return title


def dashboard_row(world: World, i: int) -> str:
    """A volunteer of the campus who applied to a mission offered to it, an event on the
    campus and a share link with a visit."""
    from soscience.events.models import Event
    from soscience.network.models import Referral, ShareLink

    campus = world.ambassador_campus
    name = f"Campus Volunteer{i}"
    user = volunteer(name, campus=campus)
    mission = published(f"Campus mission {i}", campuses=[campus])
    Application.objects.create(
        mission=mission, volunteer=user, status=Application.Status.APPLIED, applied_at=NOW
    )
    starts = NOW + dt.timedelta(days=i + 1)
    event = Event.objects.create(
        title=f"Campus talk {i}", slug=f"campus-talk-{i}", description="Talks.", campus=campus,
        starts_at=starts, ends_at=starts + dt.timedelta(hours=1), capacity=30,
        status=Event.Status.PUBLISHED, created_by=world.cast.coordinator,
    )  # fmt: skip
    link = ShareLink.objects.create(
        code=f"code{i:04d}", mission=mission if i % 2 else None, event=None if i % 2 else event,
        campus=campus, channel="poster", ambassador=world.cast.ambassador,
        created_by=world.cast.ambassador,
    )  # fmt: skip
    Referral.objects.create(link=link, kind=Referral.Kind.VISIT)
    return name


def managed_event_row(world: World, i: int) -> str:
    title = f"Managed talk {i}"
    event_with_registration(
        world, title, NOW + dt.timedelta(days=i - 4), status=["draft", "published"][i % 2]
    )
    return title


def registration_row(world: World, i: int) -> str:
    """A registration to the event: a signed-in person's, or a visitor's by a share link."""
    from soscience.events.models import Registration
    from soscience.network.models import ShareLink

    name = f"Registered Person{i}"
    user = person(name) if i % 2 else None
    referral = None
    if not i % 2:
        referral = ShareLink.objects.create(
            code=f"evt{i:04d}", event=world.event, campus=world.campus, channel="poster",
            created_by=world.cast.coordinator,
        )  # fmt: skip
    Registration.objects.create(
        event=world.event, user=user, name=name, email=f"registered{i}@example.org",
        status=Registration.Status.CONFIRMED, confirmed_at=NOW, referral=referral,
    )  # fmt: skip
    return name


def group_post_row(world: World, i: int) -> str:
    """A member with a needed skill, their post and a file they shared; and a volunteer
    outside the group who has the skill the group lacks (a suggestion)."""
    from soscience.groups.models import GroupMember, GroupPost

    group = world.group
    name = f"Group Member{i}"
    user = volunteer(name, skills=[("water-treatment", 2)])
    GroupMember.objects.create(
        group=group, user=user, expertise="Filters", invited_by=world.cast.coordinator
    )
    body = f"Post number {i} about filters"
    GroupPost.objects.create(group=group, author=user, body=body)
    group.files.create(
        original_name=f"plan{i}.pdf", content_type="application/pdf", size=10, file=pdf_file(),
        uploaded_by=user,
    )  # fmt: skip
    volunteer(f"Outside Microbiologist{i}", skills=[("microbiology", 3)])
    return body


def suggested_prospect_row(world: World, i: int) -> str:
    """An organisation cast.ambassador suggested to the team."""
    from soscience.prospects.models import Prospect

    name = f"Suggested association {i}"
    Prospect.objects.create(
        name=name, source=Prospect.Source.AMBASSADOR, ambassador=world.cast.ambassador,
        created_by=world.cast.ambassador, stage=list(Prospect.Stage)[i % 3],
    )  # fmt: skip
    return name


def prospect_row(world: World, i: int) -> str:
    from soscience.prospects.models import ContactLog, Prospect

    name = f"Prospect association {i}"
    prospect = Prospect.objects.create(
        name=name, source=Prospect.Source.AMBASSADOR, ambassador=world.cast.ambassador,
        created_by=world.cast.ambassador, owner=world.cast.coordinator,
        next_action="Call", next_action_on=TODAY + dt.timedelta(days=i - 4),
        stage=list(Prospect.Stage)[i % 3],
        organisation=OrganisationFactory() if i % 3 == 2 else None,
    )  # fmt: skip
    ContactLog.objects.create(
        prospect=prospect, on=TODAY, kind=ContactLog.Kind.CALL, summary="Hello",
        by=world.cast.coordinator,
    )  # fmt: skip
    return name


def audit_row(world: World, i: int) -> str:
    from soscience.privacy.audit import Action, audit

    actor = person(f"Audited Actor{i}", Role.COORDINATOR)
    audit(Action.ROLE_GRANTED, actor=actor, target=world.cast.volunteer, detail={"role": "x"})
    return actor.email


def team_row(world: World, i: int) -> str:
    name = f"Staff Person{i}"
    roles = [Role.COORDINATOR, Role.SUPERVISOR, Role.AMBASSADOR]
    person(name, roles[i % 3], roles[(i + 1) % 3])
    return name


def share_link_row(world: World, i: int) -> str:
    """A share link to the open mission with visits and a sign-up it brought."""
    from soscience.network.models import Referral, ShareLink

    label = f"Poster in hall {i}"
    link = ShareLink.objects.create(
        code=f"kit{i:04d}", mission=world.open_mission, campus=CampusFactory(),
        channel="poster", label=label, ambassador=None, created_by=world.cast.coordinator,
    )  # fmt: skip
    Referral.objects.create(link=link, kind=Referral.Kind.VISIT)
    Referral.objects.create(link=link, kind=Referral.Kind.SIGNUP, user=person(f"Signed {i}"))
    return label


def reviewed_organisation_row(world: World, i: int) -> str:
    """An organisation a coordinator verified (the queue's "verified" tab)."""
    from soscience.organisations.models import Organisation

    name = f"Verified association {i}"
    OrganisationFactory(
        name=name, status=Organisation.Status.VERIFIED, reviewed_at=NOW,
        reviewed_by=person(f"Reviewer {i}", Role.COORDINATOR),
    )  # fmt: skip
    return name
