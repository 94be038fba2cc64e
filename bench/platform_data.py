"""A synthetic platform for `bench_platform.py`: organisations, needs, missions across
statuses, countries, domains and campuses, volunteers with profiles and team places,
validated hours and closing surveys, written with bulk_create (seeded, reproducible).

Only call :func:`populate` once Django is set up on a throwaway database: it writes rows
straight to the tables, without the services' checks or mails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications.models import Application, TeamMember
from soscience.closing.models import OrganisationSurvey
from soscience.core.models import Domain
from soscience.execution.models import HoursEntry
from soscience.impact import rollup
from soscience.missions.models import Mission
from soscience.needs.models import Need
from soscience.organisations.models import Organisation
from soscience.volunteers.models import Campus, VolunteerProfile

S = Mission.Status
# Share of missions per status: most are closed, as on a platform a few years old.
STATUS_WEIGHTS = {
    S.DRAFT: 5, S.AWAITING_APPROVAL: 3, S.CHANGES_REQUESTED: 1, S.APPROVED: 3, S.OPEN: 10,
    S.IN_PROGRESS: 15, S.DELIVERED: 4, S.ACCEPTED: 4, S.CLOSED: 45, S.CANCELLED: 10,
}  # fmt: skip
# Days between publication and today, per status (a closed mission was published long ago).
PUBLISHED_DAYS_AGO = {
    S.OPEN: (1, 45), S.IN_PROGRESS: (40, 120), S.DELIVERED: (130, 200),
    S.ACCEPTED: (140, 220), S.CLOSED: (230, 1800), S.CANCELLED: (30, 1500),
}  # fmt: skip
WORKING = (S.IN_PROGRESS, S.DELIVERED, S.ACCEPTED, S.CLOSED)  # missions with a team and hours
COUNTRIES = [
    "SN", "FR", "BF", "CI", "ML", "MA", "TN", "CM", "BJ", "TG", "MG", "HT", "CD", "NE", "GN",
    "PH", "VN", "KH", "IN", "BR", "PE", "BO", "CO", "MX", "GH",
]  # fmt: skip
CAMPUSES = [
    ("ESPCI Paris - PSL", "espci"), ("Mines Paris - PSL", "mines"), ("ESTP Paris", "estp"),
    ("AgroParisTech", "agroparistech"), ("Télécom Paris", "telecom"),
    ("INSA Lyon", "insa-lyon"), ("Institut 2iE", "2ie"), ("UCAD", "ucad"),
]  # fmt: skip
HOURS = [Decimal(h) for h in ("0.50", "1.00", "1.50", "2.00", "2.50", "3.00", "4.00", "6.00")]
WORDS = [
    "filtre", "sable", "puits", "pompe", "solaire", "batterie", "capteur", "données",
    "cartographie", "irrigation", "séchoir", "compost", "biogaz", "panneau", "onduleur",
    "prototype", "plan", "essai", "mesure", "rapport", "atelier",
]  # fmt: skip


@dataclass(frozen=True)
class Sizes:
    organisations: int
    missions: int
    volunteers: int
    hours: int
    surveys: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(full: int) -> int:
            return max(10, round(full * scale))

        return cls(n(2_000), n(5_000), n(20_000), n(200_000), n(2_000))


@dataclass(frozen=True)
class Platform:
    coordinator: User
    sizes: Sizes
    team_members: int


@contextlib.contextmanager
def keeping_dates(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk_create write the dates we give to ``auto_now_add`` fields (joined_at,
    answered_at): the data set spans years, not the second it was generated."""
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words)).capitalize() + "."


def _users(prefix: str, count: int, rng: random.Random) -> list[User]:
    return User.objects.bulk_create(
        User(
            email=f"{prefix}{i}@bench.example.org",
            full_name=f"{prefix.capitalize()} {_text(rng, 2)[:-1]} {i}",
            language=rng.choice(("fr", "en")),
            password="!",  # noqa: S106 (unusable: nobody logs in)
        )
        for i in range(count)
    )


def _organisations(creators: list[User], rng: random.Random) -> list[Organisation]:
    return Organisation.objects.bulk_create(
        Organisation(
            name=f"Association {_text(rng, 2)[:-1]} {i}",
            legal_form=Organisation.LegalForm.ASSOCIATION,
            country=rng.choice(COUNTRIES),
            city="Thiès",
            social_mission=_text(rng, 12),
            beneficiaries=_text(rng, 6),
            rna=f"W{i:09d}",
            status=Organisation.Status.VERIFIED,
            created_by=creator,
        )
        for i, creator in enumerate(creators)
    )


def _mission(
    i: int, org: Organisation, need: Need, supervisor: User, rng: random.Random, now: dt.datetime
) -> Mission:
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    days = PUBLISHED_DAYS_AGO.get(status)
    if status == S.CANCELLED and rng.random() < 0.3:
        days = None  # cancelled before it was ever published
    published = now - dt.timedelta(days=rng.uniform(*days)) if days else None
    base = (published or now).date()
    start = base + dt.timedelta(days=21)
    end = start + dt.timedelta(weeks=rng.randint(8, 16))
    m = Mission(
        need=need, organisation=org, title=f"Mission {i}: {_text(rng, 4)[:-1]}",
        context=_text(rng, 20), problem=_text(rng, 20), objectives=_text(rng, 12),
        deliverables=_text(rng, 8), out_of_scope=_text(rng, 6), team_size=rng.randint(2, 6),
        hours_per_week=rng.randint(3, 8), start_date=start, end_date=end,
        country=org.country, city=org.city, languages=["fr"], supervisor=supervisor,
        status=status, published_at=published, created_by=org.created_by,
    )  # fmt: skip
    if status in WORKING:
        m.kicked_off_on = start
    if status in (S.DELIVERED, S.ACCEPTED, S.CLOSED):
        m.delivered_at = min(now, published + dt.timedelta(days=21 + (end - start).days))
    if status in (S.ACCEPTED, S.CLOSED):
        m.accepted_at = min(now, m.delivered_at + dt.timedelta(days=7))
    if status == S.CLOSED:
        m.closed_at = min(now, m.accepted_at + dt.timedelta(days=14))
    if status == S.CANCELLED:
        m.cancelled_at = (published or now - dt.timedelta(days=rng.uniform(5, 900))) + (
            dt.timedelta(days=rng.uniform(5, 20))
        )
        m.cancel_reason = _text(rng, 6)
    return m


def _missions(
    orgs: list[Organisation], supervisors: list[User], count: int, rng: random.Random
) -> list[Mission]:
    now = timezone.now()
    chosen = [rng.choice(orgs) for _ in range(count)]
    needs = Need.objects.bulk_create(
        Need(
            organisation=org,
            title=f"Need {i}",
            problem=_text(rng, 20),
            desired_outcome=_text(rng, 8),
            country=org.country,
            city=org.city,
            submitted_by=org.created_by,
            status=Need.Status.SCOPING,
            submitted_at=now - dt.timedelta(days=1900),
        )
        for i, org in enumerate(chosen)
    )
    missions = [
        _mission(i, org, need, rng.choice(supervisors), rng, now)
        for i, (org, need) in enumerate(zip(chosen, needs, strict=True))
    ]
    # A need is submitted some weeks before its mission is published.
    for mission, need in zip(missions, needs, strict=True):
        need.submitted_at = (mission.published_at or now) - dt.timedelta(days=rng.uniform(7, 60))
    Need.objects.bulk_update(needs, ["submitted_at"], batch_size=2000)
    return Mission.objects.bulk_create(missions)


def _links(missions: list[Mission], campuses: list[Campus], rng: random.Random) -> None:
    domains = list(Domain.objects.all())
    Mission.domains.through.objects.bulk_create(
        Mission.domains.through(mission_id=m.pk, domain_id=d.pk)
        for m in missions
        for d in rng.sample(domains, rng.choice((1, 1, 2)))
    )
    Mission.campuses.through.objects.bulk_create(
        Mission.campuses.through(mission_id=m.pk, campus_id=c.pk)
        for m in missions
        for c in rng.sample(campuses, rng.choice((1, 2, 3)))
    )


def _profiles(volunteers: list[User], campuses: list[Campus], rng: random.Random) -> None:
    now = timezone.now()
    VolunteerProfile.objects.bulk_create(
        VolunteerProfile(
            user=v,
            campus=rng.choice(campuses) if rng.random() < 0.9 else None,
            programme="Ingénierie",
            languages=["fr", "en"],
            consent_matching_at=now,
        )
        for v in volunteers
    )


def _teams(missions: list[Mission], volunteers: list[User], rng: random.Random) -> list:
    """Teams of the missions under way or done (and of a third of the open ones): a
    selected application and a seat each, the first seat leads."""
    staffed = [
        m for m in missions if m.status in WORKING or (m.status == S.OPEN and rng.random() < 0.3)
    ]
    places = []
    for m in staffed:
        for seat, v in enumerate(rng.sample(volunteers, m.team_size), start=1):
            joined = m.published_at + dt.timedelta(days=rng.uniform(3, 20))
            places.append((m, v, seat, joined))
    applications = Application.objects.bulk_create(
        Application(
            mission=m,
            volunteer=v,
            status=Application.Status.SELECTED,
            motivation=_text(rng, 10),
            availability_confirmed=True,
            applied_at=joined - dt.timedelta(days=2),
            decided_at=joined,
        )
        for m, v, _seat, joined in places
    )
    with keeping_dates(TeamMember._meta.get_field("joined_at")):
        return TeamMember.objects.bulk_create(
            TeamMember(
                mission=m,
                application=a,
                volunteer=v,
                seat=seat,
                capacity=m.team_size,
                role=TeamMember.Role.LEAD if seat == 1 else TeamMember.Role.MEMBER,
                joined_at=joined,
            )
            for (m, v, seat, joined), a in zip(places, applications, strict=True)
        )


def _hours(team: list[TeamMember], count: int, rng: random.Random) -> None:
    today = timezone.localdate()
    working = [t for t in team if t.mission.status in WORKING]
    batch = []
    for _ in range(count):
        t = rng.choice(working)
        m = t.mission
        last = min(m.end_date, today) - m.start_date
        worked = m.start_date + dt.timedelta(days=rng.randint(0, max(last.days, 0)))
        batch.append(
            HoursEntry(
                mission=m,
                volunteer=t.volunteer,
                worked_on=worked,
                hours=rng.choice(HOURS),
                description=_text(rng, 6),
                validated_by_id=m.supervisor_id,
                validated_at=dt.datetime.combine(worked, dt.time(18), tzinfo=dt.UTC)
                + dt.timedelta(days=3),
            )
        )
        if len(batch) == 20_000:
            HoursEntry.objects.bulk_create(batch)
            batch = []
    HoursEntry.objects.bulk_create(batch)
    # bulk_create sends no signal: the sums the impact figures add up, made once.
    rollup.rebuild()


def _surveys(missions: list[Mission], count: int, rng: random.Random) -> None:
    closed = [m for m in missions if m.status == S.CLOSED][:count]
    applied = list(OrganisationSurvey.Applied)
    with keeping_dates(OrganisationSurvey._meta.get_field("answered_at")):
        OrganisationSurvey.objects.bulk_create(
            OrganisationSurvey(
                mission=m,
                worked=rng.randint(2, 5),
                applied=rng.choice(applied),
                local_impact=_text(rng, 30),
                beneficiaries=rng.randint(20, 3000),
                recommend=rng.choice((6, 7, 8, 9, 9, 10, 10, 10)),
                testimonial=_text(rng, 15) if rng.random() < 0.4 else "",
                testimonial_consent=rng.random() < 0.3,
                case_consent=rng.random() < 0.3,
                answered_by=m.organisation.created_by,
                answered_at=m.closed_at,
            )
            for m in closed
        )


def populate(scale: float, seed: int = 7) -> Platform:
    """Write the whole synthetic platform in one transaction; returns its coordinator."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible by design)
    sizes = Sizes.at(scale)
    with transaction.atomic():
        campuses = Campus.objects.bulk_create(
            Campus(name=name, short_name=slug.upper(), slug=slug, city="Paris", is_home=i == 0)
            for i, (name, slug) in enumerate(CAMPUSES)
        )
        coordinator = User.objects.create(
            email="coordinator@bench.example.org", full_name="Claire Coordinatrice", language="en"
        )
        coordinator.groups.add(Group.objects.get(name=Role.COORDINATOR))
        supervisors = _users("supervisor", 20, rng)
        volunteers = _users("volunteer", sizes.volunteers, rng)
        orgs = _organisations(_users("member", sizes.organisations, rng), rng)
        missions = _missions(orgs, supervisors, sizes.missions, rng)
        _links(missions, campuses, rng)
        _profiles(volunteers, campuses, rng)
        team = _teams(missions, volunteers, rng)
        _hours(team, sizes.hours, rng)
        _surveys(missions, sizes.surveys, rng)
    return Platform(coordinator=coordinator, sizes=sizes, team_members=len(team))
