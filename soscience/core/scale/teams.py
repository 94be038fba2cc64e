"""Writes applications (every status), their timeline, and the teams' seats."""

from __future__ import annotations

from collections.abc import Iterator

from soscience.applications.models import Application, ApplicationEvent, TeamMember
from soscience.core.scale import staffing
from soscience.core.scale.common import mix
from soscience.core.scale.phrases import MOTIVATIONS
from soscience.core.scale.plan import MissionPlan
from soscience.core.scale.staffing import (
    DECLINED,
    INVITED,
    SELECTED,
    SHORTLISTED,
    STATUS_OF_CODE,
    WITHDRAWN,
    decided_day,
)
from soscience.core.scale.world import World

AK = ApplicationEvent.Kind
DECLINE_REASONS = ("team_complete",) * 12 + ("profile",) * 5 + ("availability",) * 2 + ("other",)
WITHDRAW_REASONS = tuple(r.value for r in Application.WithdrawReason)
ANSWER_DAYS = 7  # PlatformSettings.answer_within_days' default


def write(world: World) -> None:
    _applications(world)
    _events(world)
    _team_members(world)


def _invited(world: World, m: MissionPlan, position: int) -> bool:
    # The named volunteer was invited wherever they applied (an invitation ignores campuses).
    return m.statuses[position] == INVITED or m.applicants[position] == 0


def _applications(world: World) -> None:
    clock = world.clock
    today = clock.day

    def rows() -> Iterator[tuple]:
        for m in world.missions:
            for position, code in enumerate(m.statuses):
                v = m.applicants[position]
                uid = world.volunteer(v)
                applied_day = m.applied[position]
                applied = clock.at(applied_day, staffing.seconds(m, position))
                invited = _invited(world, m, position)
                decided = None
                decided_by = None
                reason = ""
                if code in (SELECTED, DECLINED, WITHDRAWN):
                    decided = clock.at(
                        decided_day(m, position, code, today), staffing.seconds(m, position, 1)
                    )
                    decided_by = uid if code == WITHDRAWN else m.creator
                if code == DECLINED:
                    reason = (
                        "mission_cancelled"
                        if m.cancelled
                        else DECLINE_REASONS[mix(position, m.id) % len(DECLINE_REASONS)]
                    )
                elif code == WITHDRAWN:
                    reason = WITHDRAW_REASONS[mix(position, m.id + 1) % len(WITHDRAW_REASONS)]
                waiting_invitation = code == INVITED
                answer_by = clock.date(max(m.close, applied_day) + ANSWER_DAYS)
                yield (
                    m.app_first_id + position,
                    m.id,
                    uid,
                    STATUS_OF_CODE[code],
                    "" if waiting_invitation else MOTIVATIONS[mix(v, m.id) % len(MOTIVATIONS)],
                    not waiting_invitation,
                    m.creator if invited else None,
                    None if waiting_invitation else applied,
                    None if waiting_invitation else answer_by,
                    decided_by,
                    decided,
                    reason,
                    "",
                    applied,
                    decided or applied,
                )

    world.sink.write(
        Application,
        (
            "id",
            "mission_id",
            "volunteer_id",
            "status",
            "motivation",
            "availability_confirmed",
            "invited_by_id",
            "applied_at",
            "answer_by",
            "decided_by_id",
            "decided_at",
            "reason",
            "reason_detail",
            "created_at",
            "updated_at",
        ),
        rows(),
    )


def _events(world: World) -> None:
    clock = world.clock
    today = clock.day
    final = {SELECTED: AK.SELECTED, DECLINED: AK.DECLINED, WITHDRAWN: AK.WITHDRAWN}

    def rows() -> Iterator[tuple]:
        for m in world.missions:
            for position, code in enumerate(m.statuses):
                app_id = m.app_first_id + position
                uid = world.volunteer(m.applicants[position])
                applied = clock.at(m.applied[position], staffing.seconds(m, position))
                if _invited(world, m, position):
                    yield app_id, m.creator, AK.INVITED, "", applied
                if code != INVITED:
                    yield app_id, uid, AK.APPLIED, "", applied
                if code == SHORTLISTED:
                    day = min(today, m.applied[position] + 2)
                    yield (
                        app_id,
                        m.creator,
                        AK.SHORTLISTED,
                        "",
                        clock.at(day, staffing.seconds(m, position, 2)),
                    )
                if code in final:
                    decided = clock.at(
                        decided_day(m, position, code, today), staffing.seconds(m, position, 1)
                    )
                    actor = uid if code == WITHDRAWN else m.creator
                    yield app_id, actor, final[code], "", decided

    world.sink.write(
        ApplicationEvent, ("application_id", "actor_id", "kind", "detail", "created_at"), rows()
    )


def _team_members(world: World) -> None:
    clock = world.clock
    today = clock.day

    def rows() -> Iterator[tuple]:
        for m in world.missions:
            for position, seat, role in m.team:
                joined = clock.at(
                    decided_day(m, position, SELECTED, today), staffing.seconds(m, position, 1)
                )
                yield (
                    m.id,
                    m.app_first_id + position,
                    world.volunteer(m.applicants[position]),
                    role,
                    seat or None,
                    m.team_size,
                    joined,
                )

    world.sink.write(
        TeamMember,
        ("mission_id", "application_id", "volunteer_id", "role", "seat", "capacity", "joined_at"),
        rows(),
    )
