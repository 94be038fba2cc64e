"""Follow-up surveys months after a mission closed: the signed link the organisation answers
through without logging in, the answer (which can become a new need in one click), and the
coordinators' list. The daily job that schedules, sends and reminds is in ``tasks.py``."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.closing.models import FollowUp
from soscience.core.errors import DomainError, TransitionRefused
from soscience.needs.models import Need
from soscience.needs.services import need_submit
from soscience.organisations.models import Membership

# The salt keeps these tokens from being valid anywhere else the secret key signs things.
TOKEN_SALT = "soscience.closing.followup"  # noqa: S105  # nosec B105  # a namespace, not a secret
# Long enough to answer after holidays and the reminder; each mail carries a fresh token.
TOKEN_MAX_AGE = dt.timedelta(days=90)
# A need's problem is limited to this length (needs.models.Need.problem).
NEED_PROBLEM_MAX = 6000


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the end of a shorter month (31 Aug + 6 ->
    28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def followup_token(followup: FollowUp) -> str:
    """A signed, timestamped token naming the follow-up: the secret of the survey link."""
    return signing.dumps({"f": followup.pk}, salt=TOKEN_SALT, compress=False)


def followup_path(followup: FollowUp) -> str:
    """The survey link (a path: mails prefix the site's address)."""
    return reverse("followup:answer", kwargs={"token": followup_token(followup)})


@dataclass(frozen=True)
class TokenCheck:
    """What a survey link leads to: a follow-up to answer, or why not (``problem`` is one of
    "invalid", "expired", "answered")."""

    followup: FollowUp | None
    problem: str = ""


def followup_for_token(token: str) -> TokenCheck:
    """The follow-up a survey link names, for anyone holding the link (the token is the
    secret). Tampered or unknown -> "invalid"; older than TOKEN_MAX_AGE -> "expired"; already
    answered -> "answered" (with the follow-up, to say when)."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return TokenCheck(None, "expired")
    except signing.BadSignature:
        return TokenCheck(None, "invalid")
    pk = payload.get("f") if isinstance(payload, dict) else None
    followup = (
        FollowUp.objects.select_related("mission__organisation").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if followup is None or followup.sent_at is None:
        return TokenCheck(None, "invalid")
    if followup.answered_at is not None:
        return TokenCheck(followup, "answered")
    return TokenCheck(followup)


ANSWER_FIELDS = ("still_in_use", "what_changed", "beneficiaries_now", "further_needs")


@transaction.atomic
def followup_answer(
    *, followup: FollowUp, data: dict[str, Any], create_need: bool, by: object = None
) -> FollowUp:
    """Record the organisation's answer with its date; with ``create_need``, its further
    needs become a need of the organisation, submitted as if by its representative (or by
    ``by`` when that is a signed-in member), in the same transaction.

    Anyone holding the link may answer (no login): the caller checked the token. A
    follow-up is answered once; a second answer is refused and changes nothing.
    """
    followup = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("mission__organisation")
        .get(pk=followup.pk)
    )
    if followup.answered_at is not None:
        raise TransitionRefused(_("This follow-up survey has already been answered."))
    for field in ANSWER_FIELDS:
        setattr(followup, field, data[field])
    followup.answered_at = timezone.now()
    if create_need:
        followup.new_need = _need_from_further_needs(followup, by)
    followup.save()
    return followup


def _need_from_further_needs(followup: FollowUp, by: object) -> Need:
    text = followup.further_needs.strip()
    if not text:
        raise DomainError(
            _("Describe your further needs to turn them into a new need."), field="further_needs"
        )
    if len(text) > NEED_PROBLEM_MAX:
        raise DomainError(
            _("A need is described in at most %(n)d characters: shorten it, or leave the "
              "box unticked and describe the rest to the team later.") % {"n": NEED_PROBLEM_MAX},
            field="further_needs",
        )  # fmt: skip
    mission = followup.mission
    title = _("Further needs after “%(mission)s”") % {"mission": mission.title}
    context = _("From the follow-up survey %(months)d months after the mission “%(mission)s”.")
    data = {
        "title": title[:200],
        "problem": text,
        "context": context % {"months": followup.months, "mission": mission.title},
        "already_tried": "",
        "desired_outcome": "",
        "country": mission.country,
        "city": mission.city,
        "deadline": None,
    }
    # need_submit tells the coordinators, as for any new need.
    return need_submit(
        organisation=mission.organisation,
        by=_submitter(followup, by),
        data=data,
        domains=mission.domains.all(),
    )


def _submitter(followup: FollowUp, by: object) -> User:
    """Who submits the need: the signed-in member answering, else the organisation's
    representative, else its longest-standing member."""
    members = Membership.objects.filter(
        organisation_id=followup.mission.organisation_id, user__is_active=True
    ).select_related("user")
    if isinstance(by, User) and members.filter(user=by).exists():
        return by
    membership = members.order_by("-is_representative", "created_at", "pk").first()
    if membership is None:
        raise DomainError(
            _("The organisation has no member to submit a need in its name: ask the "
              "coordination team."),
            field="create_need",
        )  # fmt: skip
    return membership.user


def followups_for_coordinators() -> QuerySet[FollowUp]:
    """Every follow-up, latest due first, with what the list shows. Callers check the reader
    is a coordinator."""
    return FollowUp.objects.select_related("mission__organisation", "new_need").order_by(
        "-due_on", "-pk"
    )
