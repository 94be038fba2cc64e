"""Writes the work of the teams: milestones, progress updates and replies, hours (validated
or waiting for the supervisor), equipment requests.

Everything falls between the mission's kick-off and the earliest of its end, its delivery
and yesterday. The totals asked for (updates, hours) are shared among the missions at work
in proportion to their team and the days worked so far. A fifth of the missions in progress
have gone quiet: no shared news for three weeks, as the supervisor's page should show.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterator
from decimal import Decimal

from django.utils.text import slugify

from soscience.core.scale import phrases
from soscience.core.scale.common import HOURS_CHOICES, mix, placeholder_pdf
from soscience.core.scale.plan import HANDED_OVER, MissionPlan, S
from soscience.core.scale.world import World
from soscience.execution.models import (
    Deliverable,
    EquipmentRequest,
    HoursEntry,
    Milestone,
    ProgressUpdate,
    StallAlert,
    UpdateReply,
)

QUIET_DAYS = 21
ER = EquipmentRequest.Status


def worked_days(m: MissionPlan, today: int) -> tuple[int, int]:
    """First and last day of work (last < first: nothing yet)."""
    last = min(m.end, today - 1, m.delivered or m.end)
    return m.start, last


def is_quiet(m: MissionPlan) -> bool:
    return m.status == S.IN_PROGRESS and mix(m.id, 77) % 5 == 0


def _share(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """``total`` split in proportion to ``weights``, exactly (the remainder goes, one each,
    to randomly drawn missions in proportion to their weight)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    counts = [int(total * w / whole) for w in weights]
    missing = total - sum(counts)
    if missing:
        for i in rng.choices(range(len(weights)), weights=weights, k=missing):
            counts[i] += 1
    return counts


def update_days(m: MissionPlan, today: int) -> tuple[int, int]:
    """The days a team posted news: a quiet mission's stop three weeks ago."""
    start, last = worked_days(m, today)
    return start, (min(last, today - QUIET_DAYS) if is_quiet(m) else last)


def _working(world: World) -> list[MissionPlan]:
    today = world.clock.day
    return [
        m for m in world.missions if m.is_working and m.team and worked_days(m, today)[1] >= m.start
    ]


def write(world: World) -> None:
    _milestones(world)
    _updates(world)
    _replies(world)
    _stall_alerts(world)
    _hours(world)
    _equipment(world)
    _deliverables(world)


def _milestones(world: World) -> None:
    rng, clock, today = world.rng("milestones"), world.clock, world.clock.day
    titles = ("Cadrage validé", "Premiers essais", "Prototype", "Mesures terrain", "Rapport final")

    def rows() -> Iterator[tuple]:
        for m in world.missions:
            if not (m.is_working or m.status == S.OPEN):
                continue
            count = rng.randint(2, 4)
            for k in range(count):
                planned = m.start + (m.end - m.start) * (k + 1) // (count + 1)
                done = planned + rng.randint(-3, 5)
                finished = m.status in HANDED_OVER or (done < today and rng.random() < 0.85)
                done_on = clock.date(min(done, today - 1)) if finished and m.is_working else None
                yield (
                    m.id,
                    titles[k % len(titles)],
                    clock.date(planned),
                    done_on,
                    clock.at(m.start - 1 if m.is_working else m.published),
                )

    world.sink.write(
        Milestone, ("mission_id", "title", "planned_on", "done_on", "created_at"), rows()
    )


def _updates(world: World) -> None:
    rng, clock, today = world.rng("updates"), world.clock, world.clock.day
    working = _working(world)
    spans = [update_days(m, today) for m in working]
    counts = _share(
        world.sizes.updates, [float(max(0, last - start + 1)) for start, last in spans], rng
    )
    first = world.sink.ids(ProgressUpdate, sum(counts)).start
    # Kept for the replies and the news notifications: per update, its mission, day, sharing.
    log_mission, log_day, log_shared = array("i"), array("i"), bytearray()

    def rows() -> Iterator[tuple]:
        update_id = first
        for index, (m, count, (start, last)) in enumerate(zip(working, counts, spans, strict=True)):
            members = [world.volunteer(m.applicants[pos]) for pos, _seat, _role in m.team]
            for _ in range(count):
                day = rng.randint(start, last)
                shared = rng.random() < 0.75
                body = phrases.UPDATES[rng.randrange(len(phrases.UPDATES))][1 if m.english else 0]
                log_mission.append(index)
                log_day.append(day)
                log_shared.append(shared)
                yield (
                    update_id,
                    m.id,
                    rng.choice(members),
                    body,
                    "shared" if shared else "internal",
                    clock.work_time(rng, day),
                )
                update_id += 1

    world.sink.write(
        ProgressUpdate,
        ("id", "mission_id", "author_id", "body", "visibility", "created_at"),
        rows(),
    )
    world.update_log = (first, working, log_mission, log_day, log_shared)  # type: ignore[attr-defined]


def _replies(world: World) -> None:
    rng, clock, today = world.rng("replies"), world.clock, world.clock.day
    first, working, log_mission, log_day, log_shared = world.update_log  # type: ignore[attr-defined]

    def rows() -> Iterator[tuple]:
        for k, shared in enumerate(log_shared):
            if not shared or rng.random() > 0.25:
                continue
            m = working[log_mission[k]]
            for _ in range(rng.choice((1, 1, 2))):
                roll = rng.random()
                if roll < 0.5:
                    author = m.org.representative
                elif roll < 0.8:
                    author = m.supervisor
                else:
                    author = world.volunteer(m.applicants[rng.choice(m.team)[0]])
                body = phrases.REPLIES[rng.randrange(len(phrases.REPLIES))][1 if m.english else 0]
                day = min(today, log_day[k] + rng.randint(0, 3))
                yield first + k, author, body, clock.work_time(rng, day)

    world.sink.write(UpdateReply, ("update_id", "author_id", "body", "created_at"), rows())


def _hours(world: World) -> None:
    rng, clock, today = world.rng("hours"), world.clock, world.clock.day
    working = _working(world)
    weights = [
        float((worked_days(m, today)[1] - m.start + 1) * len(m.team) * m.hours_per_week)
        for m in working
    ]
    counts = _share(world.sizes.hours, weights, rng)
    validation_rate = {S.CLOSED: 1.0, S.ACCEPTED: 0.97, S.DELIVERED: 0.9, S.IN_PROGRESS: 0.85}

    def rows() -> Iterator[tuple]:
        for m, count in zip(working, counts, strict=True):
            start, last = worked_days(m, today)
            m.team_hours = [0] * len(m.team)
            rate = validation_rate[m.status]
            for _ in range(count):
                member = rng.randrange(len(m.team))
                day = rng.randint(start, last)
                hours = HOURS_CHOICES[rng.randrange(len(HOURS_CHOICES))]
                # Recent hours of a running mission are still waiting for the supervisor.
                validated = rng.random() < rate and (m.status != S.IN_PROGRESS or day < today - 7)
                logged = min(today, day + rng.randint(0, 2))
                validated_at = None
                if validated:
                    bound = min(today, m.closed or today, m.accepted or today)
                    validated_at = clock.work_time(
                        rng, max(logged, min(bound, logged + rng.randint(1, 7)))
                    )
                    m.team_hours[member] += int(hours * 100)
                yield (
                    m.id,
                    world.volunteer(m.applicants[m.team[member][0]]),
                    clock.date(day),
                    hours,
                    phrases.HOURS[rng.randrange(len(phrases.HOURS))],
                    m.supervisor if validated else None,
                    validated_at,
                    clock.work_time(rng, logged),
                )

    world.sink.write(
        HoursEntry,
        (
            "mission_id",
            "volunteer_id",
            "worked_on",
            "hours",
            "description",
            "validated_by_id",
            "validated_at",
            "created_at",
        ),
        rows(),
    )


SETTLED = (ER.RECEIVED,) * 6 + (ER.REFUSED,) * 2 + (ER.CANCELLED,)
RUNNING = (
    (ER.REQUESTED,) * 4
    + (ER.APPROVED,) * 5
    + (ER.ORDERED,) * 3
    + (ER.RECEIVED,) * 5
    + (ER.REFUSED,) * 2
)


def _equipment(world: World) -> None:
    rng, clock, today = world.rng("equipment"), world.clock, world.clock.day

    def rows() -> Iterator[tuple]:
        for m in _working(world):
            if rng.random() > 0.25:
                continue
            start, last = worked_days(m, today)
            for _ in range(rng.randint(1, 3)):
                item = rng.choice(phrases.EQUIPMENT)[1 if m.english else 0]
                cost = Decimal(rng.choice((15, 25, 40, 60, 90, 150, 240))).quantize(Decimal("0.01"))
                status = rng.choice(SETTLED if m.status in HANDED_OVER else RUNNING)
                if status == ER.REQUESTED and cost > m.budget:
                    status = ER.AWAITING_COORDINATOR  # over the budget: a coordinator decides
                day = rng.randint(start, last)
                decided = status not in (ER.REQUESTED, ER.AWAITING_COORDINATOR)
                decided_day = min(today, day + rng.randint(1, 5))
                yield (
                    m.id,
                    world.volunteer(m.applicants[rng.choice(m.team)[0]]),
                    item,
                    rng.randint(1, 4),
                    "Nécessaire pour les essais.",
                    cost,
                    "",
                    status,
                    m.supervisor if decided else None,
                    clock.work_time(rng, decided_day) if decided else None,
                    "Hors du périmètre de la mission." if status == ER.REFUSED else "",
                    cost if status == ER.RECEIVED else None,
                    clock.work_time(rng, day),
                    clock.work_time(rng, decided_day if decided else day),
                )

    world.sink.write(
        EquipmentRequest,
        (
            "mission_id",
            "requested_by_id",
            "item",
            "quantity",
            "reason",
            "estimated_cost",
            "link",
            "status",
            "decided_by_id",
            "decided_at",
            "refusal_reason",
            "real_cost",
            "created_at",
            "updated_at",
        ),
        rows(),
    )


def _stall_alerts(world: World) -> None:
    """The alert the scheduled job already raised for each quiet mission (once per quiet
    period), so that running the job on this data does not alert about all of them at once."""
    clock, today = world.clock, world.clock.day
    _first, working, log_mission, log_day, log_shared = world.update_log  # type: ignore[attr-defined]
    last_shared: dict[int, int] = {}
    for k, shared in enumerate(log_shared):
        if shared:
            index = log_mission[k]
            last_shared[index] = max(last_shared.get(index, 0), log_day[k])

    def rows() -> Iterator[tuple]:
        for index, m in enumerate(working):
            if not is_quiet(m):
                continue
            since = last_shared.get(index) or m.start
            raised = since + QUIET_DAYS - 7  # PlatformSettings.stall_after_days' default: 14
            if raised <= today:
                yield m.id, StallAlert.Level.SUPERVISOR, clock.date(since), clock.date(raised)

    world.sink.write(StallAlert, ("mission_id", "level", "quiet_since", "raised_on"), rows())


DELIVERABLE_PATH = "private/deliverables/scale-data-deliverable.pdf"
DELIVERABLE_TITLES = (
    ("Rapport d'étude", "Study report", Deliverable.Kind.REPORT),
    ("Plans et notice", "Drawings and guide", Deliverable.Kind.DESIGN),
    ("Tableur de dimensionnement", "Sizing spreadsheet", Deliverable.Kind.DATA),
    ("Code source", "Source code", Deliverable.Kind.CODE),
)


def _deliverables(world: World) -> None:
    """What the teams handed over: every delivered mission has at least one file (the
    platform refuses the delivery otherwise), some running missions one already. Every row
    points to one small placeholder PDF, so downloads work."""
    rng, clock, today = world.rng("deliverables"), world.clock, world.clock.day
    size = placeholder_pdf(DELIVERABLE_PATH, "Generated deliverable - scale data")
    ids: dict[int, list[int]] = {}  # mission id -> its deliverables' ids, for the cases
    missions = [m for m in _working(world) if m.status in HANDED_OVER or rng.random() < 0.3]
    counts = [rng.choice((1, 1, 2, 3)) for _ in missions]
    first = world.sink.ids(Deliverable, sum(counts)).start

    def rows() -> Iterator[tuple]:
        deliverable_id = first
        for m, count in zip(missions, counts, strict=True):
            start, last = worked_days(m, today)
            for k in range(count):
                french, english, kind = DELIVERABLE_TITLES[k % len(DELIVERABLE_TITLES)]
                day = m.delivered - 1 - k if m.status in HANDED_OVER else rng.randint(start, last)
                uploader = world.volunteer(m.applicants[m.team[0][0]])
                ids.setdefault(m.id, []).append(deliverable_id)
                yield (
                    deliverable_id,
                    m.id,
                    english if m.english else french,
                    kind,
                    "",
                    DELIVERABLE_PATH,
                    f"{slugify(english)}.pdf",
                    "application/pdf",
                    size,
                    uploader,
                    clock.work_time(rng, max(start, min(day, today))),
                )
                deliverable_id += 1

    world.sink.write(
        Deliverable,
        (
            "id",
            "mission_id",
            "title",
            "kind",
            "description",
            "file",
            "original_name",
            "content_type",
            "size",
            "uploaded_by_id",
            "uploaded_at",
        ),
        rows(),
    )
    world.deliverables = ids  # type: ignore[attr-defined]
