"""Equipment decisions under concurrency: the budget holds and each request is decided once,
whatever the timing.

Real threads, each with its own database connection, start the same instant (a barrier) and
go through what the views do (the access function, then the service) as simultaneous clicks
would. On PostgreSQL the equipment services lock the mission row before anything else: a
decision counts the committed spend inside that lock, so the supervisor's approvals queue
and each sees the others'. SQLite lets one writer at a time (a second writer is refused at
once and tries again), so the same invariants are checked there too.

Without the mission's lock (tried: ``_lock_mission`` reading the row without FOR UPDATE),
PostgreSQL lets the supervisor approve five requests of 30 EUR on a budget of 100 and the
first two tests fail; without the request's lock as well, two deciders both approve the
same request and the requester gets two mails.

Loans have no quantity (a loan names one thing, free text, with no stock behind it), so
there is nothing two loans could over-lend; a double return is checked instead.

Transactional tests (threads see only committed data) empty the database afterwards, data
migrations included (role groups, domains, skills): serialized_rollback restores them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications.models import Application, TeamMember
from soscience.closing import services as closing
from soscience.core.outbox import send_due_mail
from soscience.execution import access_equipment as access
from soscience.execution import services_equipment as services
from soscience.execution.models import EquipmentRequest, Loan
from soscience.missions.models import Mission
from soscience.privacy.models import AuditEvent
from tests import races
from tests.factories import MissionFactory, UserFactory
from tests.races import Outcome

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BUDGET = Decimal("100.00")
Status = EquipmentRequest.Status
TODAY = timezone.localdate()
# Races repeated on fresh rows within one test (cheaper than a test each: every
# transactional test empties and refills the database): both orders happen.
ROUNDS = 3


def at_once(*actions: Callable[[], Any]) -> list[Outcome]:
    """The actions run together (tests/races.py), then the mail they left in the outbox."""
    outcomes = races.at_once(*actions)
    # The mails are rows of the outbox, written with the decisions. Each thread's commit
    # sends them at once, but on SQLite that sending can meet another thread's write lock
    # and leave them queued: the worker's next run, here, sends what is left.
    send_due_mail()
    return outcomes


# --- what people click ---------------------------------------------------------------------


def decide(
    request_pk: int, by_pk: int, *, approve: bool = True, coordinator: bool = False
) -> Callable[[], EquipmentRequest]:
    """A click on "Approve" (or "Refuse"), as the view runs it: the access function, then
    the service, with fresh objects. Coordinators' forms always settle as coordinators."""

    def action() -> EquipmentRequest:
        by = User.objects.get(pk=by_pk)
        request, _rights = access.equipment_request_for(
            by, request_pk, "coordinate" if coordinator else "decide"
        )
        return services.request_decide(
            request=request, by=by, approve=approve, reason="We have one at the lab.",
            as_coordinator=coordinator,
        )  # fmt: skip

    return action


def close(mission_pk: int, by_pk: int) -> Callable[[], Mission]:
    def action() -> Mission:
        mission = Mission.objects.get(pk=mission_pk)
        return closing.mission_close(mission=mission, by=User.objects.get(pk=by_pk))

    return action


def cancel_mission(mission_pk: int, by_pk: int) -> Callable[[], Mission]:
    def action() -> Mission:
        mission = Mission.objects.get(pk=mission_pk)
        return closing.mission_cancel(
            mission=mission, by=User.objects.get(pk=by_pk), reason="The school closed."
        )

    return action


def lend(mission_pk: int, by_pk: int, to_pk: int) -> Callable[[], Loan]:
    def action() -> Loan:
        by = User.objects.get(pk=by_pk)
        rights = access.loan_manage(by, mission_pk)
        return services.loan_create(
            mission=rights.mission, by=by, item="Multimeter", lent_to=User.objects.get(pk=to_pk),
            lent_on=TODAY, due_back_on=TODAY + dt.timedelta(days=7),
        )  # fmt: skip

    return action


def give_back(loan_pk: int, by_pk: int) -> Callable[[], Loan]:
    def action() -> Loan:
        by = User.objects.get(pk=by_pk)
        loan, _rights = access.loan_for(by, loan_pk)
        return services.loan_return(loan=loan, by=by)

    return action


# --- the mission and its requests ----------------------------------------------------------


def running_mission(cast, **overrides: Any) -> Mission:
    fields = {"organisation": cast.organisation, "supervisor": cast.supervisor,
              "status": Mission.Status.IN_PROGRESS, "equipment_budget": BUDGET,
              "start_date": TODAY - dt.timedelta(days=10), **overrides}  # fmt: skip
    return MissionFactory(**fields)


def join(mission: Mission, volunteer: User) -> None:
    application = Application.objects.create(
        mission=mission, volunteer=volunteer, status=Application.Status.SELECTED,
        applied_at=timezone.now(),
    )  # fmt: skip
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=volunteer, seat=1,
        capacity=mission.team_size,
    )  # fmt: skip


def requests_of(mission: Mission, *costs: str, status: str = Status.REQUESTED):
    """One request per cost, each from its own requester (to count each one's mail)."""
    return [_one_request(mission, f"Kit {n}", cost, status) for n, cost in enumerate(costs)]


def _one_request(mission: Mission, item: str, cost: str, status: str) -> EquipmentRequest:
    return EquipmentRequest.objects.create(
        mission=mission, requested_by=UserFactory(roles=[Role.VOLUNTEER]), item=item,
        reason="The sensor.", estimated_cost=Decimal(cost), status=status,
    )  # fmt: skip


def mails_to(user: User, subject_start: str) -> int:
    return sum(m.to == [user.email] and m.subject.startswith(subject_start) for m in mail.outbox)


def approval_mails(request: EquipmentRequest) -> int:
    return mails_to(request.requested_by, "Your equipment request was approved")


def overruns(mission: Mission) -> set[str]:
    """The requests of ``mission`` whose approval beyond the budget the audit log records."""
    events = AuditEvent.objects.filter(action=services.OVERRUN_APPROVED)
    targets = set(events.values_list("target", flat=True))
    pks = mission.equipment_requests.values_list("pk", flat=True)
    ours = {f"execution.equipmentrequest:{pk}" for pk in pks}
    return targets & ours


def assert_budget_kept(mission: Mission, coordinators: set[int]) -> None:
    """Replay the decisions in the order they were taken (each took its time under the
    mission's lock): the supervisor's approvals always fitted the budget at their moment, a
    request set aside for a coordinator did not fit, and each approval beyond the budget was
    a coordinator's, written in the audit log."""
    beyond: set[str] = set()
    committed = Decimal(0)
    decided = mission.equipment_requests.exclude(decided_at=None).order_by("decided_at", "pk")
    for request in decided:
        fits = committed + request.estimated_cost <= mission.equipment_budget
        if request.status == Status.APPROVED:
            if not fits:
                assert request.decided_by_id in coordinators, (
                    f"{request} approved by the supervisor with {committed} already committed"
                )
                beyond.add(f"execution.equipmentrequest:{request.pk}")
            committed += request.estimated_cost
        elif request.status == Status.AWAITING_COORDINATOR:
            assert not fits, f"{request} set aside although {committed} was committed"
    assert overruns(mission) == beyond
    spend = services.spend_summary(mission)
    assert spend.committed == committed
    assert spend.committed <= mission.equipment_budget or beyond


# --- the budget ----------------------------------------------------------------------------


def test_the_supervisor_approving_everything_at_once_stays_within_the_budget(cast):
    mission = running_mission(cast)
    requests = requests_of(mission, *["30.00"] * 5)

    outcomes = at_once(*(decide(r.pk, cast.supervisor.pk) for r in requests))

    assert all(o.ok for o in outcomes)
    assert sorted(o.value.status for o in outcomes) == sorted(
        [Status.APPROVED] * 3 + [Status.AWAITING_COORDINATOR] * 2
    )
    assert services.spend_summary(mission).committed == Decimal("90.00")
    assert_budget_kept(mission, coordinators=set())
    for request in requests:
        request.refresh_from_db()
        assert approval_mails(request) == (1 if request.status == Status.APPROVED else 0)
    over = "Over the equipment budget, your approval is needed"
    assert mails_to(cast.coordinator, over) == 2


def test_supervisor_and_coordinators_deciding_at_once_keep_the_budget(cast):
    """Six requests of 40 on a budget of 100: the supervisor approves them all, a
    coordinator settles two of them, a second coordinator one of those, and the supervisor
    clicks twice on another, all at the same moment."""
    mission = running_mission(cast)
    other = UserFactory(full_name="Corentin Coordinateur", roles=[Role.COORDINATOR])
    requests = requests_of(mission, *["40.00"] * 6)
    supervisor, coordinator = cast.supervisor.pk, cast.coordinator.pk
    actions = [
        *(decide(r.pk, supervisor) for r in requests),
        decide(requests[1].pk, supervisor),
        decide(requests[0].pk, coordinator, coordinator=True),
        decide(requests[3].pk, coordinator, coordinator=True),
        decide(requests[3].pk, other.pk, coordinator=True),
    ]

    outcomes = at_once(*actions)

    assert_budget_kept(mission, coordinators={coordinator, other.pk})
    approved = [o.value.pk for o in outcomes if o.ok and o.value.status == Status.APPROVED]
    assert len(approved) == len(set(approved)), "a request was approved twice"
    for request in requests:
        request.refresh_from_db()
        assert request.status in (Status.APPROVED, Status.AWAITING_COORDINATOR)
        assert approval_mails(request) == (1 if request.status == Status.APPROVED else 0)
    assert {requests[0].status, requests[3].status} == {Status.APPROVED}
    assert set(approved) == {r.pk for r in requests if r.status == Status.APPROVED}
    refusals = {o.value for o in outcomes if not o.ok}
    assert refusals <= {
        "This request is “Approved”: it cannot be decided now.",
        "This request is “Over budget: awaiting a coordinator”: it cannot be decided now.",
    }


# --- the same request, twice ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("supervisor", True), ("coordinator", True)),
        (("supervisor", True), ("coordinator", False)),
        (("supervisor", False), ("supervisor", True)),
        (("supervisor", True), ("supervisor", True)),  # a double click
    ],
    ids=["approve-approve", "approve-refuse", "refuse-approve", "double-click"],
)
def test_two_decisions_on_the_same_request_one_wins(cast, first, second):
    mission = running_mission(cast)
    supervisor = cast.client("supervisor")
    for request in requests_of(mission, *["30.00"] * ROUNDS):  # one round per request
        mail.outbox.clear()
        clicks = [
            decide(request.pk, getattr(cast, who).pk, approve=yes, coordinator=who == "coordinator")
            for who, yes in (first, second)
        ]

        outcomes = at_once(*clicks)

        assert sorted(o.ok for o in outcomes) == [False, True]
        (won,) = [o.value for o in outcomes if o.ok]
        (refusal,) = [o.value for o in outcomes if not o.ok]
        request.refresh_from_db()
        assert request.status == won.status
        status = request.get_status_display()
        assert refusal == f"This request is “{status}”: it cannot be decided now."
        assert (request.decided_by_id, request.decided_at) == (won.decided_by_id, won.decided_at)
        # One mail, to the requester, saying what was decided.
        assert [m.to for m in mail.outbox] == [[request.requested_by.email]]
        assert mails_to(request.requested_by, f"Your equipment request was {status.lower()}")
        # The mission's timeline shows the request once, where it stands.
        html = supervisor.get(reverse("execution:space", args=[mission.pk])).content.decode()
        line = html[html.index(f'#request-{request.pk}"') :]
        assert html.count(f'#request-{request.pk}"') == 1
        assert f"status-{request.status}" in line[: line.index("</li>")]


def test_two_coordinators_settle_the_same_over_budget_request_once(cast):
    mission = running_mission(cast)
    other = UserFactory(full_name="Corentin Coordinateur", roles=[Role.COORDINATOR])
    over = requests_of(mission, *["150.00"] * ROUNDS, status=Status.AWAITING_COORDINATOR)
    for request in over:
        outcomes = at_once(
            decide(request.pk, cast.coordinator.pk, coordinator=True),
            decide(request.pk, other.pk, coordinator=True),
        )

        assert sorted(o.ok for o in outcomes) == [False, True]
        (won,) = [o.value for o in outcomes if o.ok]
        request.refresh_from_db()
        assert request.status == Status.APPROVED
        assert request.decided_by_id == won.decided_by_id
        target = f"execution.equipmentrequest:{request.pk}"
        (event,) = AuditEvent.objects.filter(action=services.OVERRUN_APPROVED, target=target)
        assert event.actor_id == won.decided_by_id
        assert approval_mails(request) == 1


# --- a mission ending while its equipment moves --------------------------------------------


def test_a_decision_at_the_moment_the_mission_closes_lands_before_or_not_at_all(cast):
    for _round in range(ROUNDS):  # the order differs between rounds; each must settle one way
        mission = running_mission(cast, status=Mission.Status.ACCEPTED)
        (request,) = requests_of(mission, "30.00")

        closed, decided = at_once(
            close(mission.pk, cast.coordinator.pk), decide(request.pk, cast.supervisor.pk)
        )

        assert closed.ok
        mission.refresh_from_db()
        request.refresh_from_db()
        if decided.ok:
            assert request.status == Status.APPROVED
            assert request.decided_at < mission.closed_at, "decided on a closed mission"
        else:
            assert request.status == Status.REQUESTED
            assert decided.value.startswith("The mission is “Closed”: its equipment is no")


def test_a_loan_at_the_moment_the_mission_is_cancelled_lands_before_or_not_at_all(cast):
    for _round in range(ROUNDS):
        mission = running_mission(cast)
        join(mission, cast.volunteer)

        cancelled, lent = at_once(
            cancel_mission(mission.pk, cast.coordinator.pk),
            lend(mission.pk, cast.volunteer.pk, cast.volunteer.pk),
        )

        assert cancelled.ok
        mission.refresh_from_db()
        loans = list(Loan.objects.filter(mission=mission))
        if lent.ok:
            assert [loan.created_at < mission.cancelled_at for loan in loans] == [True]
        else:
            assert loans == []
            assert lent.value.startswith("The mission is “Cancelled”: its equipment is no")


def test_the_same_loan_given_back_twice_at_once_is_returned_once(cast):
    mission = running_mission(cast)
    join(mission, cast.volunteer)
    for _round in range(ROUNDS):
        loan = Loan.objects.create(
            mission=mission, item="Multimeter", lent_to=cast.volunteer, lent_by=cast.supervisor,
            lent_on=TODAY, due_back_on=TODAY,
        )  # fmt: skip

        outcomes = at_once(
            give_back(loan.pk, cast.volunteer.pk), give_back(loan.pk, cast.supervisor.pk)
        )

        assert sorted(o.ok for o in outcomes) == [False, True]
        assert [o.value for o in outcomes if not o.ok] == ["This equipment was already returned."]
        loan.refresh_from_db()
        assert loan.returned_on == TODAY
