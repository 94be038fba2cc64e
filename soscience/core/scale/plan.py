"""The missions and needs, planned before anything is written: status, organisation,
supervisor, campuses, domains and skills, and every date of each mission's life.

Statuses are shared out by quota (every status appears as soon as there are ten missions)
and dated so that each status is true today: a closed mission was published, kicked off,
delivered, accepted and closed, in that order, all in the past; an open one was published
in the last three weeks and starts later; a mission in progress started and has not ended.
Missions and needs are numbered in the order they were created.
"""

from __future__ import annotations

import bisect
import random

from soscience.core.scale import organisations, phrases, words
from soscience.core.scale.common import growth_day
from soscience.core.scale.world import SkillRef, World
from soscience.missions.models import Mission
from soscience.needs.models import Need

S = Mission.Status
# Shares per status: a platform some years old, most missions closed, a tenth published.
STATUS_SHARES = (
    (S.DRAFT, 3),
    (S.AWAITING_APPROVAL, 2),
    (S.CHANGES_REQUESTED, 1),
    (S.APPROVED, 2),
    (S.OPEN, 10),
    (S.IN_PROGRESS, 12),
    (S.DELIVERED, 2),
    (S.ACCEPTED, 2),
    (S.CLOSED, 58),
    (S.CANCELLED, 8),
)
WORKING = frozenset({S.IN_PROGRESS, S.DELIVERED, S.ACCEPTED, S.CLOSED})  # with a team at work
HANDED_OVER = frozenset({S.DELIVERED, S.ACCEPTED, S.CLOSED})
# Needs that did not become missions, per status (shares of ``Sizes.extra_needs``).
EXTRA_NEED_SHARES = (
    (Need.Status.SUBMITTED, 8),
    (Need.Status.SCOPING, 6),
    (Need.Status.DECLINED, 55),
    (Need.Status.DUPLICATE, 12),
    (Need.Status.WITHDRAWN, 19),
)


class MissionPlan:
    """One mission; days are day numbers (0: not happened), people are user ids."""

    __slots__ = (
        "accepted",
        "app_first_id",
        "applicants",
        "applied",
        "approved",
        "budget",
        "campuses",
        "cancelled",
        "changes",
        "city",
        "close",
        "closed",
        "country",
        "created",
        "creator",
        "delivered",
        "discreet",
        "domains",
        "end",
        "english",
        "hours_per_week",
        "id",
        "languages",
        "need",
        "org",
        "published",
        "resubmitted",
        "skills",
        "start",
        "status",
        "statuses",
        "submitted",
        "supervisor",
        "team",
        "team_hours",
        "team_size",
        "title",
        "topic",
        "weeks",
        "work_mode",
    )

    def __init__(self, status: str) -> None:
        self.status = status
        self.id = 0
        for name in (
            "accepted",
            "approved",
            "cancelled",
            "changes",
            "close",
            "closed",
            "created",
            "delivered",
            "published",
            "resubmitted",
            "start",
            "end",
            "submitted",
        ):
            setattr(self, name, 0)
        self.app_first_id = 0
        self.applicants: list[int] = []  # volunteer indices, in application order
        self.statuses = b""  # one code per applicant (staffing.py)
        self.applied: list[int] = []  # per applicant: day applied (or invited)
        self.team: list[tuple[int, int, str]] = []  # (applicant position, seat or 0, role)
        self.team_hours: list[int] = []  # validated hours x 100 per team member (work.py)

    @property
    def is_working(self) -> bool:
        return self.status in WORKING

    @property
    def was_published(self) -> bool:
        return bool(self.published)


class NeedPlan:
    __slots__ = (
        "city",
        "country",
        "day",
        "domains",
        "duplicate_of",
        "english",
        "id",
        "mission",
        "org",
        "status",
        "title",
        "triaged",
    )

    def __init__(self, org: organisations.OrgPlan, status: str, day: int) -> None:
        self.org, self.status, self.day = org, status, day
        self.id = self.triaged = 0
        self.mission: MissionPlan | None = None
        self.duplicate_of: NeedPlan | None = None
        self.domains: tuple[int, ...] = ()
        self.title = self.country = self.city = ""
        self.english = False


def quotas(total: int, shares: tuple[tuple[str, int], ...]) -> list[str]:
    """``total`` statuses in the given shares (largest remainders), each at least once
    when there is room for all."""
    weight = sum(share for _status, share in shares)
    counts = {status: total * share // weight for status, share in shares}
    by_remainder = sorted(shares, key=lambda item: -(total * item[1] % weight))
    for status, _share in by_remainder[: total - sum(counts.values())]:
        counts[status] += 1
    if total >= len(shares):
        for status, _share in shares:
            if counts[status] == 0:
                largest = max(counts, key=counts.__getitem__)
                counts[largest] -= 1
                counts[status] = 1
    return [status for status, _share in shares for _ in range(counts[status])]


def plan(world: World) -> None:
    rng = world.rng("missions")
    statuses = quotas(world.sizes.missions, STATUS_SHARES)
    rng.shuffle(statuses)
    missions = [MissionPlan(status) for status in statuses]
    # The named member's organisation (index 0) has its own dozen missions, below; the others
    # are chosen by weight: a few organisations bring many missions, most a handful.
    verified = [
        o for o in world.organisations[1:] if o.status == organisations.Status.VERIFIED
    ] or world.organisations[:1]
    weights = [1 / (i + 1) ** 0.5 for i in range(len(verified))]
    cumulative = [0.0]
    for weight in weights:
        cumulative.append(cumulative[-1] + weight)
    bench_org_every = max(2, len(missions) // 12)
    bench_supervisor_every = max(1, len(missions) // 50)
    for i, m in enumerate(missions):
        if i % bench_org_every == 0:
            m.org = world.organisations[0]  # the named member's (not yet sorted: index 0)
        else:
            m.org = verified[bisect.bisect_right(cumulative, rng.random() * cumulative[-1]) - 1]
        if i % bench_supervisor_every == 0:
            m.supervisor = world.supervisors[0]
        else:
            m.supervisor = world.supervisors[1 + rng.randrange(len(world.supervisors) - 1)]
        m.creator = rng.choice(world.coordinators)
        _order(world, m, rng)
        _dates(world, m, rng)
    needs = [_need_of(m, rng) for m in missions] + _extra_needs(world, rng)
    _number(world, missions, needs)
    world.missions, world.needs = missions, needs


def _order(world: World, m: MissionPlan, rng: random.Random) -> None:
    """What the mission order says."""
    org = m.org
    m.country = org.country
    m.city = org.city
    m.english = org.country in words.ENGLISH_COUNTRIES
    m.languages = list(words.LANGUAGES_BY_COUNTRY.get(org.country, ("fr",)))
    if m.languages == ["fr"] and rng.random() < 0.2:
        m.languages = ["fr", "en"]
    domains = len(world.domains)
    first = rng.randrange(domains)
    m.domains = (
        (first,) if rng.random() < 0.7 else (first, (first + rng.randrange(1, domains)) % domains)
    )
    skills: list[SkillRef] = rng.sample(
        world.skills_by_domain[first], min(3, len(world.skills_by_domain[first]))
    )
    if len(m.domains) > 1:
        skills.append(rng.choice(world.skills_by_domain[m.domains[1]]))
    chosen = {s.id: s for s in skills[: rng.randint(2, 4)]}
    m.skills = tuple((skill_id, rng.choice((1, 2, 2, 3))) for skill_id in sorted(chosen))
    slug = world.domains[first][1]
    topics = phrases.TOPICS.get(slug) or phrases.TOPICS["data"]
    m.topic = rng.randrange(len(topics))
    action = rng.choice(phrases.ACTIONS)
    beneficiary = rng.choice(phrases.BENEFICIARIES)
    topic = topics[m.topic]
    if m.english:
        m.title = f"{action[1]} {topic[1]} for {beneficiary[1]} in {m.city}"
    else:
        m.title = f"{action[0]} {topic[0]} pour {beneficiary[0]} à {m.city}"
    m.title = m.title[:200]
    m.team_size = rng.choice((1, 2, 2, 2, 3, 3, 3, 4, 4, 5))
    m.hours_per_week = rng.randint(2, 8)
    m.work_mode = rng.choice(
        (Mission.WorkMode.REMOTE,) * 2 + (Mission.WorkMode.HYBRID, Mission.WorkMode.ON_SITE)
    )
    m.budget = rng.choice((0, 0, 50, 100, 200, 300, 500, 800, 1200))
    m.discreet = rng.random() < 0.15
    m.campuses = _campuses(world, rng)


def _campuses(world: World, rng: random.Random) -> tuple[int, ...]:
    """The campuses the mission is offered to: none (everyone) for a tenth, else one to
    four, the large schools more often, the home campus for about a third."""
    if rng.random() < 0.1:
        return ()
    count = min(len(world.campuses), rng.choice((1, 1, 1, 1, 2, 2, 2, 3, 3, 4)))
    chosen: set[int] = set()
    if rng.random() < 0.3:
        chosen.add(0)
    while len(chosen) < count:
        chosen.add(world.weighted_campus(rng))
    return tuple(sorted(chosen))


def _dates(world: World, m: MissionPlan, rng: random.Random) -> None:
    """Every date of the mission's life, consistent with its status today."""
    clock = world.clock
    today = clock.day
    m.weeks = rng.randint(4, 12)  # PlatformSettings' default maximum is twelve weeks
    length = 7 * m.weeks

    def publish(day: int) -> None:  # forwards from the publication
        m.published, m.close = day, day + rng.randint(14, 21)
        m.start = m.close + rng.randint(7, 14)
        m.end = m.start + length

    def start_on(day: int) -> None:  # backwards from the start
        m.start, m.end = day, day + length
        m.close = day - rng.randint(7, 14)
        m.published = m.close - rng.randint(14, 21)

    match m.status:
        case S.CLOSED:
            publish(growth_day(rng, clock, newest=170))  # the longest life fits before today
            m.delivered = m.end + rng.randint(-7, 5)
            m.accepted = m.delivered + rng.randint(2, 14)
            m.closed = m.accepted + rng.randint(3, 21)
        case S.ACCEPTED:
            m.accepted = today - rng.randint(0, 20)
            m.delivered = m.accepted - rng.randint(2, 14)
            start_on(m.delivered + rng.randint(-5, 7) - length)
        case S.DELIVERED:
            m.delivered = today - rng.randint(0, 14)
            start_on(m.delivered + rng.randint(-5, 7) - length)
        case S.IN_PROGRESS:
            start_on(today - rng.randint(0, length - 1))
        case S.OPEN:
            publish(today - rng.randint(0, 20))
        case S.CANCELLED if rng.random() < 0.55:  # cancelled while published
            publish(growth_day(rng, clock, newest=40))
            m.cancelled = min(today - 1, m.published + rng.randint(3, 30))
        case S.CANCELLED:  # cancelled before publication, some after the approval
            m.created = growth_day(rng, clock, newest=60)
            if rng.random() < 0.5:
                m.submitted = m.created + rng.randint(2, 5)
                m.approved = m.submitted + rng.randint(1, 5)
            m.cancelled = max(m.created, m.approved) + rng.randint(5, 40)
            m.start = m.cancelled + rng.randint(10, 60)
            m.end = m.start + length
        case S.APPROVED:
            m.approved = today - rng.randint(0, 20)
        case S.AWAITING_APPROVAL:
            m.submitted = today - rng.randint(0, 14)
        case S.CHANGES_REQUESTED:
            m.changes = today - rng.randint(0, 14)
            m.submitted = m.changes - rng.randint(1, 7)
        case S.DRAFT:
            m.created = today - rng.randint(0, 30)
    if not m.start:
        m.start = today + rng.randint(21, 80)
        m.end = m.start + length
    _before_publication(m, rng)


def _before_publication(m: MissionPlan, rng: random.Random) -> None:
    """Approval, the order sent (sometimes twice, after the organisation asked for
    changes) and the draft, backwards from the publication."""
    if m.published and not m.approved:
        m.approved = m.published - rng.randint(1, 7)
    if m.approved and not m.submitted:
        if rng.random() < 0.15:
            m.resubmitted = m.approved - rng.randint(1, 7)
            m.changes = m.resubmitted - rng.randint(1, 5)
            m.submitted = m.changes - rng.randint(1, 7)
        else:
            m.submitted = m.approved - rng.randint(2, 14)
    if m.submitted and not m.created:
        m.created = m.submitted - rng.randint(2, 10)


def _need_of(m: MissionPlan, rng: random.Random) -> NeedPlan:
    need = NeedPlan(m.org, Need.Status.SCOPING, m.created - rng.randint(7, 45))
    need.triaged = min(m.created, need.day + rng.randint(1, 10))
    need.mission = m
    need.domains, need.title, need.english = m.domains, m.title, m.english
    need.country, need.city = m.country, m.city
    m.need = need
    return need


def _extra_needs(world: World, rng: random.Random) -> list[NeedPlan]:
    """Needs that are not missions: waiting for triage, being scoped, declined, marked
    duplicate or withdrawn. The named member's organisation gets one of each."""
    clock = world.clock
    verified = [o for o in world.organisations if o.status == organisations.Status.VERIFIED]
    statuses = quotas(world.sizes.extra_needs, EXTRA_NEED_SHARES)
    rng.shuffle(statuses)
    needs = []
    for i, status in enumerate(statuses):
        org = world.organisations[0] if i < len(EXTRA_NEED_SHARES) else rng.choice(verified)
        if i < len(EXTRA_NEED_SHARES):
            status = EXTRA_NEED_SHARES[i][0]
        if status == Need.Status.SUBMITTED:
            day = clock.day - rng.randint(0, 30)
        elif status == Need.Status.SCOPING:
            day = clock.day - rng.randint(5, 60)
        else:
            day = growth_day(rng, clock, newest=15)
        need = NeedPlan(org, status, day)
        if status not in (Need.Status.SUBMITTED, Need.Status.WITHDRAWN):
            need.triaged = min(clock.day, day + rng.randint(1, 10))
        first = rng.randrange(len(world.domains))
        need.domains = (first,)
        topics = phrases.TOPICS.get(world.domains[first][1]) or phrases.TOPICS["data"]
        topic = rng.choice(topics)
        need.english = org.country in words.ENGLISH_COUNTRIES
        need.title = (f"Help with {topic[1]}" if need.english else f"Besoin d'aide : {topic[0]}")[
            :200
        ]
        need.country, need.city = org.country, org.city
        needs.append(need)
    return needs


def _number(world: World, missions: list[MissionPlan], needs: list[NeedPlan]) -> None:
    """Ids in order of creation; organisations dated before their first need; each
    duplicate points at an earlier need of its organisation (or any earlier one)."""
    first_need: dict[int, int] = {}
    for need in needs:
        if need.day < first_need.get(need.org.index, need.day + 1):
            first_need[need.org.index] = need.day
    organisations.settle(world, first_need)
    needs.sort(key=lambda n: n.day)
    for need, need_id in zip(needs, world.sink.ids(Need, len(needs)), strict=True):
        need.id = need_id
    latest_by_org: dict[int, NeedPlan] = {}
    previous: NeedPlan | None = None
    for need in needs:
        if need.status == Need.Status.DUPLICATE:
            need.duplicate_of = latest_by_org.get(need.org.index) or previous
            if need.duplicate_of is None:
                need.status = Need.Status.DECLINED
        latest_by_org[need.org.index] = need
        previous = need
    missions.sort(key=lambda m: (m.created, m.need.id))
    for m, mission_id in zip(missions, world.sink.ids(Mission, len(missions)), strict=True):
        m.id = mission_id
