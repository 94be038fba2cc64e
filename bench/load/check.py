"""Before measuring: every kind of request of a list answers 200 (and warms the servers up).

    .venv/bin/python bench/load/check.py --url http://127.0.0.1:PORT \
        --header "X-Forwarded-Proto: https" LIST.tsv...

wrk counts 4xx and 5xx as errors but takes a redirect for a success: a session that does
not authenticate (sent to the login page) or a page that wants a second factor would be
measured as a fast page. So up to ``--per-kind`` distinct lines of each kind are requested
once, plainly, and anything but 200 stops the run with what came back.
"""

from __future__ import annotations

import argparse
import http.client
import random
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit


def lines_by_kind(files: list[Path]) -> dict[str, list[list[str]]]:
    found: dict[str, set[str]] = defaultdict(set)
    for file in files:
        for line in file.read_text().splitlines():
            if line.strip():
                found[line.split("\t", 1)[0]].add(line)
    return {kind: [line.split("\t") for line in sorted(lines)] for kind, lines in found.items()}


def get(base: str, path: str, headers: dict[str, str]) -> tuple[int, str]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


def header_dict(items: list[str]) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in items)
    return {name.strip(): value.strip() for name, value in pairs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lists", type=Path, nargs="+")
    parser.add_argument("--url", required=True)
    parser.add_argument("--header", action="append", default=[], help="sent with every request")
    parser.add_argument("--per-kind", type=int, default=8)
    args = parser.parse_args()
    common = header_dict(args.header)
    rng = random.Random(8)  # noqa: S311  # a reproducible sample, not a secret
    failures = []
    checked = 0
    for kind, lines in lines_by_kind(args.lists).items():
        for _kind, path, *own in rng.sample(lines, min(args.per_kind, len(lines))):
            status, location = get(args.url, path, {**common, **header_dict(own)})
            checked += 1
            if status != 200:
                failures.append(f"  {kind}: GET {path} -> {status} {location}".rstrip())
    if failures:
        print("These requests do not answer 200; the load test would measure them wrongly:")
        print("\n".join(failures))
        sys.exit(1)
    print(f"Checked {checked} requests: all answer 200.")


if __name__ == "__main__":
    main()
