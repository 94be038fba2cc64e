"""Reads for the prospecting pages, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from soscience.accounts.models import User
from soscience.organisations.models import Organisation
from soscience.prospects.models import ContactLog, Prospect

PAGE_SIZE = 100
STAGE_ORDER = [s.value for s in Prospect.Stage]
LIVE = (Prospect.Stage.IDENTIFIED, Prospect.Stage.CONTACTED, Prospect.Stage.INTERESTED)


def _stage_rank() -> Case:
    return Case(
        *(When(stage=s, then=Value(i)) for i, s in enumerate(STAGE_ORDER)),
        output_field=IntegerField(),
    )


def pipeline(
    today: dt.date, *, stage: str = "", source: str = "", due_only: bool = False
) -> QuerySet[Prospect]:
    """Prospects by stage (in the pipeline's order), the earliest action first; ``is_due``
    marks an action due today or overdue on a live prospect."""
    due = Q(stage__in=LIVE, next_action_on__lte=today)
    prospects = Prospect.objects.select_related("owner", "organisation").annotate(
        stage_rank=_stage_rank(),
        is_due=Case(When(due, then=Value(True)), default=Value(False)),
    )
    if stage:
        prospects = prospects.filter(stage=stage)
    if source:
        prospects = prospects.filter(source=source)
    if due_only:
        prospects = prospects.filter(due)
    return prospects.order_by("stage_rank", "next_action_on", "name", "pk")


def stage_counts() -> list[tuple[str, int]]:
    """Each stage's label and how many prospects are at it: one query."""
    rows = dict(Prospect.objects.values_list("stage").annotate(n=Count("pk")).order_by())
    return [(str(stage.label), rows.get(stage.value, 0)) for stage in Prospect.Stage]


def contacts_of(prospect: Prospect) -> QuerySet[ContactLog]:
    return prospect.contacts.select_related("by")


def suggested_by(user: User) -> QuerySet[Prospect]:
    """The prospects an ambassador suggested, newest first: their name and stage."""
    return Prospect.objects.filter(ambassador=user).order_by("-created_at", "-pk")


def origin_of(organisation: Organisation) -> Prospect | None:
    """The prospect an organisation came from, with its contact log (two queries)."""
    prospect = (
        Prospect.objects.select_related("ambassador", "event")
        .filter(organisation=organisation)
        .first()
    )
    if prospect is not None:
        prospect.log = list(contacts_of(prospect))  # type: ignore[attr-defined]
    return prospect
