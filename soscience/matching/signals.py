"""What the missions index (``missions_index``) reads, watched: a published mission saved,
deleted, given other skills, domains or campuses, a mission leaving or joining the
catalogue, a skill or domain renamed. Each marks the index dirty once committed.

``QuerySet.update()`` and ``bulk_create`` send no signal: a change made that way reaches
the index at its next refresh, and the page never shows a mission no longer offered
meanwhile (it checks the missions it shows live).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from soscience.matching.missions_index import missions_changed

OPEN = "open"  # Mission.Status.OPEN (the model is not imported before the apps are ready)
# Saves of another mission naming only these fields cannot change the catalogue.
NOT_STATUS = frozenset({"status", "published_at"})


def _mission_saved(
    sender: type[Model], instance: Model, update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:  # fmt: skip
    """A published mission changed, or a mission may have joined or left the catalogue."""
    opened = getattr(instance, "status", None) == OPEN
    if opened or update_fields is None or NOT_STATUS & set(update_fields):
        missions_changed()


def _changed(**kwargs: Any) -> None:
    missions_changed()


def _links_changed(action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        missions_changed()


def connect() -> None:
    """Called once, from the app's ready()."""
    mission = apps.get_model("missions.Mission")
    post_save.connect(_mission_saved, sender=mission, dispatch_uid="matching-mission-saved")
    post_delete.connect(_changed, sender=mission, dispatch_uid="matching-mission-deleted")
    for label in ("missions.MissionSkill", "volunteers.Skill", "core.Domain"):
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"matching-saved-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"matching-deleted-{label}")
    for name in ("domains", "campuses"):
        through = getattr(mission, name).through
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"matching-m2m-{name}")
