"""The coordinators' exports: tables of missions, organisations, validated hours and survey
answers, as CSV (streamed) or XLSX (written to a temporary file), filtered like the
dashboard.

- Rows come from the figures API's filtered sets (``soscience.impact.figures``) so an export
  and the dashboard count the same things; each table says what its year means.
- Querysets are read with ``.iterator(chunk_size=...)``: memory stays flat however large the
  table, and the prefetches (domains, campuses, skills) cost one query per chunk.
- Cells are plain values (text, numbers, dates); :mod:`.cells` writes them as each format
  expects and neutralises text that a spreadsheet would run as a formula.
"""

from __future__ import annotations

from soscience.impact.exports.surveys import FOLLOW_UPS, ORGANISATION_SURVEYS, VOLUNTEER_SURVEYS
from soscience.impact.exports.tables import HOURS_TABLE, MISSIONS, ORGANISATIONS, Table
from soscience.impact.exports.writers import FORMATS, csv_response, xlsx_response

TABLES: dict[str, Table] = {
    t.slug: t
    for t in (
        MISSIONS, ORGANISATIONS, HOURS_TABLE, ORGANISATION_SURVEYS, VOLUNTEER_SURVEYS,
        FOLLOW_UPS,
    )
}  # fmt: skip

__all__ = ["FORMATS", "TABLES", "Table", "csv_response", "xlsx_response"]
