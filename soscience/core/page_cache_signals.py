"""What each cached visitor page shows, and the model signals that make it stale (the map).

    group       pages                                   changed by
    catalogue   catalogue (page and results), home,     a mission (but see below), its skills,
                a mission's page, the cases list        domains and campuses; organisations;
                                                        skills, campuses, domains (both names)
    teams       a mission's page (its public team)      team members; a person's name
    events      the events list                         events, registrations (places left),
                                                        campuses
    cases       the cases list                          cases; closing surveys (consent)

Saves and deletes send signals, ``QuerySet.delete()`` and cascades included (Django sends
``post_delete`` per row when a receiver listens). ``QuerySet.update()``, ``bulk_create`` and
raw SQL send none: a service doing those on these tables calls
:func:`soscience.core.page_cache.pages_changed` itself. (Today none needs to: the mission's
skills, written with ``bulk_create``, are always saved with the mission, and a skill merge's
updates go with the source skill's deletion, in the same transaction.)

A save naming its ``update_fields`` bumps only if one of them may be shown: a mission's
kick-off, delivery or end-date saves, and a person's last login, keep the pages.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from soscience.core.page_cache import pages_changed


@dataclass(frozen=True)
class Watch:
    groups: tuple[str, ...]
    # Only these fields are shown (None: any may be)...
    shown: frozenset[str] | None = None
    # ...and these never are. Both names of a foreign key are listed: update_fields may
    # name either.
    hidden: frozenset[str] = frozenset()

    def matters(self, update_fields: Collection[str] | None) -> bool:
        if update_fields is None:
            return True
        fields = set(update_fields) - self.hidden
        if self.shown is not None:
            fields &= self.shown
        return bool(fields)


# A mission's fields no visitor page shows (the working dates, the budget, the people).
MISSION_HIDDEN = frozenset(
    ("updated_at", "created_at", "created_by", "created_by_id", "need", "need_id",
     "supervisor", "supervisor_id", "equipment_budget", "kicked_off_on", "delivered_at",
     "accepted_at", "closed_at", "cancelled_at", "cancel_reason")
)  # fmt: skip
CATALOGUE = ("catalogue",)
WATCHED: dict[str, Watch] = {
    "missions.Mission": Watch(CATALOGUE, hidden=MISSION_HIDDEN),
    "missions.MissionSkill": Watch(CATALOGUE),
    "organisations.Organisation": Watch(CATALOGUE),  # name, country, website, status (home)
    "volunteers.Skill": Watch(CATALOGUE),  # names in both languages, slugs
    "core.Domain": Watch(CATALOGUE),
    "volunteers.Campus": Watch(("catalogue", "events")),  # filter, offered to, where
    "applications.TeamMember": Watch(("teams",)),
    # get_short_name: the first word of the name, a placeholder once erased, else the email.
    "accounts.User": Watch(("teams",), shown=frozenset({"full_name", "anonymised_at", "email"})),
    "events.Event": Watch(("events",)),
    # Places left: confirmed and waiting registrations are counted.
    "events.Registration": Watch(("events",), shown=frozenset({"status", "event", "event_id"})),
    "cases.Case": Watch(("cases",)),
    "closing.OrganisationSurvey": Watch(("cases",)),  # the consent to a public case
}
M2M = ("domains", "campuses")  # Mission's many-to-many fields shown and filtered by


def _using(kwargs: dict[str, Any]) -> str:
    return kwargs.get("using") or "default"


def _saved(sender: type[Model], instance: Model, created: bool = False,
           update_fields: Collection[str] | None = None, **kwargs: Any) -> None:  # fmt: skip
    watch = WATCHED[sender._meta.label]
    if created or watch.matters(update_fields):
        pages_changed(*watch.groups, using=_using(kwargs))


def _deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    pages_changed(*WATCHED[sender._meta.label].groups, using=_using(kwargs))


def _links_changed(action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        pages_changed(*CATALOGUE, using=_using(kwargs))


def connect() -> None:
    """Called once, from the core app's ready()."""
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"page-cache-saved-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"page-cache-deleted-{label}")
    mission = apps.get_model("missions.Mission")
    for name in M2M:
        through = getattr(mission, name).through
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"page-cache-m2m-{name}")
