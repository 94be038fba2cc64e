"""The load run's table and JSON, from wrk's figures and the server's access log.

    .venv/bin/python bench/load/report.py --dir RUN_DIR [--access-log FILE] [--meta k=v ...] \
        [--json var/bench/load.json]

``RUN_DIR`` holds what prepare.py wrote (``scenarios.json``, ``data.json``) and one
``<list>.json`` per scenario written by scenario.lua. The access log (gunicorn's, in the
format load.sh gives it: path, query, status, microseconds, tab-separated) is cut into
scenarios at the marker request load.sh sends before each one
(``/bench/trivial/?scenario=<list>``); it gives the statuses and the server's own time of
each kind of request, which wrk cannot tell apart.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
from collections import defaultdict
from pathlib import Path

TARGET_PERCENT = 40.0
MARKER = "/bench/trivial/"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def access_log_segments(log: Path) -> dict[str, list[tuple[str, int, float]]]:
    """(path?query, status, server ms) of each request, per scenario list name."""
    segments: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    current = None
    for line in log.read_text(errors="replace").splitlines():
        fields = line.split("\t")
        if len(fields) != 4:
            continue
        path, query, status, micros = fields
        if path == MARKER and query.startswith("scenario="):
            current = query.removeprefix("scenario=")
            continue
        if current is not None:
            target = f"{path}?{query}" if query else path
            segments[current].append((target, int(status), int(micros) / 1000))
    return segments


def kinds_of(list_file: Path) -> dict[str, str]:
    kinds = {}
    for line in list_file.read_text().splitlines():
        kind, path, *_headers = line.split("\t")
        kinds[path] = kind
    return kinds


def server_times(items: list[tuple[int, float]]) -> dict:
    times = [ms for _status, ms in items]
    statuses: dict[str, int] = defaultdict(int)
    for status, _ms in items:
        statuses[str(status)] += 1
    return {
        "requests": len(items),
        "errors": sum(1 for status, _ms in items if status >= 400),
        "statuses": dict(sorted(statuses.items())),
        "server_p50_ms": round(statistics.median(times), 1),
        "server_p95_ms": round(percentile(times, 0.95), 1),
    }


def from_access_log(requests: list[tuple[str, int, float]], kinds: dict[str, str]) -> dict:
    """The scenario's statuses and server times, overall and per kind of request. Requests
    not in its list are the previous scenario's last ones, answered after the marker."""
    grouped: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for target, status, ms in requests:
        if target in kinds:
            grouped[kinds[target]].append((status, ms))
    every = [item for items in grouped.values() for item in items]
    if not every:
        return {}
    rows = []
    for kind, items in sorted(grouped.items(), key=lambda item: -len(item[1])):
        row = {"kind": kind, "share_percent": round(100 * len(items) / len(every), 1)}
        rows.append(row | server_times(items))
    return {"server": server_times(every), "by_kind": rows}


def scenario_figures(run: Path, scenario: dict) -> dict:
    wrk = json.loads((run / (Path(scenario["file"]).stem + ".json")).read_text())
    seconds = wrk["duration_us"] / 1e6
    latency = wrk["latency_us"]
    errors = wrk["errors"]
    return {
        "name": scenario["name"],
        "about": scenario["about"],
        "requests": wrk["requests"],
        "seconds": round(seconds, 1),
        "requests_per_s": round(wrk["requests"] / seconds, 1),
        "latency_ms": {k: round(latency[k] / 1000, 1) for k in ("p50", "p95", "p99", "max")},
        # wrk counts an answer of 400 or more as a status error; the others are the socket's.
        "errors_http": errors["status"],
        "errors_socket": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        "kilobytes_per_request": round(wrk["bytes"] / max(wrk["requests"], 1) / 1024, 1),
    }


def cpu_used(run: Path, stem: str) -> dict[str, float | None] | None:
    """CPU seconds the app servers and the database spent during the scenario (cpu.py)."""
    before_file, after_file = run / f"{stem}.cpu-before.json", run / f"{stem}.cpu-after.json"
    if not (before_file.exists() and after_file.exists()):
        return None
    before, after = json.loads(before_file.read_text()), json.loads(after_file.read_text())
    used: dict[str, float | None] = {}
    for part in ("app", "db"):
        if after[part] is None or before[part] is None:
            used[part] = None
            continue
        # A process that started during the scenario counts whole.
        used[part] = sum(
            (seconds or 0) - (before[part].get(pid) or 0) for pid, seconds in after[part].items()
        )
    return used


def total_cpu(row: dict) -> float | None:
    """App + database CPU ms per request (the app alone when the database is elsewhere)."""
    cost = row.get("cpu_ms_per_request")
    if not cost or cost["app"] is None:
        return None
    return cost["app"] + (cost["db"] or 0)


def machine() -> dict:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "host": platform.node(),
        "cores": os.cpu_count(),
        "cpu": model,
        "system": platform.platform(),
        "python": platform.python_version(),
    }


def number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def percent(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f} %" if value < 10 else f"{value:.0f} %"


def print_table(report: dict) -> None:
    setup = report["settings"]
    print()
    print(
        f"Load test ({setup.get('target', 'gunicorn')}: {setup.get('workers', '?')} sync workers;"
        f" wrk {setup.get('threads', '?')} thread(s) x {setup.get('connections', '?')}"
        f" connections, {setup.get('seconds', '?')} s per scenario)"
    )
    m = report["machine"]
    print(f"Machine: {m['host']}, {m['cores']} cores ({m['cpu']}), {report['data']['database']}")
    print("Data: " + ", ".join(f"{k} {v:,}" for k, v in report["data"]["size"].items()))
    print(
        f"{'':<22}{'':>9}{'':>9}{'latency (wrk), ms':>24}{'':>7}{'server, ms':>14}"
        f"{'CPU ms/request':>15}{'CPU':>9}"
    )
    print(
        f"{'scenario':<22}{'req/s':>9}{'% floor':>9}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'errors':>7}{'p50':>7}{'p95':>7}{'app':>8}{'db':>7}{'% floor':>9}{'KB/req':>8}"
    )
    for s in report["scenarios"]:
        share = percent(s.get("percent_of_floor"))
        errors = s["errors_http"] + s["errors_socket"]
        lat = s["latency_ms"]
        server = s.get("server", {})
        cpu = s.get("cpu_ms_per_request") or {}
        cpu_share = s.get("cpu_percent_of_floor")
        print(
            f"{s['name']:<22}{s['requests_per_s']:>9.1f}{share:>9}{lat['p50']:>8.1f}"
            f"{lat['p95']:>8.1f}{lat['p99']:>8.1f}{errors:>7}"
            f"{number(server.get('server_p50_ms')):>7}{number(server.get('server_p95_ms')):>7}"
            f"{number(cpu.get('app'), 2):>8}{number(cpu.get('db'), 2):>7}"
            f"{percent(cpu_share):>9}"
            f"{s['kilobytes_per_request']:>8.1f}"
        )
    target = report.get("catalogue_target")
    if target:
        verdict = "met" if target["met"] else "NOT met"
        by_cpu = target.get("cpu_percent_of_floor")
        print(
            f"Catalogue throughput: {percent(target['percent_of_floor'])} of the floor"
            f" (target >= {TARGET_PERCENT:.0f} %: {verdict})"
            + ("" if by_cpu is None else f"; by CPU per request: {percent(by_cpu)}")
        )
    for s in report["scenarios"]:
        if len(s.get("by_kind", [])) > 1:
            print(f"\n{s['name']}, per kind (from the access log; server time in ms):")
            print(f"{'kind':<28}{'share':>7}{'requests':>10}{'errors':>8}{'p50':>8}{'p95':>8}")
            for k in s["by_kind"]:
                print(
                    f"{k['kind']:<28}{k['share_percent']:>6.1f}%{k['requests']:>10}{k['errors']:>8}"
                    f"{k['server_p50_ms']:>8.1f}{k['server_p95_ms']:>8.1f}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--access-log", type=Path)
    parser.add_argument("--meta", action="append", default=[], help="key=value, shown as set")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    scenarios = json.loads((args.dir / "scenarios.json").read_text())
    segments = access_log_segments(args.access_log) if args.access_log else {}
    figures = []
    for scenario in scenarios:
        if not (args.dir / (Path(scenario["file"]).stem + ".json")).exists():
            continue
        row = scenario_figures(args.dir, scenario)
        used = cpu_used(args.dir, Path(scenario["file"]).stem)
        if used is not None:
            row["cpu_ms_per_request"] = {
                part: None if seconds is None else round(1000 * seconds / row["requests"], 2)
                for part, seconds in used.items()
            }
        requests = segments.get(Path(scenario["file"]).stem)
        if requests:
            row |= from_access_log(requests, kinds_of(args.dir / scenario["file"]))
        figures.append(row)
    floor = next((s for s in figures if s["name"] == "floor"), None)
    for row in figures:
        row["percent_of_floor"] = (
            round(100 * row["requests_per_s"] / floor["requests_per_s"], 1) if floor else None
        )
        # What the share would be if the servers' CPU were all that limits them: steadier
        # than requests per second on a machine that other programs share.
        cost, floor_cost = total_cpu(row), total_cpu(floor) if floor else None
        row["cpu_percent_of_floor"] = (
            round(100 * floor_cost / cost, 1) if cost and floor_cost else None
        )
    report = {
        "machine": machine(),
        "settings": dict(item.split("=", 1) for item in args.meta),
        "data": json.loads((args.dir / "data.json").read_text()),
        "scenarios": figures,
    }
    catalogue = next((s for s in figures if s["name"] == "catalogue"), None)
    if catalogue and floor:
        report["catalogue_target"] = {
            "percent_of_floor": catalogue["percent_of_floor"],
            "cpu_percent_of_floor": catalogue["cpu_percent_of_floor"],
            "target_percent": TARGET_PERCENT,
            "met": catalogue["percent_of_floor"] >= TARGET_PERCENT,
        }
    print_table(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
        print(f"\nFigures saved in {args.json}")


if __name__ == "__main__":
    main()
