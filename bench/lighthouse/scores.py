"""Print the Lighthouse scores that bench/lighthouse.sh wrote, and a summary JSON.

    .venv/bin/python bench/lighthouse/scores.py var/bench/lighthouse

Reads ``<nn>-<page>.<form factor>.run<N>.json``; when a page ran several times, the run with the
median performance score stands for it (the other categories do not vary from run to run).
Below the table: the metrics behind each performance score and every audit that cost a
point in the other categories, so the figures say what to fix.
"""

from __future__ import annotations

import json
import platform
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TITLES = {"performance": "perf", "accessibility": "a11y", "best-practices": "best", "seo": "SEO"}
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
TARGETS = {"performance": 95, "accessibility": 100}
RUN_FILE = re.compile(r"^\d+-(?P<page>.+)\.(?P<factor>mobile|desktop)\.run(?P<run>\d+)\.json$")


def score(report: dict[str, Any], category: str) -> int | None:
    value = report["categories"].get(category, {}).get("score")
    return None if value is None else round(100 * value)


def median_run(reports: list[dict[str, Any]]) -> dict[str, Any]:
    ordered = sorted(reports, key=lambda r: score(r, "performance") or 0)
    return ordered[(len(ordered) - 1) // 2]


def load(folder: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    runs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for path in sorted(folder.glob("*.run*.json")):
        if match := RUN_FILE.match(path.name):
            report = json.loads(path.read_text(encoding="utf-8"))
            runs[match["page"].replace("-", " "), match["factor"]].append(report)
    return runs


def lost_points(report: dict[str, Any]) -> list[str]:
    """Audits under 100 in the scored categories other than performance."""
    lines = []
    for category in CATEGORIES[1:]:
        for ref in report["categories"].get(category, {}).get("auditRefs", []):
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                lines.append(f"{TITLES[category]}: {audit['id']} ({audit['title']})")
    return lines


def metrics(report: dict[str, Any]) -> str:
    parts = []
    for audit_id, label in METRICS.items():
        audit = report["audits"].get(audit_id, {})
        parts.append(f"{label} {audit.get('displayValue', '?')}".replace("\xa0", " "))
    return ", ".join(parts)


def main(folder: Path) -> None:
    runs = load(folder)
    if not runs:
        raise SystemExit(f"no Lighthouse report in {folder}")
    first = next(iter(runs.values()))[0]
    print(
        f"Lighthouse {first['lighthouseVersion']} in {first['environment']['hostUserAgent']}"
        f" ({platform.node()}; simulated throttling)"
    )
    print(f"{'page':<18}{'form':<9}" + "".join(f"{TITLES[c]:>6}" for c in CATEGORIES) + "  runs")
    summary, notes = [], []
    for (page, factor), reports in runs.items():
        report = median_run(reports)
        scores = {c: score(report, c) for c in CATEGORIES}
        marks = "".join(
            f"{scores[c]:>5}{'!' if (scores[c] or 0) < TARGETS.get(c, 0) else ' '}"
            for c in CATEGORIES
        )
        perfs = [score(r, "performance") or 0 for r in reports]
        spread = f" (perf {min(perfs)}-{max(perfs)})" if len(perfs) > 1 else ""
        print(f"{page:<18}{factor:<9}{marks}  {len(reports)}{spread}")
        summary.append(
            {
                "page": page,
                "form_factor": factor,
                "url": report["finalDisplayedUrl"],
                "scores": scores,
                "performance_of_each_run": perfs,
                "benchmark_index_of_each_run": [
                    r["environment"]["benchmarkIndex"] for r in reports
                ],
                "metrics": metrics(report),
            }
        )
        notes += [f"  {page} ({factor}): {metrics(report)}"]
        notes += [f"  {page} ({factor}): {line}" for line in lost_points(report)]
    speeds = [r["environment"]["benchmarkIndex"] for rs in runs.values() for r in rs]
    print("! under the target (performance 95, accessibility 100).")
    # Lighthouse's own measure of the CPU at the time of each run: on a shared machine it
    # moves with the load, and the performance scores (TBT above all) move with it.
    print(f"Chromium benchmark index during the runs: {min(speeds):.0f} to {max(speeds):.0f}")
    print("\n".join(notes))
    out = folder / "summary.json"
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"JSON: {out} and one report per run beside it")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/bench/lighthouse"))
