"""What every part of the generator shares: the clock, names derived from ids, text."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from soscience.core.scale import words

YEARS = 5  # the platform's history: everything happens within five years before today
HISTORY_DAYS = YEARS * 365


class FastRandom(random.Random):
    """The same stream of random() as random.Random, with integer draws made from it in one
    step (``int(random() * n)``): the standard ones are several times slower, and the
    generator makes tens of millions of them. Not for anything but synthetic data."""

    def _randbelow(self, n: int) -> int:  # type: ignore[override]
        return int(self.random() * n)

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            return int(self.random() * start)
        if step != 1:
            return super().randrange(start, stop, step)
        return start + int(self.random() * (stop - start))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]


class Clock:
    """Today, fixed when the run starts: every date is a day number (``date.toordinal``)
    counted back from it, and every moment falls on a past day, before today's midnight
    (local time), so no row is ever in the future unless it is meant to be."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.day = self.today.toordinal()
        zone = timezone.get_current_timezone()
        self.midnight = dt.datetime.combine(self.today, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        self.now = timezone.now()
        # Moments are made often (millions): day starts and minutes are made once each.
        self._days: dict[int, dt.datetime] = {}
        self._minutes = [dt.timedelta(minutes=m) for m in range(24 * 60)]

    def date(self, day: int) -> dt.date:
        return dt.date.fromordinal(day)

    def at(self, day: int, seconds: int = 36_000) -> dt.datetime:
        """A moment of ``day`` (10:00 UTC-ish by default); days are counted like
        ``self.day``. Today's moments stop at the moment the run started."""
        start = self._days.get(day)
        if start is None:
            start = self._days[day] = self.midnight + dt.timedelta(days=day - self.day)
        moment = start + self._minutes[seconds // 60 % 1440]
        return moment if day < self.day else min(moment, self.now)

    def work_time(self, rng: random.Random, day: int) -> dt.datetime:
        """A moment during the working hours of ``day``."""
        return self.at(day, 25_200 + int(rng.random() * 46_800))


def growth_day(
    rng: random.Random, clock: Clock, *, newest: int = 0, span: int = HISTORY_DAYS
) -> int:
    """A past day, more likely recent than old: the platform grew over the years (the
    density rises linearly from ``span`` days ago to ``newest`` days ago)."""
    # The square root of a uniform number is distributed with a linearly rising density.
    return clock.day - newest - int((1 - rng.random() ** 0.5) * (span - newest))


def mix(value: int, salt: int) -> int:
    """A cheap, well-spread 32-bit hash, so names and choices follow from an id alone
    (no table of a million names kept in memory)."""
    h = (value * 0x9E3779B1 + salt * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 15
    h = (h * 0x2C1B3C6D) & 0xFFFFFFFF
    return h ^ (h >> 12)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


_FIRST_SLUGS = [_ascii(n) for n in words.FIRST_NAMES]
_LAST_SLUGS = [_ascii(n) for n in words.LAST_NAMES]


def person_name(uid: int, seed: int) -> str:
    h = mix(uid, seed)
    first, last = words.FIRST_NAMES, words.LAST_NAMES
    return f"{first[h % len(first)]} {last[(h >> 8) % len(last)]}"


def person_email(uid: int, seed: int, domain: str) -> str:
    h = mix(uid, seed)
    first = _FIRST_SLUGS[h % len(_FIRST_SLUGS)]
    last = _LAST_SLUGS[(h >> 8) % len(_LAST_SLUGS)]
    return f"{first}.{last}.{uid}@{domain}"


def sentence(rng: random.Random, pairs: Sequence[tuple[str, str]], english: bool) -> str:
    return rng.choice(pairs)[1 if english else 0]


def paragraph(rng: random.Random, pairs: Sequence[tuple[str, str]], english: bool, k: int) -> str:
    chosen = rng.sample(pairs, min(k, len(pairs)))
    return " ".join(pair[1 if english else 0] for pair in chosen)


HOURS_CHOICES = tuple(Decimal(h) for h in ("0.50", "1.00", "1.50", "2.00", "2.50", "3.00", "4.00"))

# Certificate codes: 12 symbols of certificates/codes.py's alphabet, made from the row's id
# by a bijection of 60-bit numbers, so two certificates never share a code (an --append run
# with the same seed included) and the codes still look random.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_BITS = (1 << 60) - 1
_CODE_MULTIPLIER = 0x5DEECE66D1234567 | 1  # odd: invertible modulo 2**60


def certificate_code(certificate_id: int, seed: int) -> str:
    value = ((certificate_id * _CODE_MULTIPLIER) & _CODE_BITS) ^ ((seed * 0x2545F491) & _CODE_BITS)
    symbols = []
    for _ in range(12):
        symbols.append(_CODE_ALPHABET[value & 31])
        value >>= 5
    raw = "".join(symbols)
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def placeholder_pdf(relative_path: str, title: str) -> int:
    """Write (once) the small PDF that every generated row of a kind points to, so that its
    download works; returns its size. One file, not one per row."""
    from soscience.core.demo.loader import demo_pdf

    path = Path(settings.MEDIA_ROOT) / relative_path
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(demo_pdf(title))
    return path.stat().st_size


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover
