"""Matching benchmark: index build time, time to rank one mission, peak memory.

    .venv/bin/python bench/bench_matching.py [--size 100000] [--missions 50] [--seed 7]

The pool comes from `generate_pool.py` (seeded); missions are the public sample's needs and
the held-out needs of the tests, repeated with shifted dates to reach `--missions`. Each
ranking starts from cold text caches (as a new mission would) and returns the top 10 with
their reasons. Run it on one core (`bench/run.sh` pins the thread pools).
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
    build_index,
    need_from_dict,
    profiles,
    propose_team,
    rank,
    ranking,
    volunteer_from_dict,
)

NEED_FILES = [
    ROOT.parent / "shared" / "matching" / "public" / "needs.jsonl",
    ROOT / "tests" / "matching_data" / "heldout" / "needs.jsonl",
]


def missions(count: int) -> list[Need]:
    base = [
        need_from_dict(json.loads(line))
        for path in NEED_FILES
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
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


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--missions", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
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
        ("peak memory at the end (MB, max RSS)", f"{peak_mb():.0f}"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"Matching benchmark (Python {platform.python_version()}, {platform.machine()})")
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 9}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    targets_met = statistics.median(rank_ms) < 100 and built < 60
    print(f"targets (median < 100 ms, build < 60 s): {'met' if targets_met else 'NOT MET'}")


if __name__ == "__main__":
    main()
