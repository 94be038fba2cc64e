"""Counts that the trust suites report at the end of a run (issue 7: "their counts appear in
the output"): URLs x roles checked, payloads tried, hypothesis examples, concurrent attempts,
faults injected. A test adds to a count with ``tally("XSS payloads tried", n)``; pytest prints
the totals in its summary (see ``pytest_terminal_summary`` in tests/conftest.py)."""

from __future__ import annotations

from collections import Counter

COUNTS: Counter[str] = Counter()


def tally(name: str, amount: int = 1) -> None:
    COUNTS[name] += amount
