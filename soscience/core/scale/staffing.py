"""Who applied to each published mission, and who is on its team.

Applicants come from the volunteers of the campuses the mission is offered to (anyone for
a mission offered to no campus in particular), among those who had joined when it was
published and not more than three years before (students move on). Invitations may go
to anyone: the team chose them. A team is at most the mission's team size (seats 1..size,
the first leads most of the time) plus, rarely, an advisor without a seat.
"""

from __future__ import annotations

import bisect
import random
from array import array
from collections.abc import Sequence

from soscience.applications.models import Application
from soscience.core.scale.common import mix
from soscience.core.scale.plan import WORKING, MissionPlan, S
from soscience.core.scale.world import VOLUNTEER, World

INVITED, APPLIED, SHORTLISTED, SELECTED, DECLINED, WITHDRAWN = b"IAHLDW"
STATUS_OF_CODE = {
    INVITED: Application.Status.INVITED,
    APPLIED: Application.Status.APPLIED,
    SHORTLISTED: Application.Status.SHORTLISTED,
    SELECTED: Application.Status.SELECTED,
    DECLINED: Application.Status.DECLINED,
    WITHDRAWN: Application.Status.WITHDRAWN,
}
# What happened to the applicants who are not on the team, by the mission's status.
OTHERS_OPEN = (
    (APPLIED,) * 45 + (SHORTLISTED,) * 20 + (INVITED,) * 12 + (WITHDRAWN,) * 10 + (DECLINED,) * 13
)
OTHERS_WORKING = (DECLINED,) * 3 + (WITHDRAWN,)
OTHERS_CANCELLED = (DECLINED,) * 4 + (WITHDRAWN,)
STUDENT_YEARS = 3 * 365


def staff(world: World) -> None:
    rng = world.rng("staffing")
    published = [m for m in world.missions if m.was_published]
    mean = world.sizes.applications / max(1, len(published))
    forced = _named_volunteer_places(world)
    for m in published:
        _applicants(world, m, rng, mean, forced.get(m.id))
    total = sum(len(m.applicants) for m in world.missions)
    first = world.sink.ids(Application, total).start
    for m in world.missions:  # in id order: applications numbered by mission
        m.app_first_id = first
        first += len(m.applicants)


def _named_volunteer_places(world: World) -> dict[int, int]:
    """Missions where the named volunteer applied (by invitation: any campus), with the
    outcome: on a team at work and on closed ones, waiting on open ones, declined on a
    cancelled one."""
    if world.named.get(VOLUNTEER) != world.volunteer_uid:  # an earlier run made it
        return {}
    wanted = [
        (S.IN_PROGRESS, SELECTED),
        (S.OPEN, APPLIED),
        (S.OPEN, SHORTLISTED),
        (S.CLOSED, SELECTED),
        (S.CLOSED, SELECTED),
        (S.ACCEPTED, SELECTED),
        (S.CANCELLED, DECLINED),
        (S.OPEN, INVITED),
    ]
    places: dict[int, int] = {}
    for status, code in wanted:
        for m in world.missions:
            if m.status == status and m.was_published and m.id not in places:
                places[m.id] = code
                break
    return places


def _window(world: World, pool: Sequence[int], day: int) -> tuple[int, int]:
    """Positions in ``pool`` (ascending join order) of volunteers who had joined by
    ``day``, and not more than STUDENT_YEARS before it."""
    joined = world.joined.__getitem__
    high = bisect.bisect_right(pool, day, key=joined)
    low = bisect.bisect_left(pool, day - STUDENT_YEARS, key=joined)
    if high == 0:  # a mission older than every volunteer: the earliest ones
        return 0, min(len(pool), 50)
    return (low if low < high else 0), high


def _applicants(
    world: World, m: MissionPlan, rng: random.Random, mean: float, forced: int | None
) -> None:
    today = world.clock.day
    working = m.status in WORKING
    if m.status == S.OPEN:
        fill = min(1.0, 0.25 + (today - m.published) / 14)
        team = min(m.team_size - 1, int(m.team_size * fill * rng.random()))
    elif working:
        team = m.team_size if rng.random() < 0.8 else max(1, m.team_size - 1)
        fill = 1.0
    else:
        team, fill = 0, 1.0
    advisor = working and rng.random() < 0.05
    wanted = max(
        team + advisor + (working and rng.random() < 0.7),
        round(mean * fill * rng.uniform(0.4, 1.6)),
    )
    pools: list[Sequence[int]] = [world.pools[c] for c in m.campuses if len(world.pools[c])]
    if not pools:
        pools = [range(world.sizes.volunteers)]
    windows = [_window(world, pool, m.published) for pool in pools]
    everyone: Sequence[int] = range(world.sizes.volunteers)
    everyone_window = _window(world, everyone, m.published)
    taken: set[int] = {0}  # the named volunteer only where placed on purpose
    chosen: list[int] = []
    codes = bytearray()
    others = (
        OTHERS_OPEN if m.status == S.OPEN else (OTHERS_WORKING if working else OTHERS_CANCELLED)
    )
    for position in range(wanted):
        on_team = position < team + advisor
        code = SELECTED if on_team else rng.choice(others)
        if code == INVITED:
            v = _pick(rng, everyone, everyone_window, taken)
        else:
            which = rng.randrange(len(pools))
            v = _pick(rng, pools[which], windows[which], taken)
        if v is None and on_team:  # a small campus: the team is completed from anywhere
            v = _pick(rng, everyone, (0, len(everyone)), taken)
        if v is None:
            break
        taken.add(v)
        chosen.append(v)
        codes.append(code)
    if forced is not None:
        if forced == SELECTED:  # in the first seat; _team declines one too many
            chosen.insert(0, 0)
            codes.insert(0, SELECTED)
        else:
            chosen.append(0)
            codes.append(forced)
    _team(m, rng, chosen, codes, advisor)
    m.applicants = array("i", chosen)
    m.statuses = bytes(codes)
    m.applied = array("i", (_applied_day(m, rng, today) for _ in chosen))


def _pick(
    rng: random.Random, pool: Sequence[int], window: tuple[int, int], taken: set[int]
) -> int | None:
    low, high = window
    for _ in range(30):
        v = pool[rng.randrange(low, high)]
        if v not in taken:
            return v
    return None


def _team(
    m: MissionPlan, rng: random.Random, chosen: list[int], codes: bytearray, advisor: bool
) -> None:
    """Seats for the selected applicants in order; the last one is the advisor if any."""
    selected = [i for i, code in enumerate(codes) if code == SELECTED]
    if advisor and len(selected) > 1:
        seated, helper = selected[:-1], selected[-1]
    else:
        seated, helper = selected, None
    seated = seated[: m.team_size]
    lead = rng.random() < 0.7
    m.team = [
        (pos, seat, "lead" if lead and seat == 1 else "member")
        for seat, pos in enumerate(seated, 1)
    ]
    if helper is not None:
        m.team.append((helper, 0, "advisor"))
    in_team = {pos for pos, _seat, _role in m.team}
    for i in selected:  # never more selected than seats (+ the advisor)
        if i not in in_team:
            codes[i] = DECLINED


def _applied_day(m: MissionPlan, rng: random.Random, today: int) -> int:
    last = m.close
    if m.cancelled:
        last = min(last, m.cancelled - 1)
    last = min(last, today)
    return m.published + rng.randint(0, max(0, last - m.published))


def decided_day(m: MissionPlan, position: int, code: int, today: int) -> int:
    """When the team (or the volunteer) settled application ``position``: never before
    it was made, never after today."""
    applied = m.applied[position]
    if m.cancelled and code == DECLINED:
        day = m.cancelled
    elif code == WITHDRAWN:
        day = min(applied + 1 + mix(position, m.id) % 10, m.cancelled or m.start, m.start)
    else:  # selections and declines: between the close of applications and the start
        day = m.close + mix(position, m.id) % max(1, m.start - m.close)
    return max(applied, min(day, today))


def seconds(m: MissionPlan, position: int, salt: int = 0) -> int:
    """A time of day (seconds) for the applicant's moments, from their position alone."""
    return 28_800 + mix(position * 7 + salt, m.id) % 36_000
