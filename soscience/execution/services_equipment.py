"""Equipment requests and loans of a running mission: every write goes through here.

Every write locks the mission row first, then the request or loan: the mission is the lock
of its budget. A decision counts the committed spend inside that lock, so two deciders at
the same moment cannot both take the last euros of the budget (each waits for the other's
commit and counts it), and an action racing a closing or a cancelling sees the mission as
it ends. Always mission then row, so two actions never wait for each other in a circle.

A finished mission (closed or cancelled) keeps its accounts as they stand: nothing is
decided, ordered or lent any more. What was already bought can still be recorded as
received at its real cost, a request not received yet can be cancelled (it will never be
bought now), and lent equipment can be given back.

Hours live in services_hours.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, DecimalField, Q, Sum, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.errors import DomainError, TransitionRefused
from soscience.execution.models import EquipmentRequest, Loan
from soscience.missions.models import Mission
from soscience.notifications.services import notify
from soscience.privacy.audit import Action, audit

Status = EquipmentRequest.Status
ZERO = Decimal("0.00")
# What counts against the budget: decided and not dropped.
COMMITTED = (Status.APPROVED, Status.ORDERED, Status.RECEIVED)
MAIL = "execution/mail/"
FINISHED = (Mission.Status.CLOSED, Mission.Status.CANCELLED)
# The audit log's code for a coordinator's approval beyond the budget (who let the mission
# spend more than the organisation approved).
OVERRUN_APPROVED = Action.EQUIPMENT_OVERRUN_APPROVED


def mission_running(mission: Mission) -> bool:
    """Whether the team works on it now: material, hours and their corrections need this."""
    if mission.status == Mission.Status.IN_PROGRESS:
        return True
    # A published mission whose team is formed may already need material before kick-off.
    return mission.status == Mission.Status.OPEN and mission.team.exists()


def _list_url(mission: Mission) -> str:
    return reverse("equipment:list", kwargs={"pk": mission.pk})


# --- equipment -------------------------------------------------------------------------


@dataclass(frozen=True)
class Spend:
    budget: Decimal
    committed: Decimal  # approved, ordered or received: real cost if known, else estimate
    spent: Decimal  # received, at the real cost
    remaining: Decimal

    @property
    def over(self) -> bool:
        return self.remaining < 0


def _cost() -> Coalesce:
    return Coalesce("real_cost", "estimated_cost")


def spend_summary(mission: Mission) -> Spend:
    """Budget, committed, spent and remaining for the mission's equipment (one query)."""
    money = DecimalField(max_digits=12, decimal_places=2)
    totals = EquipmentRequest.objects.filter(mission=mission).aggregate(
        committed=Coalesce(Sum(_cost(), filter=Q(status__in=COMMITTED)), ZERO, output_field=money),
        spent=Coalesce(
            Sum(
                Case(When(status=Status.RECEIVED, then=_cost()), default=ZERO),
                output_field=money,
            ),
            ZERO,
            output_field=money,
        ),
    )
    budget = mission.equipment_budget
    committed, spent = totals["committed"], totals["spent"]
    return Spend(budget=budget, committed=committed, spent=spent, remaining=budget - committed)


def _lock_mission(pk: int) -> Mission:
    """The mission, re-read under its row lock (see the module's docstring)."""
    return Mission.objects.select_for_update(of=("self",)).select_related("supervisor").get(pk=pk)


def _refuse_if_finished(mission: Mission, message: str) -> None:
    """``message`` (with ``%(s)s`` for the status) when the mission is closed or cancelled."""
    if mission.status in FINISHED:
        raise TransitionRefused(message % {"s": mission.get_status_display()})


@transaction.atomic
def request_create(
    *, mission: Mission, by: User, item: str, quantity: int, reason: str,
    estimated_cost: Decimal, link: str = "",
) -> EquipmentRequest:  # fmt: skip
    """A team member asks for material; the supervisor is told."""
    mission = _lock_mission(mission.pk)
    if not mission_running(mission):
        raise TransitionRefused(
            _("Equipment can only be requested while the mission is running (it is “%(s)s”).")
            % {"s": mission.get_status_display()}
        )
    if estimated_cost < 0:
        raise DomainError(_("The cost cannot be negative."), field="estimated_cost")
    request = EquipmentRequest.objects.create(
        mission=mission, requested_by=by, item=item.strip(), quantity=quantity,
        reason=reason.strip(), estimated_cost=estimated_cost, link=link.strip(),
    )  # fmt: skip
    if mission.supervisor and mission.supervisor != by:
        notify(
            mission.supervisor, MAIL + "equipment_requested", _ctx(request), url=_list_url(mission)
        )
    return request


def _ctx(request: EquipmentRequest) -> dict[str, object]:
    return {
        "mission": request.mission.title,
        "item": request.item,
        "quantity": request.quantity,
        "requester": request.requested_by.full_name,
        "cost": request.estimated_cost,
        "reason": request.refusal_reason,
    }


def _locked(request: EquipmentRequest) -> EquipmentRequest:
    """The request re-read under its row lock, after its mission's: two deciders at once
    cannot both move it, and the spend it is weighed against cannot move meanwhile."""
    mission = _lock_mission(request.mission_id)
    request = (
        EquipmentRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by")
        .get(pk=request.pk)
    )
    request.mission = mission
    return request


def _tell_requester(request: EquipmentRequest, template: str, by: User) -> None:
    if request.requested_by != by:
        notify(request.requested_by, MAIL + template, _ctx(request), url=_list_url(request.mission))


def _decided(request: EquipmentRequest, by: User, status: str) -> None:
    request.status = status
    request.decided_by, request.decided_at = by, timezone.now()
    request.save()


@transaction.atomic
def request_decide(
    *, request: EquipmentRequest, by: User, approve: bool, reason: str = "",
    as_coordinator: bool = False,
) -> EquipmentRequest:  # fmt: skip
    """The supervisor (or a coordinator) approves or refuses.

    An approval that would take the committed spend over the budget waits for a
    coordinator; a coordinator's approval settles it (and is written in the audit log).
    """
    request = _locked(request)
    _refuse_if_finished(
        request.mission,
        _("The mission is “%(s)s”: its equipment is no longer decided. A request still "
          "pending can only be cancelled."),
    )  # fmt: skip
    allowed = (
        (Status.REQUESTED, Status.AWAITING_COORDINATOR) if as_coordinator else (Status.REQUESTED,)
    )
    if request.status not in allowed:
        raise TransitionRefused(
            _("This request is “%(s)s”: it cannot be decided now.")
            % {"s": request.get_status_display()}
        )
    if not approve:
        if not reason.strip():
            raise DomainError(_("Say why the request is refused."), field="reason")
        request.refusal_reason = reason.strip()
        _decided(request, by, Status.REFUSED)
        _tell_requester(request, "equipment_refused", by)
        return request
    # Counted under the mission's lock: no other decision can commit in between.
    remaining = spend_summary(request.mission).remaining
    if remaining < request.estimated_cost and not as_coordinator:
        _decided(request, by, Status.AWAITING_COORDINATOR)
        for coordinator in User.objects.with_role(Role.COORDINATOR):
            notify(coordinator, MAIL + "equipment_over_budget", _ctx(request),
                   url=_list_url(request.mission))  # fmt: skip
        return request
    _decided(request, by, Status.APPROVED)
    if remaining < request.estimated_cost:
        audit(OVERRUN_APPROVED, actor=by, target=request, detail={
            "mission": request.mission_id, "budget": request.mission.equipment_budget,
            "remaining_before": remaining, "estimated_cost": request.estimated_cost,
        })  # fmt: skip
    _tell_requester(request, "equipment_approved", by)
    return request


def _move(
    request: EquipmentRequest, allowed: tuple[str, ...], to: str, *, finished: str = ""
) -> EquipmentRequest:
    """The locked request, moved to ``to`` (not saved) if its status allows it; refused
    with ``finished`` on a closed or cancelled mission when that message is given."""
    request = _locked(request)
    if finished:
        _refuse_if_finished(request.mission, finished)
    if request.status not in allowed:
        raise TransitionRefused(
            _("This request is “%(s)s”: it cannot become “%(t)s”.")
            % {"s": request.get_status_display(), "t": Status(to).label}
        )
    request.status = to
    return request


@transaction.atomic
def request_mark_ordered(*, request: EquipmentRequest, by: User) -> EquipmentRequest:
    finished = _("The mission is “%(s)s”: nothing more is ordered for it. Record what was "
                 "already bought as received, or cancel the request.")  # fmt: skip
    request = _move(request, (Status.APPROVED,), Status.ORDERED, finished=finished)
    request.save()
    return request


@transaction.atomic
def request_mark_received(
    *, request: EquipmentRequest, by: User, real_cost: Decimal | None
) -> EquipmentRequest:
    """Received, at the price really paid (what the spend summary then counts). Still
    possible on a finished mission: the money was spent, the accounts must say so."""
    if real_cost is None or real_cost < 0:
        raise DomainError(_("Enter the real cost paid (0 or more)."), field="real_cost")
    request = _move(request, (Status.APPROVED, Status.ORDERED), Status.RECEIVED)
    request.real_cost = real_cost
    request.save()
    return request


@transaction.atomic
def request_cancel(*, request: EquipmentRequest, by: User) -> EquipmentRequest:
    """Dropped before it arrives. On a finished mission it is the one way left to settle
    a request still pending."""
    allowed = (Status.REQUESTED, Status.AWAITING_COORDINATOR, Status.APPROVED, Status.ORDERED)
    request = _move(request, allowed, Status.CANCELLED)
    request.save()
    return request


# --- loans of team-owned equipment -----------------------------------------------------


@transaction.atomic
def loan_create(
    *, mission: Mission, by: User, item: str, lent_to: User, lent_on: dt.date,
    due_back_on: dt.date,
) -> Loan:  # fmt: skip
    """Record that a piece of the team's equipment went to one of its members."""
    mission = _lock_mission(mission.pk)
    _refuse_if_finished(
        mission,
        _("The mission is “%(s)s”: its equipment is no longer lent, only given back."),
    )
    if not mission.team.filter(volunteer=lent_to).exists():
        raise DomainError(_("Equipment is lent to a member of the team."), field="lent_to")
    if lent_on > timezone.localdate():
        raise DomainError(_("A loan cannot start in the future."), field="lent_on")
    if due_back_on < lent_on:
        raise DomainError(_("It is due back after it is lent."), field="due_back_on")
    return Loan.objects.create(
        mission=mission, item=item.strip(), lent_to=lent_to, lent_by=by, lent_on=lent_on,
        due_back_on=due_back_on,
    )  # fmt: skip


@transaction.atomic
def loan_return(*, loan: Loan, by: User) -> Loan:
    """Given back, whatever the mission's status: lent equipment must come home."""
    mission = _lock_mission(loan.mission_id)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    loan.mission = mission
    if loan.returned_on is not None:
        raise TransitionRefused(_("This equipment was already returned."))
    loan.returned_on = timezone.localdate()
    loan.save(update_fields=["returned_on"])
    return loan
