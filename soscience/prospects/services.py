"""Writes of prospecting: prospects, their stage, contact log, registration, reminders.

Every stage change and registration writes a line in the contact log: the log is the
prospect's whole history, and it stays with the organisation once registered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.notifications.services import notify
from soscience.organisations.models import Organisation
from soscience.prospects.models import ContactLog, Prospect

Stage = Prospect.Stage
# Stages where something is still to be done: reminders are about these only.
LIVE = (Stage.IDENTIFIED, Stage.CONTACTED, Stage.INTERESTED)
FIELDS = (
    "name", "country", "city", "website", "contact_name", "contact_email", "source",
    "source_detail", "ambassador", "event", "owner", "next_action", "next_action_on",
)  # fmt: skip


def prospect_path(prospect: Prospect) -> str:
    return reverse("prospects:detail", kwargs={"pk": prospect.pk})


def _require_team(by: User) -> None:
    if not is_coordinator(by):
        raise DomainError(_("Only the coordination team follows prospects."))


def _lock(prospect: Prospect) -> Prospect:
    return Prospect.objects.select_for_update().get(pk=prospect.pk)


def _log(prospect: Prospect, by: User, summary: str) -> ContactLog:
    return ContactLog.objects.create(
        prospect=prospect, on=timezone.localdate(), kind=ContactLog.Kind.NOTE, summary=summary,
        by=by,
    )  # fmt: skip


def _set(prospect: Prospect, data: dict[str, Any]) -> None:
    name = (data.get("name") or "").strip()
    if not name:
        raise DomainError(_("Give the organisation's name."), field="name")
    for field in FIELDS:
        if field in data:
            setattr(prospect, field, data[field])
    prospect.name = name[:200]


@transaction.atomic
def prospect_create(*, by: User, data: dict[str, Any]) -> Prospect:
    """The team starts following an organisation (stage: identified)."""
    _require_team(by)
    prospect = Prospect(created_by=by)
    _set(prospect, data)
    prospect.save()
    return prospect


@transaction.atomic
def prospect_suggest(*, by: User, data: dict[str, Any], what_i_know: str = "") -> Prospect:
    """An ambassador suggests an organisation they found: source ambassador, their name on
    it; what they know opens the contact log."""
    if not (Role.AMBASSADOR in by.roles or is_coordinator(by)):
        raise DomainError(_("Only ambassadors and the coordination team suggest prospects."))
    prospect = Prospect(created_by=by, source=Prospect.Source.AMBASSADOR, ambassador=by)
    _set(prospect, {f: data[f] for f in data if f not in {"source", "ambassador", "owner"}})
    prospect.save()
    if what_i_know.strip():
        _log(prospect, by, what_i_know.strip())
    return prospect


@transaction.atomic
def prospect_update(*, prospect: Prospect, by: User, data: dict[str, Any]) -> Prospect:
    """The team corrects a prospect's details, source, owner or next action."""
    _require_team(by)
    prospect = _lock(prospect)
    _set(prospect, data)
    prospect.save()
    return prospect


@transaction.atomic
def prospect_stage_change(
    *, prospect: Prospect, by: User, stage: str, reason: str = ""
) -> Prospect:
    """Move a prospect along the pipeline (or back); declining needs the reason. Registered
    is reached only by linking the organisation that registered."""
    _require_team(by)
    prospect = _lock(prospect)
    if prospect.stage == Stage.REGISTERED:
        raise TransitionRefused(
            _("This prospect has registered as an organisation: its stage no longer changes.")
        )
    if stage == Stage.REGISTERED or stage not in Stage.values:
        raise TransitionRefused(
            _("A prospect becomes registered when you link the organisation it registered."),
            field="stage",
        )
    if stage == prospect.stage:
        raise TransitionRefused(_("The prospect is already at this stage."), field="stage")
    reason = reason.strip()
    if stage == Stage.DECLINED and not reason:
        raise DomainError(_("Say why they declined."), field="reason")
    previous = prospect.get_stage_display()
    prospect.stage = stage
    prospect.decline_reason = reason if stage == Stage.DECLINED else ""
    prospect.save(update_fields=["stage", "decline_reason", "updated_at"])
    summary = _("Stage: %(old)s → %(new)s.") % {
        "old": previous,
        "new": prospect.get_stage_display(),
    }
    _log(prospect, by, f"{summary} {reason}".strip())
    return prospect


@transaction.atomic
def contact_add(
    *, prospect: Prospect, by: User, on: dt.date, kind: str, summary: str,
    next_action: str = "", next_action_on: dt.date | None = None,
) -> ContactLog:  # fmt: skip
    """Record a call, mail or meeting, and what is to be done next (and by when)."""
    _require_team(by)
    prospect = _lock(prospect)
    if on > timezone.localdate():
        raise DomainError(_("A contact cannot be dated in the future."), field="on")
    if kind not in ContactLog.Kind.values:
        raise DomainError(_("Choose the kind of contact."), field="kind")
    if not summary.strip():
        raise DomainError(_("Say what was said."), field="summary")
    if next_action_on and not next_action.strip():
        raise DomainError(_("Say what the next action is."), field="next_action")
    entry = ContactLog.objects.create(
        prospect=prospect, on=on, kind=kind, summary=summary.strip(), by=by
    )
    prospect.next_action, prospect.next_action_on = next_action.strip()[:300], next_action_on
    prospect.save(update_fields=["next_action", "next_action_on", "updated_at"])
    return entry


@transaction.atomic
def prospect_register(*, prospect: Prospect, by: User, organisation: Organisation) -> Prospect:
    """The prospect registered: link its organisation; the log and history stay with it,
    and the organisation's page shows where it came from."""
    _require_team(by)
    prospect = _lock(prospect)
    if prospect.organisation_id is not None:
        raise TransitionRefused(_("This prospect is already linked to an organisation."))
    if Prospect.objects.filter(organisation=organisation).exists():
        raise DomainError(
            _("This organisation is already linked to another prospect."), field="organisation"
        )
    previous = prospect.get_stage_display()
    prospect.organisation, prospect.stage = organisation, Stage.REGISTERED
    prospect.next_action, prospect.next_action_on = "", None
    prospect.save()
    moved = {"old": previous, "new": prospect.get_stage_display(), "name": organisation.name}
    _log(prospect, by, _("Stage: %(old)s → %(new)s, as the organisation %(name)s.") % moved)
    return prospect


def _due(today: dt.date) -> QuerySet[Prospect]:
    """Live prospects whose action is due, not yet reminded of that due date."""
    return (
        Prospect.objects.filter(stage__in=LIVE, next_action_on__lte=today)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("next_action_on")))
        .order_by("next_action_on", "pk")
    )


@transaction.atomic
def _remind(prospect_id: int, today: dt.date, coordinators: list[User]) -> int:
    """One reminder for one prospect's due action, and the due date remembered in the same
    transaction: run twice, it tells nobody twice; a new due date gets a new reminder."""
    prospect = (
        Prospect.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(pk=prospect_id, stage__in=LIVE, next_action_on__lte=today)
        .first()
    )
    if prospect is None or prospect.reminded_for == prospect.next_action_on:
        return 0
    owner = prospect.owner if prospect.owner and prospect.owner.is_active else None
    people = [owner] if owner else coordinators
    context = {
        "prospect": prospect.name, "next_action": prospect.next_action,
        "due": prospect.next_action_on, "overdue": prospect.next_action_on < today,
    }  # fmt: skip
    for user in people:
        notify(user, "prospects/mail/action_due", context, url=prospect_path(prospect))
    prospect.reminded_for = prospect.next_action_on
    prospect.save(update_fields=["reminded_for"])
    return len(people)


def prospect_reminders_send(*, today: dt.date | None = None) -> int:
    """Tell each prospect's owner (every coordinator when nobody owns it) of its action due
    today or overdue, once per due date. Returns how many notices were sent."""
    today = today or timezone.localdate()
    coordinators = list(User.objects.with_role(Role.COORDINATOR).order_by("pk"))
    ids = list(_due(today).values_list("pk", flat=True))
    return sum(_remind(pk, today, coordinators) for pk in ids)
