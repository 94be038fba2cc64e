"""Offline evaluation contract of the matching engine (no Django needed):

    python -m soscience.matching --need NEED.json --pool POOL.jsonl --top 10 [--team]
    python -m soscience.matching --needs NEEDS.jsonl --pool POOL.jsonl --top 10 [--team]

prints one JSON line per need: {"need": id, "ranking": [ids, best first], "team": [ids],
"reasons": {id: [strings]}}. Bad input (malformed JSON, unknown or mistyped fields) stops
with a message naming the file and line, and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from soscience.matching.engine import (
    InputError,
    Need,
    Volunteer,
    build_index,
    need_from_dict,
    propose_team,
    rank,
    volunteer_from_dict,
)


class CliError(Exception):
    """Stops the command with exit code 2 and this message."""


def _open(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CliError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise CliError(f"{path}: not UTF-8 text ({error.reason})") from None


def read_jsonl[T](path: str, parse: Callable[[Any], T]) -> Iterator[T]:
    """Objects of a JSON Lines file; blank lines are skipped, every error names its line."""
    for number, line in enumerate(_open(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            message = f"malformed JSON ({error.msg}, column {error.colno})"
            raise CliError(f"{path}:{number}: {message}") from None
        try:
            yield parse(data)
        except InputError as error:
            raise CliError(f"{path}:{number}: {error}") from None


def read_json[T](path: str, parse: Callable[[Any], T]) -> T:
    try:
        data = json.loads(_open(path))
    except json.JSONDecodeError as error:
        raise CliError(
            f"{path}:{error.lineno}: malformed JSON ({error.msg}, column {error.colno})"
        ) from None
    try:
        return parse(data)
    except InputError as error:
        raise CliError(f"{path}: {error}") from None


def read_pool(path: str) -> list[Volunteer]:
    pool, lines = [], {}
    for number, volunteer in enumerate(read_jsonl(path, volunteer_from_dict), start=1):
        if volunteer.id in lines:
            raise CliError(f"{path}: volunteer id {volunteer.id!r} appears twice")
        lines[volunteer.id] = number
        pool.append(volunteer)
    return pool


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m soscience.matching",
        description="Rank a pool of volunteers for one need or a file of needs.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--need", help="one need, a JSON object")
    which.add_argument("--needs", help="needs, one JSON object per line")
    parser.add_argument("--pool", required=True, help="volunteers, one JSON object per line")
    parser.add_argument("--top", type=int, default=10, help="how many volunteers to rank")
    parser.add_argument("--team", action="store_true", help="also propose a team")
    arguments = parser.parse_args(argv)
    if arguments.top < 1:
        parser.error("--top must be at least 1")
    return arguments


def run(arguments: argparse.Namespace, out: Any) -> None:
    if arguments.need:
        needs: list[Need] = [read_json(arguments.need, need_from_dict)]
    else:
        needs = list(read_jsonl(arguments.needs, need_from_dict))
    index = build_index(read_pool(arguments.pool))
    for need in needs:
        ranked = rank(need, index, top=arguments.top)
        team = propose_team(need, ranked, index).members if arguments.team else []
        line = {
            "need": need.id,
            "ranking": [r.id for r in ranked],
            "team": team,
            "reasons": {r.id: r.reasons + r.gaps for r in ranked},
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    try:
        run(arguments, sys.stdout)
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
