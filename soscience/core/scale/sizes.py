"""How much to generate: the two presets and the counts derived from the main ones."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    """The numbers a user can set; everything else is derived from them (see below)."""

    campuses: int
    volunteers: int
    organisations: int
    missions: int
    updates: int  # progress updates, in total
    hours: int  # hours entries, in total
    events: int
    applications: int  # about: each team needs its applications even beyond this
    notifications: int

    def with_overrides(self, **values: int | None) -> Sizes:
        given = {name: value for name, value in values.items() if value is not None}
        return dataclasses.replace(self, **given)

    def validate(self) -> list[str]:
        """What is wrong with these numbers, for the command to refuse them."""
        problems = [
            f"--{field.name} must be zero or more"
            for field in dataclasses.fields(self)
            if getattr(self, field.name) < 0
        ]
        for name in ("campuses", "volunteers", "organisations"):
            if getattr(self, name) < 1:
                problems.append(f"--{name} must be at least 1")
        if self.missions and self.volunteers < 10:
            problems.append("--volunteers must be at least 10 to staff mission teams")
        return problems

    # Derived: the coordination team and the people around it.

    @property
    def coordinators(self) -> int:
        return max(2, self.campuses // 30 + 1)

    @property
    def supervisors(self) -> int:
        # A supervisor follows about twenty missions a year: a few hundred over five years.
        return max(2, self.missions // 400)

    @property
    def extra_needs(self) -> int:
        """Needs that did not become a mission (waiting for triage, declined, duplicates,
        withdrawn, in scoping): about a quarter as many as missions."""
        return max(6, self.missions // 4) if self.missions else 0


# PRODUCT.md's design target; "small" is the same shape at one hundredth.
PRESETS: dict[str, Sizes] = {
    "national": Sizes(
        campuses=300,
        volunteers=500_000,
        organisations=20_000,
        missions=100_000,
        updates=1_000_000,
        hours=2_000_000,
        events=2_000,
        applications=1_000_000,
        notifications=1_000_000,
    ),
    "small": Sizes(
        campuses=3,
        volunteers=5_000,
        organisations=200,
        missions=1_000,
        updates=10_000,
        hours=20_000,
        events=20,
        applications=10_000,
        notifications=10_000,
    ),
}
