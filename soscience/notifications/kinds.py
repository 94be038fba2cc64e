"""Which kind of event each notification's mail template belongs to: what a person's
preferences are about. A template with no kind is a programming error, caught by tests."""

from __future__ import annotations

from soscience.notifications.models import Kind

PREFIXES: tuple[tuple[str, Kind], ...] = (
    ("execution/mail/update_", Kind.NEWS),
    ("execution/mail/deliverable_", Kind.NEWS),
    ("execution/mail/equipment_", Kind.EQUIPMENT),
    ("execution/mail/loan_", Kind.EQUIPMENT),
    ("execution/mail/hours_", Kind.EQUIPMENT),
    ("execution/mail/stall_", Kind.ALERTS),
    ("applications/mail/", Kind.APPLICATIONS),
    ("matching/mail/", Kind.MISSIONS),
    ("volunteers/mail/", Kind.ROLES),
    ("closing/mail/", Kind.CLOSING),
    ("certificates/mail/", Kind.CLOSING),
    ("cases/mail/", Kind.CLOSING),
    ("events/mail/", Kind.NETWORK),
    ("groups/mail/", Kind.NETWORK),
    ("network/mail/", Kind.NETWORK),
    ("prospects/mail/", Kind.NETWORK),
)


def kind_of(template: str) -> Kind:
    for prefix, kind in PREFIXES:
        if template.startswith(prefix):
            return kind
    raise ValueError(f"No kind of notification for the template {template!r}")
