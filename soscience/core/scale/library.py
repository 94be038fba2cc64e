"""Writes the solutions library (public cases of closed missions whose organisation
consented, most published, with the deliverables the licence lets anyone download) and
working groups (researchers and students around a hard mission or a theme, with posts)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.text import slugify

from soscience.cases.models import Case
from soscience.core.scale import phrases
from soscience.core.scale.common import mix
from soscience.core.scale.plan import S
from soscience.core.scale.texts import order_texts
from soscience.core.scale.world import World
from soscience.groups.models import GroupMember, GroupPost, WorkingGroup
from soscience.missions.models import Mission

LICENCES = [lic.value for lic in Mission.ResultsLicence]  # as missions.py chooses them


def write(world: World) -> None:
    _cases(world)
    _groups(world)


def _cases(world: World) -> None:
    rng, clock, today = world.rng("cases"), world.clock, world.clock.day
    consenting = world.case_consents  # type: ignore[attr-defined]
    chosen = [
        m
        for m in world.missions
        if m.status == S.CLOSED and m.id in consenting and mix(m.id, 41) % 5 < 3
    ]
    first = world.sink.ids(Case, len(chosen)).start

    def rows() -> Iterator[tuple]:
        for k, m in enumerate(chosen):
            texts = order_texts(world, m)
            published = rng.random() < 0.8
            created = min(today, m.closed + rng.randint(2, 20))
            yield (
                first + k,
                m.id,
                f"{slugify(m.title)[:100]}-{m.id}",
                m.title,
                texts.problem,
                texts.objectives,
                rng.choice(phrases.LOCAL_IMPACT)[1 if m.english else 0],
                "published" if published else "draft",
                m.creator,
                clock.work_time(rng, created),
                clock.work_time(rng, min(today, created + rng.randint(1, 20)))
                if published
                else None,
            )

    world.sink.write(
        Case,
        (
            "id",
            "mission_id",
            "slug",
            "title",
            "problem",
            "solution",
            "results",
            "status",
            "created_by_id",
            "created_at",
            "published_at",
        ),
        rows(),
    )
    deliverables: dict[int, list[int]] = world.deliverables  # type: ignore[attr-defined]
    world.sink.write(
        Case.files.through,
        ("case_id", "deliverable_id"),
        (
            (first + k, deliverable)
            for k, m in enumerate(chosen)
            if LICENCES[m.id % len(LICENCES)] != Mission.ResultsLicence.ORGANISATION
            for deliverable in deliverables.get(m.id, [])[:1]
        ),
    )


def _groups(world: World) -> None:
    rng, clock, today = world.rng("groups"), world.clock, world.clock.day
    working = [m for m in world.missions if m.is_working and m.team]
    count = max(1, len(world.missions) // 500) if world.missions else 0
    first = world.sink.ids(WorkingGroup, count).start
    plans = []  # (group id, mission or None, day, member volunteer indices)
    for k in range(count):
        m = rng.choice(working) if working and rng.random() < 0.5 else None
        day = m.start if m else today - rng.randint(10, 900)
        size = rng.randint(3, 8)
        members = {m.applicants[pos] for pos, _seat, _role in m.team} if m else set()
        while len(members) < size:
            members.add(rng.randrange(world.sizes.volunteers))
        plans.append((first + k, m, day, sorted(members)))

    def groups() -> Iterator[tuple]:
        for group_id, m, day, _members in plans:
            domain = m.domains[0] if m else group_id % len(world.domains)
            topic = (phrases.TOPICS.get(world.domains[domain][1]) or phrases.TOPICS["data"])[0]
            yield (
                group_id,
                f"Groupe de travail : {topic[0]}"[:200],
                world.domains[domain][2],
                "Mettre en commun les compétences sur ce sujet.",
                m.id if m else None,
                rng.random() < 0.8,
                world.coordinators[0],
                clock.work_time(rng, day),
            )

    world.sink.write(
        WorkingGroup,
        (
            "id",
            "title",
            "theme",
            "description",
            "mission_id",
            "is_open",
            "created_by_id",
            "created_at",
        ),
        groups(),
    )
    world.sink.write(
        WorkingGroup.skills.through,
        ("workinggroup_id", "skill_id"),
        (
            (group_id, skill_id)
            for group_id, m, _day, _members in plans
            for skill_id, _level in (m.skills if m else ())
        ),
    )
    world.sink.write(
        GroupMember,
        ("group_id", "user_id", "expertise", "invited_by_id", "joined_at"),
        (
            (group_id, world.volunteer(v), "", world.coordinators[0], clock.at(min(today, day + 1)))
            for group_id, _m, day, members in plans
            for v in members
        ),
    )

    def posts() -> Iterator[tuple]:
        for group_id, _m, day, members in plans:
            for _ in range(rng.randint(2, 10)):
                body = rng.choice(phrases.UPDATES)[0]
                when = min(today, day + rng.randint(1, 60))
                yield (
                    group_id,
                    world.volunteer(rng.choice(members)),
                    body,
                    clock.work_time(rng, when),
                )

    world.sink.write(GroupPost, ("group_id", "author_id", "body", "created_at"), posts())
