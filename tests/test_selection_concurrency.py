"""Selection under concurrency: never more members than the team size, whatever the timing.

Real threads, each with its own database connection, start the same instant (a barrier)
and call the services as two coordinators' requests would. On PostgreSQL the mission row
lock makes selections wait for each other, and the seat constraints back it up; SQLite
lets one writer at a time. Either way the same invariants must hold, so these tests run
on both, never skipped.

Transactional tests (threads see only committed data) empty the database afterwards, data
migrations included (role groups, domains, skills): serialized_rollback restores them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications import services
from soscience.applications.models import Application, TeamMember
from soscience.missions.models import Mission
from tests.factories import MissionFactory, UserFactory
from tests.races import at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def select(application_pk: int, by_pk: int, role: str = "member") -> Callable[[], Any]:
    """A coordinator's click on "Select", as its request would run: fresh objects."""

    def action() -> TeamMember:
        application = Application.objects.get(pk=application_pk)
        by = User.objects.get(pk=by_pk)
        return services.application_select(application=application, by=by, role=role)

    return action


def withdraw(application_pk: int) -> Callable[[], Any]:
    def action() -> Application:
        application = Application.objects.select_related("volunteer").get(pk=application_pk)
        return services.application_withdraw(
            application=application, by=application.volunteer, reason="unavailable"
        )

    return action


def mission_with_applicants(cast, *, team_size: int, applicants: int) -> list[Application]:
    mission = MissionFactory(
        team_size=team_size, status=Mission.Status.OPEN, published_at=timezone.now()
    )
    return [
        Application.objects.create(
            mission=mission,
            volunteer=UserFactory(roles=[Role.VOLUNTEER]),
            status=Application.Status.APPLIED,
            applied_at=timezone.now(),
            availability_confirmed=True,
            motivation="Ready.",
        )
        for _ in range(applicants)
    ]


def second_coordinator():
    return UserFactory(full_name="Corentin Coordinateur", roles=[Role.COORDINATOR])


def assert_team_within_size(mission: Mission) -> list[TeamMember]:
    team = list(TeamMember.objects.filter(mission=mission).order_by("seat"))
    seats = [m.seat for m in team if m.seat is not None]
    assert len(seats) <= mission.team_size
    assert seats == list(range(1, len(seats) + 1))  # numbered 1..n, never twice
    selected = Application.objects.filter(mission=mission, status=Application.Status.SELECTED)
    assert {a.pk for a in selected} == {m.application_id for m in team}
    return team


def test_two_coordinators_select_two_applicants_for_the_last_seat(cast):
    first, second, third = mission_with_applicants(cast, team_size=2, applicants=3)
    services.application_select(application=first, by=cast.coordinator, role="member")
    other = second_coordinator()

    outcomes = at_once(
        select(second.pk, cast.coordinator.pk), select(third.pk, other.pk)
    )  # fmt: skip

    assert sorted(o.ok for o in outcomes) == [False, True]
    (refusal,) = [o.value for o in outcomes if not o.ok]
    assert refusal == "The team is complete (2 of 2)."
    team = assert_team_within_size(first.mission)
    assert len(team) == 2
    loser = third if outcomes[0].ok else second
    loser.refresh_from_db()
    assert loser.status == Application.Status.APPLIED  # still waiting for an answer


def test_many_coordinators_at_once_never_exceed_the_team_size(cast):
    applications = mission_with_applicants(cast, team_size=3, applicants=8)
    coordinators = [cast.coordinator, second_coordinator()]

    outcomes = at_once(*(select(a.pk, coordinators[i % 2].pk) for i, a in enumerate(applications)))

    assert sum(o.ok for o in outcomes) == 3
    refusals = {o.value for o in outcomes if not o.ok}
    assert refusals == {"The team is complete (3 of 3)."}
    assert [m.seat for m in assert_team_within_size(applications[0].mission)] == [1, 2, 3]


def test_a_double_click_takes_one_seat_and_the_second_is_refused(cast):
    (application,) = mission_with_applicants(cast, team_size=2, applicants=1)

    outcomes = at_once(
        select(application.pk, cast.coordinator.pk), select(application.pk, cast.coordinator.pk)
    )

    assert sorted(o.ok for o in outcomes) == [False, True]
    (refusal,) = [o.value for o in outcomes if not o.ok]
    assert refusal.endswith("is already on the team.")
    team = assert_team_within_size(application.mission)
    assert [m.seat for m in team] == [1]


def test_withdrawing_while_being_selected_ends_in_one_consistent_state(cast):
    applications = mission_with_applicants(cast, team_size=5, applicants=5)

    for application in applications:
        # Both orders happen over the rounds; each round must settle one way only.
        outcomes = at_once(select(application.pk, cast.coordinator.pk), withdraw(application.pk))
        assert sorted(o.ok for o in outcomes) == [False, True]
        application.refresh_from_db()
        seat = TeamMember.objects.filter(application=application)
        if outcomes[0].ok:
            assert application.status == Application.Status.SELECTED
            assert seat.exists()
            assert "already on the team" in outcomes[1].value
        else:
            assert application.status == Application.Status.WITHDRAWN
            assert not seat.exists()  # no seat held by someone who left
            assert outcomes[0].value.endswith("withdrew their application.")
    assert_team_within_size(applications[0].mission)


def test_the_database_refuses_a_seat_beyond_the_team_size_even_without_the_service(cast):
    """The last line of defence, for a code path that would forget the lock."""
    application, other = mission_with_applicants(cast, team_size=1, applicants=2)
    mission = application.mission
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=application.volunteer,
        seat=1, capacity=1,
    )  # fmt: skip
    for seat in (1, 2):  # the same seat twice; a seat above the team size
        with pytest.raises(IntegrityError), transaction.atomic():
            TeamMember.objects.create(
                mission=mission, application=other, volunteer=other.volunteer,
                seat=seat, capacity=1,
            )  # fmt: skip
    assert TeamMember.objects.filter(mission=mission).count() == 1
