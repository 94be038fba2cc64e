"""Every model the impact figures read bumps their version when it changes (the map below).

Saves and deletes send signals, including ``QuerySet.delete()`` and cascades (Django sends
``post_delete`` per row when a receiver listens). ``QuerySet.update()``, ``bulk_create`` and
raw SQL send none: the services doing those on these tables call
:func:`soscience.impact.freshness.figures_changed` themselves (``hours_validate``).

A validated hours entry saved or deleted also computes its mission's sums again
(:mod:`soscience.impact.rollup`), in the same transaction.

A save naming its ``update_fields`` bumps only if one of them is read by the figures (or
by the dashboard's filter choices), so frequent saves of other fields (a mission's end date,
a pending hours entry corrected) keep the cache.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from soscience.impact import rollup
from soscience.impact.freshness import figures_changed

# Model -> the fields the figures read (None: all of them). Both names of a foreign key are
# listed because update_fields may name either.
MISSION_FIELDS = frozenset(
    ("status", "published_at", "closed_at", "cancelled_at", "country", "title",
     "organisation", "organisation_id", "need", "need_id")
)  # fmt: skip
READ_FIELDS: dict[str, frozenset[str] | None] = {
    "missions.Mission": MISSION_FIELDS,
    "needs.Need": frozenset({"submitted_at"}),  # lead times: from submission to publication
    "organisations.Organisation": frozenset({"name"}),  # value per organisation, testimonials
    "volunteers.VolunteerProfile": frozenset({"campus", "campus_id", "user", "user_id"}),
    "volunteers.Campus": None,  # names and slugs: figures per campus and the filter
    "core.Domain": None,  # names in both languages, slugs, order
    "core.PlatformSettings": frozenset({"hourly_rate"}),
    "applications.TeamMember": None,  # volunteers engaged, first selection
    "closing.OrganisationSurvey": None,  # satisfaction, beneficiaries, testimonials
    "execution.HoursEntry": None,  # but see _hours_matter: pending hours count nowhere
}
M2M = ("domains", "campuses")  # Mission's many-to-many fields the figures filter and count by


def _hours_matter(instance: Model, created: bool, update_fields: frozenset[str] | None) -> bool:
    """Only validated hours count: a new pending entry, or a pending one corrected, changes
    no figure. A save that may have withdrawn a validation (validated_at now empty, all
    fields saved or validated_at among them) does."""
    if instance.validated_at is not None:  # type: ignore[attr-defined]
        return True
    if created:
        return False
    return update_fields is None or "validated_at" in update_fields


def _saved(sender: type[Model], instance: Model, created: bool = False,
           update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:  # fmt: skip
    if sender._meta.label == "execution.HoursEntry":
        if _hours_matter(instance, created, update_fields):
            rollup.refresh([instance.mission_id])  # type: ignore[attr-defined]
            figures_changed(kwargs.get("using") or "default")
        return
    read = READ_FIELDS[sender._meta.label]
    if created or update_fields is None or read is None or read & set(update_fields):
        figures_changed(kwargs.get("using") or "default")


def _deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if sender._meta.label == "execution.HoursEntry":
        if instance.validated_at is None:  # type: ignore[attr-defined]
            return  # a pending entry deleted: it counted nowhere
        rollup.refresh([instance.mission_id])  # type: ignore[attr-defined]
    figures_changed(kwargs.get("using") or "default")


def _links_changed(action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        figures_changed(kwargs.get("using") or "default")


def connect() -> None:
    """Called once, from the app's ready()."""
    for label in READ_FIELDS:
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"impact-saved-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"impact-deleted-{label}")
    mission = apps.get_model("missions.Mission")
    for name in M2M:
        through = getattr(mission, name).through
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"impact-m2m-{name}")
