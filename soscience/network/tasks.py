"""The weekly campus digest: to each volunteer whose profile asks for it
(``VolunteerProfile.campus_digest``), the missions opened to their campus in the last
week that they were never told about by this digest and have not applied to.

``CampusDigestSent`` records each mission told, in the same transaction as the
notification (and so the mail in the outbox): a second run, or two runs at once, never tell
anyone twice. People go in batches, a transaction each, so a failure loses no batch already
sent and a long run holds no lock for long.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from soscience.accounts.models import User
from soscience.applications.models import Application
from soscience.missions.models import Mission
from soscience.network.models import CampusDigestSent
from soscience.notifications.services import notify
from soscience.volunteers.models import Campus, VolunteerProfile

TEMPLATE = "network/mail/campus_digest"
DIGEST_DAYS = 7
DIGEST_MAX = 15  # missions in one mail, newest first
BATCH = 200  # people per transaction

Missions = dict[int | None, list[Mission]]  # campus id (None: every campus) -> missions


@task()
def send_campus_digests() -> int:
    """Send this week's campus digests; returns the number of people told."""
    missions = _new_missions()
    if not missions:
        return 0
    names = dict(Campus.objects.values_list("pk", "name"))
    told = 0
    for batch in _subscribers():
        told += _send_batch(batch, missions, names)
    return told


def _new_missions() -> Missions:
    """The missions published in the last week and still taking applications, by campus
    they are offered to (a mission offered to no campus is offered to every campus)."""
    since = timezone.now() - dt.timedelta(days=DIGEST_DAYS)
    today = timezone.localdate()
    found = (
        Mission.objects.published()
        .filter(published_at__gte=since)
        .filter(Q(applications_close_on__isnull=True) | Q(applications_close_on__gte=today))
        .select_related("organisation")
        .prefetch_related("campuses")
        .order_by("-published_at", "pk")
    )
    by_campus: defaultdict[int | None, list[Mission]] = defaultdict(list)
    for mission in found:
        campuses = [c.pk for c in mission.campuses.all()] or [None]
        for campus_id in campuses:
            by_campus[campus_id].append(mission)
    return dict(by_campus)


def _subscribers() -> Iterator[list[tuple[int, int]]]:
    """(user id, campus id) of the volunteers who asked for the digest, in batches."""
    rows = (
        VolunteerProfile.objects.filter(
            campus_digest=True, campus__isnull=False, user__is_active=True
        )
        .order_by("user_id")
        .values_list("user_id", "campus_id")
    )
    batch: list[tuple[int, int]] = []
    for row in rows.iterator(chunk_size=2000):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _send_batch(batch: list[tuple[int, int]], missions: Missions, names: dict) -> int:
    letters = _letters(batch, missions)
    if not letters:
        return 0
    users = User.objects.in_bulk(list(letters))
    try:
        with transaction.atomic():
            for user_id, (campus_id, items) in letters.items():
                _tell(users[user_id], (campus_id, names[campus_id]), items)
        return len(letters)
    except IntegrityError:
        # Another run told some of them meanwhile: one by one, without what it sent.
        return sum(_send_one(users[pk], (c, names[c]), items) for pk, (c, items) in letters.items())


def _letters(
    batch: list[tuple[int, int]], missions: Missions
) -> dict[int, tuple[int, list[Mission]]]:
    """User id -> (campus id, missions to tell them about): three queries a batch."""
    user_ids = [user_id for user_id, _campus in batch]
    all_ids = {m.pk for ms in missions.values() for m in ms}
    done = _pairs(CampusDigestSent.objects, user_ids, all_ids)
    applied = _pairs(Application.objects, user_ids, all_ids)
    letters = {}
    for user_id, campus_id in batch:
        offered = missions.get(campus_id, []) + missions.get(None, [])
        items = [m for m in offered if (user_id, m.pk) not in done | applied]
        items.sort(key=lambda m: (-m.published_at.timestamp(), m.pk))
        if items:
            letters[user_id] = (campus_id, items[:DIGEST_MAX])
    return letters


def _pairs(manager: object, user_ids: list[int], mission_ids: Iterable[int]) -> set:
    rows = manager.filter(volunteer_id__in=user_ids, mission_id__in=list(mission_ids))  # type: ignore[attr-defined]
    return set(rows.values_list("volunteer_id", "mission_id"))


def _tell(user: User, campus: tuple[int, str], items: list[Mission]) -> None:
    """Record the missions told and notify, in the caller's transaction."""
    campus_id, name = campus
    CampusDigestSent.objects.bulk_create(
        [CampusDigestSent(campus_id=campus_id, volunteer=user, mission=m) for m in items]
    )
    context = {
        "campus": name,
        "lines": [_line(m) for m in items],
        "catalogue_path": reverse("missions:catalogue"),
        "profile_path": reverse("volunteers:profile"),
    }
    notify(user, TEMPLATE, context, url=reverse("missions:catalogue"))


def _send_one(user: User, campus: tuple[int, str], items: list[Mission]) -> bool:
    already = set(
        CampusDigestSent.objects.filter(
            volunteer=user, mission_id__in=[m.pk for m in items]
        ).values_list("mission_id", flat=True)
    )
    items = [m for m in items if m.pk not in already]
    if not items:
        return False
    try:
        with transaction.atomic():
            _tell(user, campus, items)
    except IntegrityError:
        return False
    return True


def _line(mission: Mission) -> dict[str, object]:
    # As the catalogue names it: a discreet organisation is not named. Lazily: notify()
    # renders it in each recipient's language.
    organisation: object = mission.organisation.name
    if mission.confidentiality == Mission.Confidentiality.DISCREET:
        organisation = gettext_lazy("A partner organisation")
    return {
        "mission": mission.title,
        "organisation": organisation,
        "start": mission.start_date,
        "end": mission.end_date,
        "hours": mission.hours_per_week,
        "path": reverse("missions:detail", kwargs={"pk": mission.pk}),
    }
