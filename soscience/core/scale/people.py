"""Campuses and people: the coordination team, supervisors and volunteers (planned here:
who joined when, on which campus, interested in what), and every account written in one
pass with its verified address and role groups.

Organisation members are planned with their organisations (organisations.py) but written
here with everyone else; the volunteers' profiles are written by profiles.py.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils.text import slugify

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.scale import words
from soscience.core.scale.common import (
    HISTORY_DAYS,
    growth_day,
    mix,
    person_email,
    person_name,
)
from soscience.core.scale.world import (
    COORDINATOR,
    MEMBER,
    NAMED,
    SUPERVISOR,
    TOTP_SECRET,
    VOLUNTEER,
    CampusRef,
    World,
)
from soscience.volunteers.models import Campus, VolunteerProfile

MATCHING_CONSENT_PERCENT = 85  # most volunteers let the engine read their profile
NO_CAMPUS_PERCENT = 4


def consents(world: World, index: int) -> bool:
    return index == 0 or mix(index, world.seed + 11) % 100 < MATCHING_CONSENT_PERCENT


def is_researcher(world: World, index: int) -> bool:
    return index != 0 and mix(index, world.seed + 12) % 100 < 15


# --- planning ---------------------------------------------------------------------------


def plan(world: World) -> None:
    existing = dict(User.objects.filter(email__in=list(NAMED)).values_list("email", "id"))
    world.existing_named = existing
    _campuses(world)
    sizes = world.sizes
    staff = sizes.coordinators + sizes.supervisors
    ids = world.sink.ids(User, staff + sizes.volunteers)
    world.coordinators = list(ids[: sizes.coordinators])
    world.supervisors = list(ids[sizes.coordinators : staff])
    world.volunteer_uid = ids.start + staff
    for email, uid in (
        (COORDINATOR, world.coordinators[0]),
        (SUPERVISOR, world.supervisors[0]),
        (VOLUNTEER, world.volunteer_uid),
    ):
        if email in existing:  # an earlier run made it: it keeps its missions, ours get a new one
            continue
        world.named[email] = uid
    world.volunteer_profile_id = world.sink.ids(VolunteerProfile, sizes.volunteers).start
    _volunteers(world)


def member_day(world: World, org: object, position: int) -> int:
    """The day the organisation's ``position``-th member joined (the first registered it)."""
    return min(org.created + 20 * position, world.clock.day)  # type: ignore[attr-defined]


def _campus_names(index: int) -> tuple[str, str, str, str]:
    city, country = words.CAMPUS_CITIES[index % len(words.CAMPUS_CITIES)]
    kind, short = words.CAMPUS_KINDS[(index // len(words.CAMPUS_CITIES)) % len(words.CAMPUS_KINDS)]
    lap = index // (len(words.CAMPUS_CITIES) * len(words.CAMPUS_KINDS))
    name = kind.format(city=city) + (f" {lap + 1}" if lap else "")
    return name, short.format(short=city[:12]), city, country


def _campuses(world: World) -> None:
    """The partner schools, reused when an earlier run made them (slugs are fixed)."""
    rng = world.rng("campuses")
    wanted = [_campus_names(i) for i in range(world.sizes.campuses)]
    slugs = [f"scale-{slugify(name)}"[:50] for name, *_rest in wanted]
    found = dict(Campus.objects.filter(slug__in=slugs).values_list("slug", "id"))
    missing = [i for i, slug in enumerate(slugs) if slug not in found]
    ids = iter(world.sink.ids(Campus, len(missing)))
    new_ids = {i: next(ids) for i in missing}
    home_free = not Campus.objects.filter(is_home=True).exists()
    clock = world.clock

    def rows() -> Iterator[tuple]:
        for i in missing:
            name, short, city, country = wanted[i]
            start = clock.date(growth_day(rng, clock, span=HISTORY_DAYS + 365))
            contact = person_name(100_000_000 + i, world.seed)
            yield (
                new_ids[i],
                name,
                short,
                slugs[i],
                city,
                country,
                home_free and i == 0,
                True,
                contact,
                f"partenariats.{i}@campus.example.org",
                start,
                None,
            )

    world.sink.write(
        Campus,
        (
            "id",
            "name",
            "short_name",
            "slug",
            "city",
            "country",
            "is_home",
            "is_active",
            "contact_name",
            "contact_email",
            "partnership_start",
            "partnership_end",
        ),
        rows(),
    )
    for i, (_name, _short, city, country) in enumerate(wanted):
        campus_id = found.get(slugs[i]) or new_ids[i]
        # A few large schools and many small ones.
        world.campuses.append(CampusRef(campus_id, country, city, 1 / (i + 1) ** 0.8))


def _volunteers(world: World) -> None:
    """Join days (sorted: index order is join order), campus and main interest of each."""
    rng = world.rng("volunteers")
    clock = world.clock
    count = world.sizes.volunteers
    # Joined over five years and a year before the first missions; more of them lately.
    days = sorted(growth_day(rng, clock, newest=1, span=HISTORY_DAYS + 365) for _ in range(count))
    world.joined = array("i", days)
    campus_of = array("h", bytes(2 * count))
    interest = array("b", bytes(count))
    pools: list[array] = [array("i") for _ in world.campuses]
    domains = len(world.domains)
    for v in range(count):
        if v == 0:
            campus = 0  # the named volunteer studies at the first (home) campus
        elif rng.randrange(100) < NO_CAMPUS_PERCENT:
            campus = -1
        else:
            campus = world.weighted_campus(rng)
        campus_of[v] = campus
        interest[v] = rng.randrange(domains)
        if campus >= 0:
            pools[campus].append(v)
    world.campus_of, world.interest, world.pools = campus_of, interest, pools


# --- writing ----------------------------------------------------------------------------


def _accounts(world: World) -> Iterator[tuple[int, str, str, str, int, str]]:
    """(uid, email, full name, language, day joined, group) of every account made now."""
    seed, clock = world.seed, world.clock
    named = {uid: email for email, uid in world.named.items()}
    early = clock.day - HISTORY_DAYS - 300
    for i, uid in enumerate(world.coordinators):
        yield (
            uid,
            named.get(uid) or person_email(uid, seed, "team.example.org"),
            NAMED[COORDINATOR] if uid in named else person_name(uid, seed),
            "fr",
            early + 30 * i,
            Role.COORDINATOR,
        )
    for i, uid in enumerate(world.supervisors):
        day = early + (i * HISTORY_DAYS) // max(1, len(world.supervisors))
        yield (
            uid,
            named.get(uid) or person_email(uid, seed, "team.example.org"),
            NAMED[SUPERVISOR] if uid in named else person_name(uid, seed),
            "fr",
            day,
            Role.SUPERVISOR,
        )
    for v, day in enumerate(world.joined):
        uid = world.volunteer_uid + v
        language = world.volunteer_language(v)
        if uid in named:
            yield uid, named[uid], NAMED[VOLUNTEER], language, day, Role.VOLUNTEER
        else:
            yield (
                uid,
                person_email(uid, seed, "etu.example.org"),
                person_name(uid, seed),
                language,
                day,
                Role.VOLUNTEER,
            )
    for org in world.organisations:
        for position, uid in enumerate(org.members):
            if uid in named:
                yield uid, named[uid], NAMED[MEMBER], "en", org.created, ""
                continue
            language = "en" if org.country in words.ENGLISH_COUNTRIES else "fr"
            yield (
                uid,
                person_email(uid, seed, "asso.example.org"),
                person_name(uid, seed),
                language,
                member_day(world, org, position),
                "",
            )


def write_accounts(world: World) -> None:
    clock, password = world.clock, world.password_hash
    rng = world.rng("logins")

    def users() -> Iterator[tuple]:
        for uid, email, name, language, day, _group in _accounts(world):
            joined = clock.work_time(rng, day)
            login = (
                clock.work_time(rng, rng.randint(day, clock.day - 1)) if day < clock.day else joined
            )
            yield (
                uid,
                password,
                login,
                False,
                email,
                name,
                language,
                True,
                False,
                joined,
                None,
                None,
            )

    world.sink.write(
        User,
        (
            "id",
            "password",
            "last_login",
            "is_superuser",
            "email",
            "full_name",
            "language",
            "is_active",
            "is_staff",
            "date_joined",
            "retention_warned_at",
            "anonymised_at",
        ),
        users(),
    )
    # Verified addresses: allauth lets nobody log in with an unverified one.
    world.sink.write(
        EmailAddress,
        ("user_id", "email", "verified", "primary"),
        ((uid, email, True, True) for uid, email, *_rest in _accounts(world)),
    )
    groups = world.groups
    world.sink.write(
        User.groups.through,
        ("user_id", "group_id"),
        ((uid, groups[group]) for uid, _e, _n, _l, _d, group in _accounts(world) if group),
    )
    # The named coordinator and supervisor pass the second-factor rule of their roles.
    for email in (COORDINATOR, SUPERVISOR):
        if email in world.named:
            TOTP.activate(User(pk=world.named[email]), TOTP_SECRET)
