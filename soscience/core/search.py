"""Full-text search in French and English (issue 8).

On PostgreSQL a searchable table carries a ``tsvector`` column kept up to date by a trigger
(see ``document_sql`` and the migrations that call it) and indexed with GIN. Its text is read
twice, once with each of two text search configurations made by ``CONFIGURATIONS_SQL``: the
French and English stemmers behind ``unaccent``, so "énergie", "Energie" and "énergétique"
meet, and "pumps" finds "pump". A query must find every word the person typed, in either
language, each word also as the beginning of a longer one ("hydro" finds "hydrologie").

SQLite (development) has no such thing: callers fall back to a case-insensitive substring
search over the same fields.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL

FRENCH = "soscience_fr"
ENGLISH = "soscience_en"
# Beyond this many words a query is no more precise, only slower.
MAX_WORDS = 8
# Letters and digits only (not even "_"): what reaches to_tsquery can never be an operator.
WORD = re.compile(r"[^\W_]+")

# The SQL below is built from this module's constants and our migrations' table and field
# names, never from input: what a person types reaches PostgreSQL only as a parameter.
CONFIGURATIONS_SQL = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{FRENCH}') THEN
        CREATE TEXT SEARCH CONFIGURATION {FRENCH} (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION {FRENCH}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{ENGLISH}') THEN
        CREATE TEXT SEARCH CONFIGURATION {ENGLISH} (COPY = pg_catalog.english);
        ALTER TEXT SEARCH CONFIGURATION {ENGLISH}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
    END IF;
END $$;
"""  # noqa: S608  # nosec B608  # constants only


def document_sql(record: str, title: str, body: tuple[str, ...]) -> str:
    """The SQL expression of a row's search document: the title weighs more than the body."""

    def both(text: str, weight: str) -> str:
        return (
            f"setweight(to_tsvector('{FRENCH}', {text}), '{weight}') || "
            f"setweight(to_tsvector('{ENGLISH}', {text}), '{weight}')"
        )

    body_text = "concat_ws(' ', " + ", ".join(f"{record}.{field}" for field in body) + ")"
    return both(f"coalesce({record}.{title}, '')", "A") + " || " + both(body_text, "B")


def trigger_sql(
    table: str, column: str, title: str, body: tuple[str, ...], *, where: str = ""
) -> str:
    """A trigger that fills ``column`` on every insert and on updates of the searched fields,
    bulk inserts and COPY included, the backfill of the rows already there, and the index
    (partial when only the rows ``where`` says are ever searched)."""
    function = f"{table}_{column}_refresh"
    fields = ", ".join((title, *body))
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.{column} := {document_sql("NEW", title, body)};
    RETURN NEW;
END $$;
CREATE TRIGGER {function} BEFORE INSERT OR UPDATE OF {fields} ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
UPDATE {table} SET {column} = {document_sql(table, title, body)};
CREATE INDEX {table}_{column}_gin ON {table} USING gin ({column}) {where and f"WHERE {where}"};
"""  # noqa: S608  # nosec B608  # names from our migrations


def drop_trigger_sql(table: str, column: str) -> str:
    function = f"{table}_{column}_refresh"
    return f"""
DROP INDEX IF EXISTS {table}_{column}_gin;
DROP TRIGGER IF EXISTS {function} ON {table};
DROP FUNCTION IF EXISTS {function}();
"""


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def words_of(text: str) -> list[str]:
    """The words a person typed, at most ``MAX_WORDS``. One-letter fragments ("l" of "l'eau")
    are left out when there is a longer word, since as prefixes they would match nearly all."""
    words = WORD.findall(text)
    longer = [word for word in words if len(word) > 1]
    return (longer or words)[:MAX_WORDS]


def _tsquery(words: list[str]) -> tuple[str, list[str]]:
    raw = " & ".join(f"{word}:*" for word in words)
    sql = f"(to_tsquery('{FRENCH}', %s) || to_tsquery('{ENGLISH}', %s))"
    return sql, [raw, raw]


def matches(table: str, column: str, words: list[str]) -> RawSQL:
    """A condition for ``filter()``: the row's document holds every word, as a prefix, in
    French or in English (``words`` from ``words_of``: letters and digits only)."""
    query, params = _tsquery(words)
    condition = f"{table}.{column} @@ {query}"
    return RawSQL(condition, params, output_field=BooleanField())  # noqa: S611  # nosec B611


def rank(table: str, column: str, words: list[str]) -> RawSQL:
    """How well the row matches, title words first: for ordering the results."""
    query, params = _tsquery(words)
    score = f"ts_rank({table}.{column}, {query})"
    return RawSQL(score, params, output_field=FloatField())  # noqa: S611  # nosec B611
