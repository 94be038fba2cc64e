"""One cell of an export, written for CSV or for XLSX.

Text that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) gets a leading apostrophe: a spreadsheet opening
the file shows it as text instead of running it as a formula (CSV or formula injection,
OWASP). The rule is the same in both formats, so a file never depends on how it is opened.
Numbers are never touched: they are written as numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

Cell = str | int | Decimal | dt.date | dt.datetime | bool | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet would take for a formula, made inert with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _local(moment: dt.datetime) -> dt.datetime:
    """A moment in the site's time zone, without the zone (spreadsheets know none)."""
    return timezone.localtime(moment).replace(tzinfo=None)


def csv_cell(value: Cell) -> str | int | Decimal:
    """ISO dates (``2025-03-01``, ``2025-03-01 14:30`` in the site's time zone), numbers
    with a decimal point, booleans as a translated yes or no, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return _local(value).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return value


def xlsx_cell(value: Cell) -> Cell:
    """Real dates, numbers and booleans (the spreadsheet formats them); text neutralised."""
    if isinstance(value, dt.datetime):
        return _local(value)
    if isinstance(value, str):
        return neutralise(value)
    return value
