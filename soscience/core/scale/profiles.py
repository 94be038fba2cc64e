"""Volunteers' profiles: the profile rows, domains of interest, skills from the taxonomy
(mostly of their main domain), availabilities, the matching consents with the version of
the text agreed to, and the campuses' ambassadors."""

from __future__ import annotations

import random
from collections.abc import Iterator

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.scale import words
from soscience.core.scale.common import mix
from soscience.core.scale.people import consents, is_researcher
from soscience.core.scale.world import World
from soscience.privacy.consents import TEXT_VERSIONS
from soscience.privacy.models import Consent
from soscience.volunteers.models import (
    Ambassadorship,
    Availability,
    VolunteerProfile,
    VolunteerSkill,
)


def write(world: World) -> None:
    _profiles(world)
    _profile_domains(world)
    _skills(world)
    _availabilities(world)
    _consents(world)
    _ambassadors(world)


def _profiles(world: World) -> None:
    rng, clock, seed = world.rng("profiles"), world.clock, world.seed
    notify = (
        (VolunteerProfile.Notify.WEEKLY,) * 3
        + (VolunteerProfile.Notify.EACH,) * 2
        + (VolunteerProfile.Notify.NEVER,)
    )
    languages = (
        ["fr"],
        ["fr", "en"],
        ["fr", "en"],
        ["fr", "en", "es"],
    )

    def rows() -> Iterator[tuple]:
        for v, day in enumerate(world.joined):
            campus_index = world.campus_of[v]
            campus = world.campuses[campus_index] if campus_index >= 0 else None
            researcher = is_researcher(world, v)
            created = clock.work_time(rng, day)
            updated = clock.work_time(rng, rng.randint(day, max(day, clock.day - 1)))
            programme = words.PROGRAMMES[mix(v, seed + 14) % len(words.PROGRAMMES)]
            yield (
                world.volunteer_profile_id + v,
                world.volunteer_uid + v,
                "researcher" if researcher else "student",
                campus.id if campus else None,
                programme,
                None if researcher else rng.randint(1, 5),
                f"{programme}. Intéressé·e par les projets à impact social." if v % 3 == 0 else "",
                rng.choice(languages),
                campus.country if campus else "FR",
                campus.city if campus else "",
                rng.choice(notify),
                created if consents(world, v) else None,
                rng.random() < 0.3,
                created,
                updated,
            )

    world.sink.write(
        VolunteerProfile,
        (
            "id",
            "user_id",
            "kind",
            "campus_id",
            "programme",
            "year",
            "bio",
            "languages",
            "country",
            "city",
            "notify",
            "consent_matching_at",
            "campus_digest",
            "created_at",
            "updated_at",
        ),
        rows(),
    )


def _profile_domains(world: World) -> None:
    rng = world.rng("profile-domains")
    domains = world.domains

    def rows() -> Iterator[tuple]:
        for v in range(world.sizes.volunteers):
            main = world.interest[v]
            profile = world.volunteer_profile_id + v
            yield profile, domains[main][0]
            if rng.random() < 0.5:
                other = (main + rng.randrange(1, len(domains))) % len(domains)
                yield profile, domains[other][0]

    world.sink.write(VolunteerProfile.domains.through, ("volunteerprofile_id", "domain_id"), rows())


def volunteer_skills(world: World, v: int, rng: random.Random) -> list[tuple[int, int]]:
    """(skill id, level) of volunteer ``v``: mostly of their main domain."""
    main = world.skills_by_domain[world.interest[v]]
    count = 4 if v == 0 else rng.choice((2, 3, 3, 4, 4, 5, 6))
    picked = {ref.id for ref in rng.sample(main, min(len(main), count - 1))}
    other = world.skills_by_domain[rng.randrange(len(world.skills_by_domain))]
    picked.add(rng.choice(other).id)
    return [(skill, rng.choice((1, 2, 2, 2, 3, 3))) for skill in sorted(picked)]


def _skills(world: World) -> None:
    rng = world.rng("volunteer-skills")

    def rows() -> Iterator[tuple]:
        for v in range(world.sizes.volunteers):
            profile = world.volunteer_profile_id + v
            for skill, level in volunteer_skills(world, v, rng):
                yield profile, skill, level

    world.sink.write(VolunteerSkill, ("profile_id", "skill_id", "level"), rows())


def _availabilities(world: World) -> None:
    rng, clock = world.rng("availabilities"), world.clock

    def rows() -> Iterator[tuple]:
        for v in range(world.sizes.volunteers):
            if v != 0 and rng.random() > 0.35:
                continue
            start = max(world.joined[v], clock.day - 30) + rng.randint(0, 60)
            end = start + rng.randint(30, 180)
            yield (
                world.volunteer_profile_id + v,
                clock.date(start),
                clock.date(end),
                rng.randint(2, 10),
            )

    world.sink.write(Availability, ("profile_id", "start", "end", "hours_per_week"), rows())


def _consents(world: World) -> None:
    rng, clock = world.rng("consents"), world.clock
    version = TEXT_VERSIONS[Consent.Purpose.MATCHING]

    def rows() -> Iterator[tuple]:
        for v, day in enumerate(world.joined):
            if consents(world, v):
                yield (
                    world.volunteer_uid + v,
                    Consent.Purpose.MATCHING,
                    version,
                    True,
                    clock.work_time(rng, day),
                )

    world.sink.write(Consent, ("user_id", "purpose", "text_version", "given", "at"), rows())


def _ambassadors(world: World) -> None:
    """One or two recent volunteers relay missions on each campus."""
    rng, clock = world.rng("ambassadors"), world.clock
    chosen: list[tuple[int, int, int]] = []  # (uid, campus id, since day)
    for campus, pool in zip(world.campuses, world.pools, strict=True):
        recent = [v for v in pool[-50:] if v != 0]
        for v in rng.sample(recent, min(len(recent), 1 + (len(pool) > 2000))):
            chosen.append((world.volunteer_uid + v, campus.id, world.joined[v]))
    group = world.groups[Role.AMBASSADOR]
    world.sink.write(
        User.groups.through,
        ("user_id", "group_id"),
        ((uid, group) for uid, _campus, _day in chosen),
    )
    world.sink.write(
        Ambassadorship,
        ("user_id", "campus_id", "since"),
        (
            (uid, campus, clock.date(min(clock.day, day + rng.randint(30, 200))))
            for uid, campus, day in chosen
        ),
    )
