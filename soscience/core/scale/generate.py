"""Runs the parts in order, in one transaction, and measures them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from soscience.core.models import PlatformSettings
from soscience.core.scale import (
    closing,
    library,
    missions,
    network,
    organisations,
    people,
    plan,
    profiles,
    staffing,
    teams,
    work,
)
from soscience.core.scale.common import Clock
from soscience.core.scale.sink import Sink, TableStat
from soscience.core.scale.sizes import Sizes
from soscience.core.scale.world import PASSWORD, World
from soscience.volunteers.models import VolunteerProfile

# Below this many matchable volunteers the matching index is built at the end (about ten
# seconds per hundred thousand); above, the command says how to build it.
MATCHING_INDEX_AUTO_LIMIT = 100_000


@dataclass
class Report:
    tables: list[TableStat] = field(default_factory=list)
    planning_seconds: float = 0.0
    seconds: float = 0.0  # planning and writing, up to the commit
    analyze_seconds: float = 0.0
    verify_seconds: float = 0.0  # the foreign keys, checked once at the end
    index_seconds: float = 0.0  # the plain indexes, created again at the end
    database_bytes: int = 0
    matchable: int = 0
    matching_seconds: float | None = None  # None: not built here
    named: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def generate(
    *,
    sizes: Sizes,
    seed: int,
    batch_size: int,
    matching_index: str = "auto",
    on_write: Callable[[TableStat], None] | None = None,
    say: Callable[[str], None] = lambda _text: None,
) -> Report:
    """Write the whole platform; returns what was written and how fast."""
    report = Report()
    sink = Sink(connection, batch_size, on_write)
    started = time.perf_counter()
    with transaction.atomic():
        sink.begin()
        world = World(sizes, seed, sink, Clock(), make_password(PASSWORD), say)
        world.load_reference()
        PlatformSettings.load()
        say("Planning the platform...")
        people.plan(world)
        organisations.plan(world)
        plan.plan(world)
        staffing.staff(world)
        report.planning_seconds = time.perf_counter() - started
        say(f"Planned in {report.planning_seconds:.1f} s; writing.")
        people.write_accounts(world)
        profiles.write(world)
        organisations.write(world)
        missions.write(world)
        teams.write(world)
        work.write(world)
        closing.write(world)
        library.write(world)
        network.write(world)
        say("Creating the indexes again...")
        report.index_seconds = sink.rebuild_indexes()
        if sink.foreign_keys_deferred:
            say("Checking every foreign key...")
        report.verify_seconds = sink.verify()
        # COPY sends no signal: the impact figures' sums of validated hours, once.
        say("Adding up the validated hours...")
        from soscience.impact.rollup import rebuild

        rebuild()
        sink.finish()
    report.seconds = time.perf_counter() - started
    report.tables = list(sink.stats.values())
    report.named = dict(world.named)
    if sink.postgres:
        say("VACUUM and ANALYZE...")
        report.analyze_seconds = sink.analyze()
    report.database_bytes = sink.database_bytes()
    report.matchable = VolunteerProfile.objects.filter(consent_matching_at__isnull=False).count()
    # The published missions' index ("missions for me"): seconds even at the national size;
    # bulk inserts send no signal that would ask the worker for it.
    from soscience.matching.missions_index import missions_index_refresh

    say("Building the missions index...")
    missions_index_refresh(force=True)
    if matching_index == "build" or (
        matching_index == "auto" and report.matchable <= MATCHING_INDEX_AUTO_LIMIT
    ):
        from soscience.matching.services import index_rebuild

        say(f"Building the matching index of {report.matchable:,} volunteers...")
        report.matching_seconds = index_rebuild(force=True).seconds
    return report
