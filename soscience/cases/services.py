"""Writes of the solutions library: a case made from a closed mission, edited, published and
withdrawn; and a new mission order started from a past one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.cases.models import Case
from soscience.closing.models import OrganisationSurvey
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError, TransitionRefused
from soscience.core.models import PlatformSettings
from soscience.execution.models import ProgressUpdate
from soscience.execution.models_deliverables import Deliverable
from soscience.missions.models import Mission
from soscience.missions.services import mission_create_from_need
from soscience.needs.models import Need

SLUG_LENGTH = 100
# Paths under /cases/ that are pages of their own, so no case may take them as its slug.
RESERVED_SLUGS = frozenset({"manage", "from-mission"})
# A new order from a past one starts this many days from today; the coordinator adjusts.
NEW_ORDER_LEAD_DAYS = 21
# What a new order copies from the past mission: what the team learnt about the work. The
# problem, context, title and place come from the new need (the organisation's own words);
# confidentiality is the new organisation's choice; the supervisor is staffed afresh.
# Every other order field is set in _order_data (the missions' service reads them all).
COPIED_ORDER_FIELDS = (
    "objectives", "deliverables", "out_of_scope", "team_size", "hours_per_week", "work_mode",
    "languages", "equipment_budget", "results_licence",
)  # fmt: skip


def _require_coordinator(user: User) -> None:
    if not is_coordinator(user):
        raise DomainError(_("Only the coordination team manages the solutions library."))


def _check_consent(mission: Mission) -> None:
    """A case needs a closed mission whose organisation agreed (closing survey)."""
    if mission.status != Mission.Status.CLOSED:
        raise TransitionRefused(_("Only a closed mission can become a case."))
    survey = OrganisationSurvey.objects.filter(mission=mission).first()
    if survey is None:
        raise TransitionRefused(
            _("The organisation has not answered its closing survey yet: without its consent "
              "the mission cannot become a public case.")
        )  # fmt: skip
    if not survey.case_consent:
        raise TransitionRefused(
            _("The organisation did not agree, in its closing survey, that the mission becomes "
              "a public case.")
        )  # fmt: skip


def _unique_slug(title: str) -> str:
    base = slugify(title)[:SLUG_LENGTH].strip("-") or "case"
    if base in RESERVED_SLUGS:
        base = f"{base}-case"
    slug, n = base, 2
    while Case.objects.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = f"{base[: SLUG_LENGTH - len(suffix)]}{suffix}"
        n += 1
    return slug


def _results_draft(survey: OrganisationSurvey) -> str:
    """The organisation's own words on the outcome, with the figures it gave."""
    lines = [survey.local_impact.strip()]
    lines.append(
        _("Solution applied: %(applied)s. People who benefit (the organisation's estimate): "
          "%(n)d.") % {"applied": survey.get_applied_display(), "n": survey.beneficiaries}
    )  # fmt: skip
    return "\n\n".join(line for line in lines if line)


def _solution_draft(mission: Mission) -> str:
    """What the team set out to do, then its last news shared with the organisation (never
    an internal one): usually the closest thing to a summary of what was done."""
    parts = [mission.objectives.strip()]
    last = mission.updates.filter(visibility=ProgressUpdate.Visibility.SHARED).first()
    if last is not None:
        parts.append(last.body.strip())
    return "\n\n".join(part for part in parts if part)


@transaction.atomic
def case_create_from_mission(*, mission: Mission, by: User) -> Case:
    """A draft case from a closed mission whose organisation consented, pre-filled from the
    mission order (problem), the team's objectives and last shared news (solution) and the
    organisation's closing survey (results). Nothing is public until it is published."""
    _require_coordinator(by)
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if Case.objects.filter(mission=mission).exists():
        raise TransitionRefused(_("This mission already has a case."))
    _check_consent(mission)
    survey = OrganisationSurvey.objects.get(mission=mission)
    return Case.objects.create(
        mission=mission, slug=_unique_slug(mission.title), title=mission.title,
        problem=mission.problem, solution=_solution_draft(mission),
        results=_results_draft(survey), created_by=by,
    )  # fmt: skip


def _check_files(case: Case, files: Iterable[Deliverable]) -> list[Deliverable]:
    files = list(files)
    if any(f.mission_id != case.mission_id for f in files):
        raise DomainError(_("Offer only the deliverables of this mission."), field="files")
    if files and case.mission.results_licence == Mission.ResultsLicence.ORGANISATION:
        raise DomainError(
            _("The mission order leaves the results to the organisation: SoScience may describe "
              "them but not hand out its files. Offer no file for download."),
            field="files",
        )  # fmt: skip
    return files


@transaction.atomic
def case_update(
    *, case: Case, by: User, title: str, problem: str, solution: str, results: str,
    files: Iterable[Deliverable],
) -> Case:  # fmt: skip
    """Edit the texts and choose the deliverables offered. The slug (the public address)
    stays as it was, so links to a published case keep working."""
    _require_coordinator(by)
    case = Case.objects.select_for_update(of=("self",)).select_related("mission").get(pk=case.pk)
    texts = {"title": title, "problem": problem, "solution": solution, "results": results}
    for field, value in texts.items():
        if not value.strip():
            raise DomainError(_("This text cannot be empty."), field=field)
    chosen = _check_files(case, files)
    for field, value in texts.items():
        setattr(case, field, value.strip())
    case.save(update_fields=list(texts))
    case.files.set(chosen)
    return case


@transaction.atomic
def case_publish(*, case: Case, by: User) -> Case:
    """Make a draft or withdrawn case public (the consent is checked again: it may have
    changed since the draft was made)."""
    _require_coordinator(by)
    case = Case.objects.select_for_update(of=("self",)).select_related("mission").get(pk=case.pk)
    if case.status == Case.Status.PUBLISHED:
        raise TransitionRefused(_("This case is already published."))
    _check_consent(case.mission)
    _check_files(case, case.files.all())
    case.status = Case.Status.PUBLISHED
    case.published_at = timezone.now()
    case.save(update_fields=["status", "published_at"])
    return case


@transaction.atomic
def case_withdraw(*, case: Case, by: User) -> Case:
    """Take a published case out of the library; its page and files disappear at once."""
    _require_coordinator(by)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.PUBLISHED:
        raise TransitionRefused(_("Only a published case can be withdrawn."))
    case.status = Case.Status.WITHDRAWN
    case.save(update_fields=["status"])
    return case


def _new_dates(past: Mission) -> tuple[dt.date, dt.date]:
    """New dates: three weeks from today, as long as the past mission (within today's limit)."""
    start = timezone.localdate() + dt.timedelta(days=NEW_ORDER_LEAD_DAYS)
    limit = dt.timedelta(weeks=PlatformSettings.load().max_mission_weeks)
    return start, start + min(past.end_date - past.start_date, limit)


def _order_data(past: Mission, need: Need) -> dict[str, Any]:
    start, end = _new_dates(past)
    data: dict[str, Any] = {field: getattr(past, field) for field in COPIED_ORDER_FIELDS}
    data.update(
        title=need.title, context=need.context, problem=need.problem,
        country=need.country.code, city=need.city, start_date=start, end_date=end,
        confidentiality=Mission._meta.get_field("confidentiality").default,
        languages=list(past.languages),
    )  # fmt: skip
    return data


@transaction.atomic
def order_from_past_mission(*, past: Mission, need: Need, by: User) -> Mission:
    """A draft mission order for ``need`` (which must be in scoping) that copies what the
    team learnt from the closed mission ``past``: objectives, deliverables, skills and their
    level, team size, hours, budget, licence. Made through the missions' own service, so the
    order follows every rule of a new order; the coordinator edits it afterwards."""
    _require_coordinator(by)
    if past.status != Mission.Status.CLOSED:
        raise TransitionRefused(_("Only a closed mission can be the model of a new order."))
    if need.status != Need.Status.SCOPING:
        raise TransitionRefused(
            _("This need is “%(status)s”: only a need taken into scoping can get a mission "
              "order.") % {"status": need.get_status_display()},
            field="need",
        )  # fmt: skip
    domains = {*need.domains.all(), *past.domains.all()}
    skills = [(s.skill, s.level) for s in past.skill_needs.select_related("skill")]
    return mission_create_from_need(
        need=need, by=by, data=_order_data(past, need), domains=domains, skills=skills,
        supervisor=None,
        # The timeline says where the order came from.
        origin=_("Started from the past mission “%(title)s” (no. %(pk)d).")
        % {"title": past.title, "pk": past.pk},
    )  # fmt: skip
