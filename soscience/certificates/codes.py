"""Verification codes: short enough to type from paper, too many to guess.

12 characters from 32 symbols (no 0/O, no 1/I: they are misread on paper) give 60 bits:
trying a million codes a second would take tens of thousands of years to hit one of a few
thousand certificates. Shown as ``XXXX-XXXX-XXXX``; typed in any case, with or without
dashes or spaces.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 12
GROUP = 4
# Spaces, and every dash a word processor makes (hyphen, non-breaking hyphen, en, em).
_TYPED = re.compile(r"[\s\-\u2010\u2011\u2013\u2014]+")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return _grouped(raw)


def normalise(typed: str) -> str | None:
    """The canonical form of a typed code, or None when it cannot be a code at all."""
    raw = _TYPED.sub("", typed or "").upper()
    if len(raw) != LENGTH or any(char not in ALPHABET for char in raw):
        return None
    return _grouped(raw)


def _grouped(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))
