"""CPU time used so far by the servers of a load run, written as JSON (bench/load.sh).

    .venv/bin/python bench/load/cpu.py --master PID --application-name NAME --out FILE

Counts the gunicorn workers (the children of ``--master``) and, when PostgreSQL runs on this
machine, the database backends of connections named ``--application-name``. Taken before
and after a scenario, the difference divided by the requests is the CPU cost of a request:
unlike requests per second it hardly moves when other programs share the machine, so two
runs on a busy machine can still be compared.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system time of ``pid``, None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces: the fields after it start behind the last ")".
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def children(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry.name))
    return found


def backends(application_name: str) -> list[int] | None:
    """The backends' process ids, None when the database is not on this machine."""
    import psycopg

    url = os.environ["DATABASE_URL"].split("?", 1)[0]
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name]
        ).fetchall()
    pids = [pid for (pid,) in rows]
    if not all(Path(f"/proc/{pid}/cmdline").exists() for pid in pids):
        return None
    return pids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--master", type=int, required=True)
    parser.add_argument("--application-name", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    database = backends(args.application_name)
    snapshot = {
        "app": {pid: cpu_seconds(pid) for pid in children(args.master)},
        "db": None if database is None else {pid: cpu_seconds(pid) for pid in database},
    }
    args.out.write_text(json.dumps(snapshot))


if __name__ == "__main__":
    main()
