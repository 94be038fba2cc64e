"""Organisations and their members: most verified, a few waiting for review or rejected.

Planned in two steps: :func:`plan` makes them (missions then choose among the verified
ones), :func:`settle` dates them before their first need and numbers them in that order.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from soscience.accounts.models import User
from soscience.core.scale import phrases, words
from soscience.core.scale.common import growth_day, mix, placeholder_pdf
from soscience.core.scale.people import member_day
from soscience.core.scale.world import MEMBER, World
from soscience.organisations.models import Membership, Organisation, OrganisationEvent

PROOF_PATH = "private/proofs/scale-data-proof.pdf"
Status = Organisation.Status


class OrgPlan:
    __slots__ = (
        "city",
        "country",
        "created",
        "id",
        "index",
        "kind",
        "members",
        "name",
        "reviewed",
        "status",
        "word",
    )

    def __init__(
        self, index: int, status: str, country: str, city: str, kind: int, word: int
    ) -> None:
        self.index, self.status, self.country, self.city = index, status, country, city
        self.kind, self.word = kind, word
        self.id = 0
        self.created = 0  # day
        self.reviewed = 0
        self.members: tuple[int, ...] = ()
        self.name = ""

    @property
    def representative(self) -> int:
        return self.members[0]


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def identifiers(org: OrgPlan) -> tuple[str, str, str]:
    """(SIREN, SIRET, RNA) that pass their checksums, for organisations in France."""
    if org.country != "FR":
        return "", "", ""
    legal_form = words.ORGANISATION_KINDS[org.kind][0]
    if legal_form == "association":
        return "", "", f"W{org.index % 1_000_000_000:09d}"
    base = f"{(org.index * 7919 + 100_000_00) % 100_000_000:08d}"
    siren = base + _luhn_digit(base + "0")
    establishment = f"{siren}0001"
    return siren, establishment + _luhn_digit(establishment + "0"), ""


def plan(world: World) -> None:
    rng = world.rng("organisations")
    countries = words.COUNTRIES
    cumulative: list[int] = []
    running = 0
    for _code, weight, _cities in countries:
        running += weight
        cumulative.append(running)
    orgs = []
    for i in range(world.sizes.organisations):
        roll = rng.randrange(100)
        status = (
            Status.VERIFIED
            if i == 0 or roll < 90
            else (Status.PENDING if roll < 95 else Status.REJECTED)
        )
        code, _weight, cities = countries[bisect.bisect_right(cumulative, rng.randrange(running))]
        kind = rng.randrange(len(words.ORGANISATION_KINDS))
        orgs.append(
            OrgPlan(
                i,
                status,
                code,
                rng.choice(cities),
                kind,
                rng.randrange(len(words.ORGANISATION_WORDS)),
            )
        )
    world.organisations = orgs


def settle(world: World, first_need_day: dict[int, int]) -> None:
    """Date each organisation before its first need, then number organisations and their
    members in the order they registered."""
    rng, clock = world.rng("organisation-dates"), world.clock
    for org in world.organisations:
        if org.index in first_need_day:
            org.created = first_need_day[org.index] - rng.randint(5, 90)
        elif org.status == Status.PENDING:
            org.created = clock.day - rng.randint(1, 30)
        else:
            org.created = growth_day(rng, clock, newest=2)
        org.reviewed = min(clock.day - 1, org.created + rng.randint(1, 10))
    world.organisations.sort(key=lambda o: (o.created, o.index))
    ids = iter(world.sink.ids(Organisation, len(world.organisations)))
    sizes = [1 + (rng.random() < 0.25) + (rng.random() < 0.05) for _ in world.organisations]
    uids = iter(world.sink.ids(User, sum(sizes)))
    for org, size in zip(world.organisations, sizes, strict=True):
        org.id = next(ids)
        org.members = tuple(next(uids) for _ in range(size))
        template = words.ORGANISATION_KINDS[org.kind][1]
        org.name = template.format(word=words.ORGANISATION_WORDS[org.word], city=org.city)
        if org.index == 0 and MEMBER not in world.existing_named:
            world.named[MEMBER] = org.members[0]


def write(world: World) -> None:
    placeholder_pdf(PROOF_PATH, "Generated organisation - scale data")
    rng, clock = world.rng("organisation-rows"), world.clock
    coordinators = world.coordinators

    def rows() -> Iterator[tuple]:
        for org in world.organisations:
            legal_form = words.ORGANISATION_KINDS[org.kind][0]
            beneficiary = phrases.BENEFICIARIES[
                mix(org.index, world.seed) % len(phrases.BENEFICIARIES)
            ]
            mission_text = rng.choice(phrases.SOCIAL_MISSIONS).format(beneficiary=beneficiary[0])
            siren, siret, rna = identifiers(org)
            reviewed = org.status != Status.PENDING
            created = clock.work_time(rng, org.created)
            yield (
                org.id,
                org.name,
                legal_form,
                org.country,
                org.city,
                f"https://org{org.index}.example.org",
                mission_text,
                f"Environ {rng.randint(2, 300) * 10} personnes par an : {beneficiary[0]}.",
                siren,
                siret,
                rna,
                PROOF_PATH,
                "statuts.pdf",
                "application/pdf",
                org.status,
                "Pas d'activité d'intérêt social démontrée."
                if org.status == Status.REJECTED
                else "",
                rng.choice(coordinators) if reviewed else None,
                clock.work_time(rng, org.reviewed) if reviewed else None,
                "weekly" if rng.random() < 0.2 else "immediate",
                org.representative,
                created,
                created,
            )

    world.sink.write(
        Organisation,
        (
            "id",
            "name",
            "legal_form",
            "country",
            "city",
            "website",
            "social_mission",
            "beneficiaries",
            "siren",
            "siret",
            "rna",
            "proof_document",
            "proof_name",
            "proof_content_type",
            "status",
            "decision_reason",
            "reviewed_by_id",
            "reviewed_at",
            "news_frequency",
            "created_by_id",
            "created_at",
            "submitted_at",
        ),
        rows(),
    )

    def members() -> Iterator[tuple]:
        for org in world.organisations:
            for position, uid in enumerate(org.members):
                yield org.id, uid, position == 0, clock.at(member_day(world, org, position))

    world.sink.write(
        Membership, ("organisation_id", "user_id", "is_representative", "created_at"), members()
    )

    def events() -> Iterator[tuple]:
        kinds = OrganisationEvent.Kind
        for org in world.organisations:
            yield org.id, org.representative, kinds.REGISTERED, "", clock.at(org.created)
            if org.status != Status.PENDING:
                kind = kinds.VERIFIED if org.status == Status.VERIFIED else kinds.REJECTED
                yield (
                    org.id,
                    coordinators[org.index % len(coordinators)],
                    kind,
                    "",
                    clock.at(org.reviewed, 40_000),
                )
            for position, _uid in enumerate(org.members[1:], start=1):
                yield (
                    org.id,
                    org.representative,
                    kinds.MEMBER_ADDED,
                    "",
                    clock.at(member_day(world, org, position), 50_000),
                )

    world.sink.write(
        OrganisationEvent, ("organisation_id", "actor_id", "kind", "detail", "created_at"), events()
    )
