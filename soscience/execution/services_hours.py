"""Hours a volunteer gives to a mission: logged, corrected or deleted by them, validated
(or the validation withdrawn) by the supervisor or a coordinator. Every write goes here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.errors import DomainError, TransitionRefused
from soscience.execution.models import HoursEntry
from soscience.execution.services_equipment import mission_running
from soscience.impact import rollup
from soscience.impact.freshness import figures_changed
from soscience.missions.models import Mission
from soscience.notifications.services import notify

ZERO = Decimal("0.00")


def hours_window(mission: Mission) -> tuple[dt.date, dt.date]:
    """Days hours may be logged on: from the kick-off (or the start) to the end."""
    start = min(filter(None, (mission.kicked_off_on, mission.start_date)))
    return start, mission.end_date


def _check(mission: Mission, worked_on: dt.date, hours: Decimal, description: str) -> None:
    # The same rules for a new entry and a corrected one.
    if worked_on > timezone.localdate():
        raise DomainError(_("Hours cannot be logged for a future date."), field="worked_on")
    start, end = hours_window(mission)
    if not start <= worked_on <= end:
        raise DomainError(
            _("The date must be within the mission, from %(start)s to %(end)s.")
            % {"start": start.isoformat(), "end": end.isoformat()},
            field="worked_on",
        )
    if not Decimal("0.25") <= hours <= 24:
        raise DomainError(_("Between 0.25 and 24 hours a day."), field="hours")
    if not description.strip():
        raise DomainError(_("Say what was done."), field="description")


@transaction.atomic
def hours_log(
    *, mission: Mission, by: User, worked_on: dt.date, hours: Decimal, description: str
) -> HoursEntry:
    """A team member logs their own hours; the supervisor validates them later. Not on a
    closed or cancelled mission: its hours are settled (certificates count them)."""
    if mission.status in (Mission.Status.CLOSED, Mission.Status.CANCELLED):
        raise TransitionRefused(
            _("The mission is “%(s)s”: hours can no longer be logged.")
            % {"s": mission.get_status_display()}
        )
    _check(mission, worked_on, hours, description)
    return HoursEntry.objects.create(
        mission=mission, volunteer=by, worked_on=worked_on, hours=hours,
        description=description.strip(),
    )  # fmt: skip


def hours_change_refusal(entry: HoursEntry) -> str | None:
    """Why the volunteer can no longer correct or delete this entry, or None if they can.

    Validated hours count for certificates and impact reports: only withdrawing the
    validation (the supervisor's call) reopens them.
    """
    if entry.validated_at is not None:
        return _(
            "These hours were validated: they can no longer be changed. Ask the supervisor "
            "to withdraw the validation if they are wrong."
        )
    if not mission_running(entry.mission):
        return _("The mission is “%(s)s”: its hours can no longer be changed.") % {
            "s": entry.mission.get_status_display()
        }
    return None


def _locked(entry: HoursEntry) -> HoursEntry:
    # Re-read under a row lock: a validation and a correction at once cannot both win.
    locked = HoursEntry.objects.select_for_update().get(pk=entry.pk)
    locked.mission = entry.mission
    return locked


def _changeable(entry: HoursEntry) -> HoursEntry:
    entry = _locked(entry)
    refusal = hours_change_refusal(entry)
    if refusal:
        raise TransitionRefused(refusal)
    return entry


@transaction.atomic
def hours_edit(
    *, entry: HoursEntry, by: User, worked_on: dt.date, hours: Decimal, description: str
) -> HoursEntry:
    """The volunteer corrects their own entry while it is pending and the mission runs."""
    entry = _changeable(entry)
    _check(entry.mission, worked_on, hours, description)
    entry.worked_on, entry.hours, entry.description = worked_on, hours, description.strip()
    entry.save(update_fields=["worked_on", "hours", "description"])
    return entry


@transaction.atomic
def hours_delete(*, entry: HoursEntry, by: User) -> None:
    """The volunteer deletes their own entry while it is pending and the mission runs."""
    _changeable(entry).delete()


@transaction.atomic
def hours_validate(*, mission: Mission, by: User, ids: list[int]) -> int:
    """Validate several pending entries of this mission at once; returns how many."""
    if not ids:
        raise DomainError(_("Tick the entries to validate."))
    pending = HoursEntry.objects.filter(mission=mission, pk__in=ids, validated_at__isnull=True)
    validated = pending.update(validated_by=by, validated_at=timezone.now())
    if validated:
        # update() sends no signal: the impact figures count these hours.
        rollup.refresh([mission.pk])
        figures_changed()
    return validated


@transaction.atomic
def hours_unvalidate(*, entry: HoursEntry, by: User, reason: str) -> HoursEntry:
    """The supervisor or a coordinator sends a validated entry back to pending, so the
    volunteer can correct it. The reason is not stored (no field for it): it goes to the
    volunteer in their inbox and by mail, written in this same transaction."""
    entry = _locked(entry)
    if entry.validated_at is None:
        raise TransitionRefused(_("These hours are not validated: there is nothing to withdraw."))
    if not mission_running(entry.mission):
        raise TransitionRefused(
            _("The mission is “%(s)s”: its validated hours stay as they are.")
            % {"s": entry.mission.get_status_display()}
        )
    if not reason.strip():
        raise DomainError(_("Say why the validation is withdrawn."), field="reason")
    entry.validated_by, entry.validated_at = None, None
    entry.save(update_fields=["validated_by", "validated_at"])
    if entry.volunteer_id != by.pk:
        context = {
            "mission": entry.mission.title,
            "worked_on": entry.worked_on,
            "hours": entry.hours,
            "description": entry.description,
            "by": by.full_name,
            "reason": reason.strip(),
        }
        url = reverse("equipment:hours", kwargs={"pk": entry.mission_id})
        notify(entry.volunteer, "execution/mail/hours_unvalidated", context, url=url)
    return entry


@dataclass(frozen=True)
class HoursTotals:
    validated: Decimal
    pending: Decimal


def hours_totals(mission: Mission) -> tuple[HoursTotals, list[dict[str, object]]]:
    """The mission's totals, and per volunteer (name, validated, pending), in two queries."""
    money = DecimalField(max_digits=8, decimal_places=2)
    sums = {
        "validated": Coalesce(Sum("hours", filter=Q(validated_at__isnull=False)), ZERO,
                              output_field=money),
        "pending": Coalesce(Sum("hours", filter=Q(validated_at__isnull=True)), ZERO,
                            output_field=money),
    }  # fmt: skip
    entries = HoursEntry.objects.filter(mission=mission)
    overall = entries.aggregate(**sums)
    per_volunteer = list(
        entries.values("volunteer_id", "volunteer__full_name")
        .annotate(**sums)
        .order_by("volunteer__full_name")
    )
    return HoursTotals(overall["validated"], overall["pending"]), per_volunteer
