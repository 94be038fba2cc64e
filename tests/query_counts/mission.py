"""One row of each list page about missions at work: applicants and matching, supervision,
the mission space, equipment, hours, deliverables and certificates. Each function adds one
row with its related objects and returns a text the page shows for it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from soscience.accounts.roles import Role
from soscience.applications.models import Application
from soscience.missions.models import Mission
from tests.factories import (
    MissionFactory,
)
from tests.query_counts.world import (
    NOW,
    TODAY,
    World,
    certificate,
    join,
    pdf_file,
    person,
    published,
    team_member_of_running,
    volunteer,
)


def applicant_row(world: World, i: int) -> str:
    """An applicant of the open mission with a profile on a campus, the application's
    history, and (every third) a place on another mission's team for the same dates."""
    from soscience.applications.models import ApplicationEvent

    name = f"Applicant Number{i}"
    user = volunteer(name, campus=world.campus)
    application = Application.objects.create(
        mission=world.open_mission, volunteer=user, status=Application.Status.APPLIED,
        motivation="Filters.", availability_confirmed=True, applied_at=NOW,
        answer_by=TODAY + dt.timedelta(days=i - 4),
    )  # fmt: skip
    ApplicationEvent.objects.create(
        application=application, actor=user, kind=ApplicationEvent.Kind.APPLIED
    )
    if i % 3 == 0:
        other = published(f"Overlapping mission {i}", start_date=world.open_mission.start_date)
        join(other, user, seat=1)
    return name


def suggested_row(world: World, i: int) -> str:
    from soscience.matching import services

    name = f"Suggested Person{i}"
    volunteer(name, campus=world.campus)
    world.open_mission  # noqa: B018 - the mission exists before the index is built
    services.index_rebuild(force=True)  # what the worker does after profiles change
    return name


def candidate_row(world: World, i: int) -> str:
    from soscience.matching import services

    name = f"Candidate Person{i}"
    user = volunteer(name, campus=world.campus)
    Application.objects.create(
        mission=world.open_mission, volunteer=user, status=Application.Status.APPLIED,
        motivation="Filters.", availability_confirmed=True, applied_at=NOW,
    )  # fmt: skip
    services.index_rebuild(force=True)
    return name


def supervised_row(world: World, i: int) -> str:
    """A running mission of cast.supervisor with its team, hours and shared news."""
    from soscience.execution.models import HoursEntry, ProgressUpdate

    title = f"Supervised mission {i}"
    mission = MissionFactory(
        title=title, supervisor=world.cast.supervisor, status=Mission.Status.IN_PROGRESS,
        start_date=TODAY - dt.timedelta(days=20), end_date=TODAY + dt.timedelta(days=30 + i),
        kicked_off_on=TODAY - dt.timedelta(days=20), team_size=3,
    )  # fmt: skip
    member = person(f"Team member {i}", Role.VOLUNTEER)
    join(mission, member, seat=1)
    HoursEntry.objects.create(
        mission=mission, volunteer=member, worked_on=TODAY, hours=2, description="Drawings",
        validated_by=world.cast.supervisor, validated_at=NOW,
    )  # fmt: skip
    ProgressUpdate.objects.create(mission=mission, author=member, body="Pump works.")
    return title


def equipment_row(world: World, i: int) -> str:
    from soscience.execution.models import EquipmentRequest, Loan

    member = team_member_of_running(world, i)
    item = f"Microcontroller kit {i}"
    statuses = list(EquipmentRequest.Status)
    EquipmentRequest.objects.create(
        mission=world.running, requested_by=member, item=item, reason="Prototype",
        estimated_cost=Decimal("10.00"), status=statuses[i % len(statuses)],
        decided_by=world.cast.supervisor if i % 2 else None,
    )  # fmt: skip
    Loan.objects.create(
        mission=world.running, item=f"Multimeter {i}", lent_to=member,
        lent_by=world.cast.supervisor, lent_on=TODAY, due_back_on=TODAY + dt.timedelta(days=i),
    )  # fmt: skip
    return item


def hours_row(world: World, i: int) -> str:
    from soscience.execution.models import HoursEntry

    member = team_member_of_running(world, i)
    description = f"Drawings of the filter {i}"
    HoursEntry.objects.create(
        mission=world.running, volunteer=member, worked_on=TODAY - dt.timedelta(days=i % 5),
        hours=2, description=description,
        validated_by=world.cast.supervisor if i % 2 else None,
        validated_at=NOW if i % 2 else None,
    )  # fmt: skip
    return description


def deliverable_row(world: World, i: int) -> str:
    from soscience.execution.models_deliverables import Deliverable

    member = team_member_of_running(world, i)
    title = f"Build guide {i}"
    Deliverable.objects.create(
        mission=world.running, title=title, original_name=f"guide{i}.pdf",
        content_type="application/pdf", size=10, file=pdf_file(), uploaded_by=member,
    )  # fmt: skip
    return title


def mission_certificate_row(world: World, i: int) -> str:
    from soscience.execution.models import HoursEntry

    name = f"Certified Person{i}"
    user = person(name, Role.VOLUNTEER)
    join(world.closed, user, seat=i + 1)
    HoursEntry.objects.create(
        mission=world.closed, volunteer=user, worked_on=world.closed.start_date, hours=12,
        description="Drawings", validated_by=world.cast.supervisor, validated_at=NOW,
    )  # fmt: skip
    if i % 2:
        certificate(world.closed, user, f"TEAM-{i:04d}-AB")
    return name


def supervisor_dashboard_row(world: World, i: int) -> str:
    title = f"Mission I supervise {i}"
    MissionFactory(title=title, supervisor=world.cast.supervisor, status=Mission.Status.OPEN)
    return title


def space_row(world: World, i: int) -> str:
    """On the running mission: a teammate's news with a file and a reply, a milestone, a
    deliverable, an equipment request and a line of the mission's history."""
    from soscience.execution.models import EquipmentRequest, Milestone, ProgressUpdate, UpdateReply
    from soscience.execution.models_deliverables import Deliverable
    from soscience.missions.models import MissionEvent

    member = team_member_of_running(world, i)
    body = f"The pump number {i} works"
    update = ProgressUpdate.objects.create(mission=world.running, author=member, body=body)
    update.attachments.create(
        original_name=f"photo{i}.pdf", content_type="application/pdf", size=10, file=pdf_file()
    )
    UpdateReply.objects.create(update=update, author=world.cast.supervisor, body="Well done.")
    Milestone.objects.create(mission=world.running, title=f"Step {i}", planned_on=TODAY)
    Deliverable.objects.create(
        mission=world.running, title=f"Report {i}", original_name="r.pdf", size=10,
        content_type="application/pdf", file=pdf_file(), uploaded_by=member,
    )  # fmt: skip
    EquipmentRequest.objects.create(
        mission=world.running, requested_by=member, item=f"Sensor {i}", reason="Tests",
        estimated_cost=Decimal("5.00"),
    )  # fmt: skip
    MissionEvent.objects.create(
        mission=world.running, actor=world.cast.coordinator, kind=MissionEvent.Kind.EXTENDED
    )
    return body


def my_hours_row(world: World, i: int) -> str:
    """Hours cast.volunteer logged on the running mission (a volunteer sees their own)."""
    from soscience.execution.models import HoursEntry

    world.running  # noqa: B018 - cast.volunteer is on its team
    description = f"My drawings {i}"
    HoursEntry.objects.create(
        mission=world.running, volunteer=world.cast.volunteer, hours=2,
        worked_on=TODAY - dt.timedelta(days=i % 5), description=description,
        validated_by=world.cast.supervisor if i % 2 else None, validated_at=NOW if i % 2 else None,
    )  # fmt: skip
    return description
