"""Background work for matching: keeping the volunteers' index up to date, and telling
volunteers about the published missions that fit them, as they asked in their profile
(``VolunteerProfile.notify``): at once ("each"), in a weekly digest ("weekly"), or never.

A volunteer is told about a mission when the engine finds them a strong or good fit,
they gave their consent to matching, the mission is offered to their campus (or to every
campus), they have not applied (nor been invited), and they were never told about it
before: ``MissionAlert`` records each mission told, so a second run, a re-publication or
a change of preference never tells anyone twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from soscience.accounts.models import User
from soscience.applications.models import Application
from soscience.matching import engine
from soscience.matching.adapters import matchable, mission_to_need
from soscience.matching.engine.ranking import scores
from soscience.matching.explained import FIT_LABELS
from soscience.matching.missions_index import missions_index_refresh
from soscience.matching.models import MissionAlert
from soscience.matching.services import index_current, index_rebuild
from soscience.missions.models import Mission, MissionSkill
from soscience.notifications.services import notify
from soscience.volunteers.models import VolunteerProfile

MAIL = "matching/mail/"
TOLD_FITS = ("strong", "good")
DIGEST_DAYS = 7
DIGEST_MAX = 10  # missions in one digest, best fits first
BATCH = 200  # people told per transaction
CHUNK = 2000  # ids per IN (...) clause


@task()
def matching_index_rebuild() -> dict[str, object]:
    """Rebuild the index if profiles changed since the last build (a no-op otherwise, so
    the tasks queued by a burst of saves cost one rebuild)."""
    built = index_rebuild()
    return {
        "version": built.version,
        "volunteers": built.volunteers,
        "seconds": round(built.seconds, 3),
        "skipped": built.skipped,
    }


@task()
def matching_missions_refresh() -> dict[str, object]:
    """Bring the index of published missions up to date if missions changed since the
    last build (a no-op otherwise: a burst of changes costs one refresh)."""
    done = missions_index_refresh()
    return {
        "version": done.version,
        "missions": done.missions,
        "seconds": round(done.seconds, 3),
        "skipped": done.skipped,
        "written": done.written,
    }


@task()
def tell_matching_volunteers(mission_id: int) -> int:
    """Tell the volunteers who chose "each new mission that matches my profile" about this
    just published mission. Returns the number of people told."""
    missions = _open_missions(Q(pk=mission_id))
    index = _fresh_index() if missions else None
    if index is None:
        return 0
    letters = _audience(missions, index, VolunteerProfile.Notify.EACH)
    return _deliver(letters, _alert)


@task()
def send_weekly_digests() -> int:
    """Send each volunteer who chose the weekly digest the missions published in the last
    seven days that fit them (at most ten, best first), in one notification. Returns the
    number of people told (those with no new mission get nothing)."""
    since = timezone.now() - dt.timedelta(days=DIGEST_DAYS)
    missions = _open_missions(Q(published_at__gte=since))
    index = _fresh_index() if missions else None
    if index is None:
        return 0
    letters = _audience(missions, index, VolunteerProfile.Notify.WEEKLY)
    for items in letters.values():
        items.sort(key=lambda i: (-i.score, -i.mission.published_at.timestamp(), i.mission.pk))
        del items[DIGEST_MAX:]
    return _deliver(letters, _digest)


# Who is told about what.


@dataclass(frozen=True)
class Item:
    """One mission to tell one volunteer about, and how well it fits them."""

    mission: Mission
    score: float
    fit: str


def _open_missions(which: Q) -> list[Mission]:
    """Published missions still taking applications, ready for the engine and for the
    campus check (four queries)."""
    today = timezone.localdate()
    skills = MissionSkill.objects.select_related("skill").order_by("-level", "skill__slug")
    return list(
        Mission.objects.published()
        .filter(which)
        .filter(Q(applications_close_on__isnull=True) | Q(applications_close_on__gte=today))
        .select_related("organisation")
        .prefetch_related(Prefetch("skill_needs", queryset=skills), "domains", "campuses")
        .order_by("-published_at", "pk")
    )


def _fresh_index() -> engine.Index | None:
    """The index, rebuilt first if profiles changed since the last build (this runs in
    the worker, where rebuilds belong): someone who just gave consent is not missed."""
    index_rebuild()
    return index_current()[1]


def _fitting(need: engine.Need, index: engine.Index) -> dict[int, tuple[float, str]]:
    """User id -> (score, fit) of the volunteers the mission fits well. The engine's
    ranking (eligible first, then scored; fit by ``engine.fit_of``) for the whole pool,
    without writing the reasons and gaps, which the mails do not show."""
    rows = np.flatnonzero(engine.eligible(need, index))
    values = scores(need, index, rows)
    keep = values >= engine.FIT_GOOD - 1e-9
    found = {}
    for row, value in zip(rows[keep].tolist(), values[keep].tolist(), strict=True):
        fit = engine.fit_of(value)
        if fit in TOLD_FITS:
            found[int(index.volunteers[row].id)] = (float(value), fit)
    return found


def _audience(
    missions: list[Mission], index: engine.Index, notify_choice: str
) -> dict[int, list[Item]]:
    """User id -> the missions to tell them about: a fixed number of queries, whatever
    the number of missions' fits (ids go in chunks)."""
    fits = {m.pk: _fitting(mission_to_need(m), index) for m in missions}
    campus_of = _campuses(set().union(*fits.values()), notify_choice)
    ids = [m.pk for m in missions]
    applied = set(
        Application.objects.filter(mission_id__in=ids).values_list("mission_id", "volunteer_id")
    )
    told = set(
        MissionAlert.objects.filter(mission_id__in=ids).values_list("mission_id", "volunteer_id")
    )
    letters: defaultdict[int, list[Item]] = defaultdict(list)
    for mission in missions:
        offered_to = {c.pk for c in mission.campuses.all()}
        for user_id, (score, fit) in fits[mission.pk].items():
            pair = (mission.pk, user_id)
            if user_id not in campus_of or pair in applied or pair in told:
                continue
            # No campus chosen: the mission is offered to every campus.
            if offered_to and campus_of[user_id] not in offered_to:
                continue
            letters[user_id].append(Item(mission, score, fit))
    return dict(letters)


def _chunks(ids: Iterable[int], size: int) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _campuses(user_ids: set[int], notify_choice: str) -> dict[int, int | None]:
    """User id -> campus id of those among ``user_ids`` whose profile is still matchable
    (the index may be older than a withdrawn consent) and who chose ``notify_choice``."""
    found: dict[int, int | None] = {}
    for chunk in _chunks(user_ids, CHUNK):
        found.update(
            VolunteerProfile.objects.filter(
                matchable(), notify=notify_choice, user_id__in=chunk
            ).values_list("user_id", "campus_id")
        )
    return found


# Telling them.

Letter = tuple[str, dict[str, object], str]  # template, context, inbox link


def _line(item: Item) -> dict[str, object]:
    mission = item.mission
    return {
        "mission": mission.title,
        "organisation": _organisation(mission),
        # The lazy label: notify() renders it in each recipient's language.
        "fit": FIT_LABELS[item.fit],
        "start": mission.start_date,
        "end": mission.end_date,
        "hours": mission.hours_per_week,
        "path": reverse("missions:detail", kwargs={"pk": mission.pk}),
    }


def _organisation(mission: Mission) -> object:
    # As the catalogue names it (a discreet organisation is not named), lazily: notify()
    # renders it in each recipient's language.
    if mission.confidentiality == Mission.Confidentiality.DISCREET:
        return gettext_lazy("A partner organisation")
    return mission.organisation.name


def _alert(items: list[Item]) -> Letter:
    line = _line(items[0])
    context = {**line, "profile_path": reverse("volunteers:profile")}
    return MAIL + "mission_alert", context, str(line["path"])


def _digest(items: list[Item]) -> Letter:
    context = {
        "lines": [_line(item) for item in items],
        "for_me_path": reverse("matching:for_me"),
        "profile_path": reverse("volunteers:profile"),
    }
    return MAIL + "weekly_digest", context, reverse("matching:for_me")


def _deliver(letters: dict[int, list[Item]], write: Callable[[list[Item]], Letter]) -> int:
    """Record and send each letter; returns how many people were told. A batch of people
    is one transaction: the alerts recorded and the notifications created together, the
    mails queued when it commits."""
    told = 0
    for chunk in _chunks(letters, BATCH):
        users = User.objects.filter(is_active=True).in_bulk(chunk)
        people = [(users[pk], letters[pk]) for pk in chunk if pk in users]
        try:
            with transaction.atomic():
                MissionAlert.objects.bulk_create(
                    [MissionAlert(mission=i.mission, volunteer=u) for u, items in people
                     for i in items]
                )  # fmt: skip
                for user, items in people:
                    _notify(user, write(items))
            told += len(people)
        except IntegrityError:
            # Another run told some of them meanwhile: one by one, without what it sent.
            told += sum(_deliver_one(user, items, write) for user, items in people)
    return told


def _deliver_one(user: User, items: list[Item], write: Callable[[list[Item]], Letter]) -> bool:
    already = set(
        MissionAlert.objects.filter(
            volunteer=user, mission_id__in=[i.mission.pk for i in items]
        ).values_list("mission_id", flat=True)
    )
    items = [i for i in items if i.mission.pk not in already]
    if not items:
        return False
    try:
        with transaction.atomic():
            MissionAlert.objects.bulk_create([MissionAlert(mission=i.mission, volunteer=user)
                                              for i in items])  # fmt: skip
            _notify(user, write(items))
    except IntegrityError:
        return False
    return True


def _notify(user: User, letter: Letter) -> None:
    template, context, url = letter
    notify(user, template, context, url=url)
