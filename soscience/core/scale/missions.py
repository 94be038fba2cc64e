"""Writes needs and mission orders: the rows, their domains, campuses and skills, the
versions the organisation approved, and both timelines."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from soscience.core.scale.plan import MissionPlan, S
from soscience.core.scale.texts import display_name, need_texts, order_texts
from soscience.core.scale.world import World
from soscience.missions.models import Mission, MissionEvent, MissionOrderVersion, MissionSkill
from soscience.needs.models import Need, NeedEvent

V = MissionOrderVersion.Status
MK = MissionEvent.Kind


def write(world: World) -> None:
    _needs(world)
    _missions(world)
    _versions(world)
    _mission_events(world)


# --- needs ------------------------------------------------------------------------------


def _needs(world: World) -> None:
    clock, coordinators = world.clock, world.coordinators
    rng = world.rng("need-rows")
    reasons = [r.value for r in Need.DeclineReason]

    def rows() -> Iterator[tuple]:
        for need in world.needs:
            problem, context, outcome = need_texts(world, need)
            declined = need.status == Need.Status.DECLINED
            triaged = bool(need.triaged)
            submitted = clock.work_time(rng, need.day)
            triaged_at = clock.work_time(rng, need.triaged) if triaged else None
            yield (
                need.id,
                need.org.id,
                need.title,
                problem,
                context,
                "",
                outcome,
                need.country,
                need.city,
                None,
                need.status,
                rng.choice(reasons) if declined else "",
                "Ce besoin ne relève pas d'une mission courte." if declined else "",
                need.duplicate_of.id if need.duplicate_of else None,
                need.org.representative,
                submitted,
                triaged_at or submitted,
                coordinators[need.id % len(coordinators)] if triaged else None,
                triaged_at,
            )

    world.sink.write(
        Need,
        (
            "id",
            "organisation_id",
            "title",
            "problem",
            "context",
            "already_tried",
            "desired_outcome",
            "country",
            "city",
            "deadline",
            "status",
            "decline_reason",
            "decline_detail",
            "duplicate_of_id",
            "submitted_by_id",
            "submitted_at",
            "updated_at",
            "triaged_by_id",
            "triaged_at",
        ),
        rows(),
    )
    domains = world.domains
    world.sink.write(
        Need.domains.through,
        ("need_id", "domain_id"),
        ((n.id, domains[d][0]) for n in world.needs for d in n.domains),
    )
    world.sink.write(
        NeedEvent, ("need_id", "actor_id", "kind", "detail", "created_at"), _need_events(world)
    )


def _need_events(world: World) -> Iterator[tuple]:
    clock, coordinators = world.clock, world.coordinators
    triage_kind = {
        Need.Status.SCOPING: NeedEvent.Kind.SCOPING,
        Need.Status.DECLINED: NeedEvent.Kind.DECLINED,
        Need.Status.DUPLICATE: NeedEvent.Kind.DUPLICATE,
    }
    for need in world.needs:
        yield (
            need.id,
            need.org.representative,
            NeedEvent.Kind.SUBMITTED,
            "",
            clock.at(need.day, 30_000),
        )
        if need.status in triage_kind:
            who = coordinators[need.id % len(coordinators)]
            yield need.id, who, triage_kind[need.status], "", clock.at(need.triaged, 45_000)
        elif need.status == Need.Status.WITHDRAWN:
            yield (
                need.id,
                need.org.representative,
                NeedEvent.Kind.WITHDRAWN,
                "",
                clock.at(min(clock.day, need.day + 3), 50_000),
            )


# --- missions ---------------------------------------------------------------------------


def _moment(world: World, day: int, salt: int) -> object:
    return world.clock.at(day, 30_000 + salt * 1_800) if day else None


def last_day(m: MissionPlan) -> int:
    return max(
        m.created,
        m.submitted,
        m.changes,
        m.resubmitted,
        m.approved,
        m.published,
        m.delivered,
        m.accepted,
        m.closed,
        m.cancelled,
    )


def _missions(world: World) -> None:
    clock = world.clock
    licences = [lic.value for lic in Mission.ResultsLicence]

    def rows() -> Iterator[tuple]:
        for m in world.missions:
            texts = order_texts(world, m)
            working = m.is_working
            yield (
                m.id,
                m.need.id,
                m.org.id,
                m.title,
                texts.context,
                texts.problem,
                texts.objectives,
                texts.deliverables,
                texts.out_of_scope,
                m.team_size,
                m.hours_per_week,
                clock.date(m.start),
                clock.date(m.end),
                m.work_mode,
                m.country,
                m.city,
                m.languages,
                Decimal(m.budget),
                licences[m.id % len(licences)],
                "discreet" if m.discreet else "public",
                m.supervisor,
                m.status,
                _moment(world, m.published, 1),
                clock.date(m.start) if working else None,
                _moment(world, m.delivered, 2),
                _moment(world, m.accepted, 3),
                _moment(world, m.closed, 4),
                _moment(world, m.cancelled, 5),
                "La structure a suspendu le projet." if m.cancelled else "",
                clock.date(m.close) if m.published else None,
                m.creator,
                clock.at(m.created, 28_000),
                clock.at(last_day(m), 60_000),
            )

    world.sink.write(
        Mission,
        (
            "id",
            "need_id",
            "organisation_id",
            "title",
            "context",
            "problem",
            "objectives",
            "deliverables",
            "out_of_scope",
            "team_size",
            "hours_per_week",
            "start_date",
            "end_date",
            "work_mode",
            "country",
            "city",
            "languages",
            "equipment_budget",
            "results_licence",
            "confidentiality",
            "supervisor_id",
            "status",
            "published_at",
            "kicked_off_on",
            "delivered_at",
            "accepted_at",
            "closed_at",
            "cancelled_at",
            "cancel_reason",
            "applications_close_on",
            "created_by_id",
            "created_at",
            "updated_at",
        ),
        rows(),
    )
    domains, campuses = world.domains, world.campuses
    world.sink.write(
        Mission.domains.through,
        ("mission_id", "domain_id"),
        ((m.id, domains[d][0]) for m in world.missions for d in m.domains),
    )
    world.sink.write(
        Mission.campuses.through,
        ("mission_id", "campus_id"),
        ((m.id, campuses[c].id) for m in world.missions for c in m.campuses),
    )
    world.sink.write(
        MissionSkill,
        ("mission_id", "skill_id", "level"),
        ((m.id, skill, level) for m in world.missions for skill, level in m.skills),
    )


# --- order versions and the timeline -----------------------------------------------------


def _version_list(m: MissionPlan) -> list[tuple[int, str, int, int]]:
    """(number, status, created day, decided day or 0) of the mission's order versions."""
    if not m.submitted:
        return []
    if m.resubmitted:  # changes were asked on the first version, the second was approved
        return [
            (1, V.CHANGES_REQUESTED, m.submitted, m.changes),
            (2, V.APPROVED, m.resubmitted, m.approved),
        ]
    if m.approved:
        return [(1, V.APPROVED, m.submitted, m.approved)]
    if m.status == S.CHANGES_REQUESTED:
        return [(1, V.CHANGES_REQUESTED, m.submitted, m.changes)]
    return [(1, V.PENDING, m.submitted, 0)]


def _snapshot(world: World, m: MissionPlan) -> dict[str, object]:
    """What order_snapshot() freezes: every order field, domains, skills, supervisor."""
    texts = order_texts(world, m)
    clock = world.clock
    return {
        "title": m.title,
        "context": texts.context,
        "problem": texts.problem,
        "objectives": texts.objectives,
        "deliverables": texts.deliverables,
        "out_of_scope": texts.out_of_scope,
        "team_size": m.team_size,
        "hours_per_week": m.hours_per_week,
        "start_date": clock.date(m.start).isoformat(),
        "end_date": clock.date(m.end).isoformat(),
        "work_mode": m.work_mode,
        "country": m.country,
        "city": m.city,
        "languages": m.languages,
        "equipment_budget": f"{m.budget}.00",
        "results_licence": [lic.value for lic in Mission.ResultsLicence][m.id % 3],
        "confidentiality": "discreet" if m.discreet else "public",
        "domains": [
            {"slug": world.domains[d][1], "fr": world.domains[d][2], "en": world.domains[d][3]}
            for d in m.domains
        ],
        "skills": [
            {
                "slug": world.skills[s].slug,
                "fr": world.skills[s].name_fr,
                "en": world.skills[s].name_en,
                "level": level,
            }
            for s, level in m.skills
        ],
        "supervisor": display_name(world, m.supervisor),
    }


def _versions(world: World) -> None:
    clock = world.clock
    total = sum(len(_version_list(m)) for m in world.missions)
    ids = iter(world.sink.ids(MissionOrderVersion, total))
    first_version: dict[int, int] = {}

    def rows() -> Iterator[tuple]:
        for m in world.missions:
            versions = _version_list(m)
            if not versions:
                continue
            content = _snapshot(world, m)
            for number, status, created, decided in versions:
                version_id = next(ids)
                if number == 1:
                    first_version[m.id] = version_id
                yield (
                    version_id,
                    m.id,
                    number,
                    content,
                    status,
                    m.creator,
                    clock.at(created, 40_000),
                    m.org.representative if decided else None,
                    clock.at(decided, 50_000) if decided else None,
                    "Merci de préciser le calendrier." if status == V.CHANGES_REQUESTED else "",
                )

    world.sink.write(
        MissionOrderVersion,
        (
            "id",
            "mission_id",
            "number",
            "content",
            "status",
            "created_by_id",
            "created_at",
            "decided_by_id",
            "decided_at",
            "comment",
        ),
        rows(),
    )
    world.first_version = first_version  # type: ignore[attr-defined]


def _mission_events(world: World) -> None:
    clock = world.clock
    first_version: dict[int, int] = world.first_version  # type: ignore[attr-defined]

    def rows() -> Iterator[tuple]:
        for m in world.missions:
            rep, creator, v1 = m.org.representative, m.creator, first_version.get(m.id)
            # The team's lead (or first member) hands the work over.
            deliverer = world.volunteer(m.applicants[m.team[0][0]]) if m.team else m.supervisor
            v_last = v1 + 1 if (v1 and m.resubmitted) else v1
            steps = [
                (MK.CREATED, creator, m.created, None),
                (MK.SUBMITTED, creator, m.submitted, v1),
                (MK.CHANGES_REQUESTED, rep, m.changes, v1),
                (MK.EDITED, creator, m.resubmitted, None),
                (MK.SUBMITTED, creator, m.resubmitted, v_last),
                (MK.APPROVED, rep, m.approved, v_last),
                (MK.PUBLISHED, creator, m.published, None),
                (MK.KICKED_OFF, m.supervisor, m.start if m.is_working else 0, None),
                (MK.DELIVERED, deliverer, m.delivered, None),
                (MK.DELIVERY_ACCEPTED, rep, m.accepted, None),
                (MK.CLOSED, creator, m.closed, None),
                (MK.CANCELLED, creator, m.cancelled, None),
            ]
            for order, (kind, actor, day, version) in enumerate(steps):
                if day:
                    yield m.id, actor, kind, "", version, clock.at(day, 29_000 + 600 * order)

    world.sink.write(
        MissionEvent,
        ("mission_id", "actor_id", "kind", "detail", "version_id", "created_at"),
        rows(),
    )
