"""Small predicates shared by every app's access module."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from soscience.accounts.roles import Role


def is_coordinator(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and Role.COORDINATOR in user.roles)  # type: ignore[attr-defined]


def require_coordinator(user: object) -> None:
    """Raise PermissionDenied unless ``user`` is a coordinator."""
    if not is_coordinator(user):
        raise PermissionDenied(_("Only the coordination team can do this."))


def asked_once(user: object, about: object, question: str, ask: Callable[[], bool]) -> bool:
    """``ask()`` for an authenticated ``user``, answered once per copy of ``about``.

    A page asks "is the reader on this team / in this organisation?" from each of its parts
    (actions, timeline, panels): the answer is kept on the object, which lives for one request
    (a copy fetched afresh, as services do under a lock, asks again).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    answers: dict[tuple[str, int], bool] = about.__dict__.setdefault("_asked_once", {})
    key = (question, user.pk)  # type: ignore[attr-defined]
    if key not in answers:
        answers[key] = ask()
    return answers[key]
