"""Writes of the campus network: share links, and the referrals they bring.

Attribution is first-party only: following a short link stores its code in the visitor's
session (a value on our own server, no cookie of its own, no personal data) and records a
visit; a sign-up, an application or an event registration later in the same session is
recorded against that link, once per person and kind.
"""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError
from soscience.missions.models import Mission
from soscience.network.access import share_campuses
from soscience.network.models import Referral, ShareLink
from soscience.volunteers.models import Campus

SESSION_KEY = "share_code"
# No 0/o, 1/l/i: a code printed on a poster may be typed by hand. 31^8 ≈ 8.5e11 codes.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 8
LABEL_MAX = 120


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def share_link_create(
    *, mission: Mission, by: User, channel: str, label: str = "", campus: Campus | None = None
) -> ShareLink:
    """A new short link to ``mission`` for one channel. An ambassador's link belongs to one
    of their campuses the mission is offered to (required); a coordinator's may name any
    campus or none."""
    if channel not in ShareLink.Channel.values:
        raise DomainError(_("Choose the channel where you will share the link."), field="channel")
    label = label.strip()
    if len(label) > LABEL_MAX:
        raise DomainError(_("At most %(max)d characters.") % {"max": LABEL_MAX}, field="label")
    allowed = share_campuses(by, mission)
    ambassador = campus is not None and allowed.filter(pk=campus.pk).exists()
    if not is_coordinator(by):
        if campus is None:
            raise DomainError(_("Choose the campus you share the mission on."), field="campus")
        if not ambassador:
            raise DomainError(
                _("You are not an ambassador of a campus this mission is offered to."),
                field="campus",
            )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ShareLink.objects.create(
                    code=new_code(), mission=mission, campus=campus, channel=channel,
                    label=label, created_by=by, ambassador=by if ambassador else None,
                )  # fmt: skip
        except IntegrityError:  # a code already taken: draw another
            continue
    raise DomainError(_("No free code was found; please try again."))


@transaction.atomic
def link_visit(*, link: ShareLink, session: MutableMapping[str, Any]) -> bool:
    """Someone followed ``link``: remember its code in their session and count the visit,
    once per session (a reload or a second scan is not a second visitor). Returns whether
    a visit was recorded."""
    if session.get(SESSION_KEY) == link.code:
        return False
    session[SESSION_KEY] = link.code
    Referral.objects.create(link=link, kind=Referral.Kind.VISIT)
    return True


def _session_of(request_or_session: Any) -> MutableMapping[str, Any] | None:
    return getattr(request_or_session, "session", request_or_session)


@transaction.atomic
def referral_record(
    request_or_session: Any,
    kind: str,
    user: User | None,
    *,
    mission: Mission | None = None,
) -> Referral | None:
    """Record that the share link of this session brought ``kind`` (sign-up, application,
    event registration) by ``user``; called by the views where the action succeeded.

    Nothing is recorded without a link in the session, for an application to another
    mission than the link's, or a second time for the same person, kind and link. A
    visitor's event registration (``user`` None) is recorded each time.
    """
    session = _session_of(request_or_session)
    code = session.get(SESSION_KEY) if session is not None else None
    if not code or kind not in Referral.Kind.values or kind == Referral.Kind.VISIT:
        return None
    # The row lock makes "once per person" hold when the same person submits twice at once.
    link = ShareLink.objects.select_for_update().filter(code=code).first()
    if link is None:
        return None
    if kind == Referral.Kind.APPLICATION and (mission is None or link.mission_id != mission.pk):
        return None
    user = user if getattr(user, "pk", None) is not None else None
    if user is not None and Referral.objects.filter(link=link, kind=kind, user=user).exists():
        return None
    return Referral.objects.create(link=link, kind=kind, user=user)
