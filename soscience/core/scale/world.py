"""The plan of the synthetic platform, shared by every part of the generator.

Everything is decided here first, compactly (ids, days as numbers, arrays of volunteer
indices), then each table is written in one streamed pass over the plan. Volunteers are
numbered 0..N-1 in the order they joined; their user id is ``volunteer_uid + index``.
"""

from __future__ import annotations

import bisect
import random
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

from django.contrib.auth.models import Group

from soscience.accounts.roles import Role
from soscience.core.models import Domain
from soscience.core.scale.common import Clock, FastRandom, mix
from soscience.core.scale.sink import Sink
from soscience.core.scale.sizes import Sizes
from soscience.volunteers.models import Skill

# The accounts the benchmarks log in as. Each takes the place of the first generated person
# of its kind (unless the address already exists: a second run with --append keeps it).
COORDINATOR = "bench-coordinator@example.org"
SUPERVISOR = "bench-supervisor@example.org"
VOLUNTEER = "bench-volunteer@example.org"
MEMBER = "bench-member@example.org"
NAMED = {
    COORDINATOR: "Claire Coordinatrice",
    SUPERVISOR: "Samuel Superviseur",
    VOLUNTEER: "Valentin Volontaire",
    MEMBER: "Mariam Membre",
}
# Every generated account logs in with this password (hashed once: hashing is slow on
# purpose). Never on a real platform: the command refuses when DEBUG is off.
PASSWORD = "scale-data-not-a-secret"  # noqa: S105  # nosec B105  # synthetic data, printed
# The named coordinator's and supervisor's authenticator (base32), so they pass the
# second-factor requirement of these roles; printed at the end like the password.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105  # nosec B105  # synthetic


@dataclass(frozen=True)
class SkillRef:
    id: int
    slug: str
    name_fr: str
    name_en: str


@dataclass
class CampusRef:
    id: int
    country: str
    city: str
    weight: float  # share of volunteers


@dataclass
class World:
    sizes: Sizes
    seed: int
    sink: Sink
    clock: Clock
    password_hash: str
    say: Callable[[str], None]
    # reference data read from the database
    domains: list[tuple[int, str, str, str]] = field(default_factory=list)  # id, slug, fr, en
    skills_by_domain: list[list[SkillRef]] = field(default_factory=list)  # per domain index
    skills: dict[int, SkillRef] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)
    # people
    campuses: list[CampusRef] = field(default_factory=list)
    coordinators: list[int] = field(default_factory=list)
    supervisors: list[int] = field(default_factory=list)
    named: dict[str, int] = field(default_factory=dict)  # email -> uid, those created now
    existing_named: dict[str, int] = field(default_factory=dict)  # from an earlier run
    volunteer_uid: int = 0
    volunteer_profile_id: int = 0
    joined: array = field(default_factory=lambda: array("i"))  # day each volunteer joined
    campus_of: array = field(default_factory=lambda: array("h"))  # index in campuses, -1 none
    interest: array = field(default_factory=lambda: array("b"))  # main domain index
    pools: list[array] = field(default_factory=list)  # per campus: volunteer indices
    # filled by the other parts
    organisations: list = field(default_factory=list)
    needs: list = field(default_factory=list)
    missions: list = field(default_factory=list)
    _campus_cumulative: list[float] = field(default_factory=list)

    def rng(self, part: str) -> random.Random:
        """A generator of its own for each part, so adding a table to one part does not
        change what the others generate."""
        return FastRandom(f"{self.seed}:{part}")

    def weighted_campus(self, rng: random.Random) -> int:
        """A campus index, the large schools more often (their share of volunteers)."""
        if len(self._campus_cumulative) != len(self.campuses):
            self._campus_cumulative = list(accumulate(c.weight for c in self.campuses))
        cumulative = self._campus_cumulative
        position = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
        return min(position, len(cumulative) - 1)

    def volunteer(self, index: int) -> int:
        return self.volunteer_uid + index

    def volunteer_language(self, index: int) -> str:
        """The language volunteer ``index`` reads the platform in (most French)."""
        if self.named.get(VOLUNTEER) == self.volunteer_uid + index:
            return "en"
        return "en" if mix(index, self.seed + 13) % 100 < 15 else "fr"

    def load_reference(self) -> None:
        self.domains = list(
            Domain.objects.order_by("position", "slug").values_list(
                "id", "slug", "name_fr", "name_en"
            )
        )
        if not self.domains:
            raise LookupError("No domains: run `manage.py migrate` first (it creates them).")
        position = {domain[0]: i for i, domain in enumerate(self.domains)}
        self.skills_by_domain = [[] for _ in self.domains]
        rows = Skill.objects.order_by("pk").values_list(
            "id", "slug", "name_fr", "name_en", "domain_id"
        )
        for skill_id, slug, name_fr, name_en, domain_id in rows:
            ref = SkillRef(skill_id, slug, name_fr, name_en)
            self.skills[skill_id] = ref
            if domain_id in position:
                self.skills_by_domain[position[domain_id]].append(ref)
        if not self.skills:
            raise LookupError("No skills: run `manage.py migrate` first (it loads the taxonomy).")
        all_skills = list(self.skills.values())
        for i, refs in enumerate(self.skills_by_domain):
            if not refs:  # a domain without skills borrows from the whole taxonomy
                self.skills_by_domain[i] = all_skills[:10]
        names = [
            role.value
            for role in (Role.COORDINATOR, Role.SUPERVISOR, Role.VOLUNTEER, Role.AMBASSADOR)
        ]
        self.groups = dict(Group.objects.filter(name__in=names).values_list("name", "id"))
        if len(self.groups) != len(names):
            raise LookupError("The role groups are missing: run `manage.py migrate` first.")
