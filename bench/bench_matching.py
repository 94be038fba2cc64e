"""Matching benchmark: index build time, time to rank one mission, peak memory; and the
other direction, "missions for me" over every published mission.

    .venv/bin/python bench/bench_matching.py [--size 100000] [--missions 50] [--seed 7]
                                             [--published 10000] [--readers 200]

The pool comes from `generate_pool.py` (seeded); missions are the public sample's needs and
the held-out needs of the tests, repeated with shifted dates to reach `--missions`. Each
ranking starts from cold text caches (as a new mission would) and returns the top 10 with
their reasons. "Missions for me" ranks `--published` missions (made the same way) for
`--readers` volunteers of the pool, top 20 with their reasons: from the index of needs the
worker builds, and, for a few of them, as the page did before it (profiling every mission).
Run it on one core (`bench/run.sh` pins the thread pools).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate_pool import volunteers  # noqa: E402

from soscience.matching.engine import (  # noqa: E402
    Need,
    Volunteer,
    build_index,
    need_from_dict,
    profiles,
    propose_team,
    rank,
    rank_needs,
    ranking,
    volunteer_from_dict,
)
from soscience.matching.engine.needs import build_need_index, rank_needs_indexed  # noqa: E402

NEED_FILES = [
    ROOT.parent / "shared" / "matching" / "public" / "needs.jsonl",
    ROOT / "tests" / "matching_data" / "heldout" / "needs.jsonl",
]


def base_needs() -> list[Need]:
    return [
        need_from_dict(json.loads(line))
        for path in NEED_FILES
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def missions(count: int) -> list[Need]:
    base = base_needs()
    out = []
    for i in range(count):
        need = base[i % len(base)]
        shift = dt.timedelta(weeks=i // len(base))
        out.append(
            dataclasses.replace(
                need, id=f"{need.id}-{i}", start=need.start + shift, end=need.end + shift
            )
        )
    return out


def published_missions(count: int) -> list[Need]:
    """`count` missions open at once, as a catalogue is: the sample needs with their own
    titles and starts spread over half a year (the volunteers' windows meet most)."""
    base = base_needs()
    out = []
    for i in range(count):
        need = base[i % len(base)]
        shift = dt.timedelta(weeks=(i // len(base)) % 26)
        out.append(
            dataclasses.replace(
                need, id=f"published-{i}", title=f"{need.title} ({i})",
                start=need.start + shift, end=need.end + shift,
            )
        )  # fmt: skip
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


FOR_ME_TOP, FOR_ME_MIN_SCORE = 20, 0.15  # as the page asks
UNINDEXED_READERS = 3  # the page before the index: seconds each


def missions_for_me(pool: list[Volunteer], published: int, readers: int) -> list[tuple[str, str]]:
    """Index `published` missions, then rank them for `readers` volunteers."""
    ranking.profile_of.cache_clear()
    profiles._analyse.cache_clear()
    needs = published_missions(published)
    started = time.perf_counter()
    index = build_need_index(needs)
    built = time.perf_counter() - started
    people = pool[:: max(1, len(pool) // readers)][:readers]
    with_index, without, full_pages = [], [], []
    for volunteer in people:
        started = time.perf_counter()
        page = rank_needs_indexed(volunteer, index, FOR_ME_TOP, FOR_ME_MIN_SCORE, "en")
        with_index.append(1000 * (time.perf_counter() - started))
        if len(page) == FOR_ME_TOP:
            full_pages.append(volunteer)
    # Without the index, for volunteers with a full page (many missions fit them: the cost
    # of those that fit no mission is mostly the constraints' check).
    for volunteer in full_pages[:UNINDEXED_READERS]:
        started = time.perf_counter()
        rank_needs(volunteer, needs, FOR_ME_TOP, FOR_ME_MIN_SCORE, "en")
        without.append(1000 * (time.perf_counter() - started))
    return [
        ("published missions (missions for me)", f"{published:,}"),
        ("missions index build (s)", f"{built:.1f}"),
        (f"missions for me, top {FOR_ME_TOP} with reasons: median (ms)",
         f"{statistics.median(with_index):.1f}"),
        ("missions for me: p95 (ms)", f"{percentile(with_index, 0.95):.1f}"),
        ("missions for me, a full page, without the index (ms)",
         f"{statistics.median(without):.0f}" if without else "-"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--missions", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--published", type=int, default=10_000)
    parser.add_argument("--readers", type=int, default=200)
    arguments = parser.parse_args()

    started = time.perf_counter()
    pool = [volunteer_from_dict(v) for v in volunteers(arguments.size, arguments.seed)]
    generated = time.perf_counter() - started
    started = time.perf_counter()
    index = build_index(pool)
    built = time.perf_counter() - started
    after_build = peak_mb()

    rank_ms, team_ms = [], []
    for need in missions(arguments.missions):
        ranking.profile_of.cache_clear()
        profiles._analyse.cache_clear()  # a new mission: nothing of its text is cached
        started = time.perf_counter()
        ranked = rank(need, index, top=10)
        rank_ms.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        propose_team(need, ranked, index)
        team_ms.append(1000 * (time.perf_counter() - started))

    rows = [
        ("pool size (volunteers)", f"{len(index):,}"),
        ("missions ranked", f"{len(rank_ms)}"),
        ("pool generation (s)", f"{generated:.1f}"),
        ("index build (s)", f"{built:.1f}"),
        ("rank one mission, top 10 with reasons: median (ms)", f"{statistics.median(rank_ms):.1f}"),
        ("rank one mission: p95 (ms)", f"{percentile(rank_ms, 0.95):.1f}"),
        ("propose a team: median (ms)", f"{statistics.median(team_ms):.1f}"),
        ("peak memory after build (MB, max RSS)", f"{after_build:.0f}"),
    ]
    for_me = missions_for_me(pool, arguments.published, arguments.readers)
    rows += [*for_me, ("peak memory at the end (MB, max RSS)", f"{peak_mb():.0f}")]
    width = max(len(name) for name, _ in rows)
    print(f"Matching benchmark (Python {platform.python_version()}, {platform.machine()})")
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 9}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    for_me_ms = float(dict(for_me)[f"missions for me, top {FOR_ME_TOP} with reasons: median (ms)"])
    targets_met = statistics.median(rank_ms) < 100 and built < 60 and for_me_ms < 100
    print(
        "targets (median < 100 ms, build < 60 s, missions for me median < 100 ms): "
        + ("met" if targets_met else "NOT MET")
    )


if __name__ == "__main__":
    main()
