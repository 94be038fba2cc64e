"""Writing rows fast, straight into the tables: no model objects, no save(), no signals.

PostgreSQL gets ``COPY ... FROM STDIN (FORMAT BINARY)`` through psycopg 3 (``write_row``
with the columns' types set once: about half the client's and the server's work of the
text format), one COPY per batch so a batch's foreign-key checks run and are released as
it ends. SQLite gets ``executemany`` of plain tuples (SQLite is for small sizes and tests).

Foreign keys on PostgreSQL: checked row by row, the triggers would take two thirds of the
server's time. When the database role may (a superuser), :meth:`Sink.begin` turns them off
for this transaction (``session_replication_role = replica``) and :meth:`Sink.verify`
checks every foreign key of the written tables afterwards with one anti-join each, which
costs far less; a dangling reference then rolls the whole run back. Tables with triggers
of their own (the catalogue's search document) are written with triggers on.

Indexes on PostgreSQL: a table that is empty when the run starts writing to it loses its
plain (not unique, not primary) indexes until the end, when :meth:`Sink.rebuild_indexes`
creates them again from their definitions: one sort per index instead of a random insert
per row and index, about two and a half times faster for the large tables. All of it is in
the run's transaction: a failed run leaves the indexes as they were.
Rows hold Python values: dates, aware datetimes (UTC), Decimals, lists and dicts for JSON.

Ids are chosen here, not by the database: a table's ids start after its largest id (so
``--append`` works), children can name their parents without reading them back, and the
sequences are moved past them at the end (:meth:`Sink.finish`). Tables whose ids nobody
refers to leave the id out and let the database number them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

Row = tuple[Any, ...]
Convert = Callable[[Any], Any]


@dataclass
class TableStat:
    """Rows written to one table and the seconds spent making and writing them."""

    table: str
    rows: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    # What Django's SQLite backend stores: naive UTC text (every datetime here is UTC).
    if value is None:
        return None
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _sqlite_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _sqlite_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


SQLITE_CONVERTERS: dict[str, Convert] = {
    "DateTimeField": _sqlite_datetime,
    "DateField": _sqlite_date,
    "DecimalField": _sqlite_decimal,
    "JSONField": _sqlite_json,
}
_MODIFIER = re.compile(r"\(.*\)")  # varchar(300) -> varchar: COPY wants the type's name


class Sink:
    """Where every generated row goes; keeps the per-table statistics."""

    def __init__(
        self,
        connection: BaseDatabaseWrapper,
        batch_size: int,
        on_write: Callable[[TableStat], None] | None = None,
    ) -> None:
        self.connection = connection
        self.on_write = on_write  # told of each write (rows and seconds of that write)
        self.postgres = connection.vendor == "postgresql"
        self.batch_size = max(1, batch_size)
        self.stats: dict[str, TableStat] = {}
        self._next_id: dict[type[models.Model], int] = {}
        self.numbered: set[type[models.Model]] = set()  # tables given ids here
        self.written: set[type[models.Model]] = set()
        self.foreign_keys_deferred = False  # to verify() at the end instead of per row
        self._triggered: set[str] = set()  # tables with triggers of their own
        self._prepared: set[str] = set()
        self._dropped_indexes: list[str] = []  # their CREATE INDEX statements

    def begin(self) -> None:
        """Call first, inside the transaction."""
        if not self.postgres:
            return
        with self.connection.cursor() as cursor:
            # Checked as each COPY ends (not all at the commit, which would queue tens of
            # millions of checks in the server's memory) when they are checked per row.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
            )
            self._triggered = {name for (name,) in cursor.fetchall()}
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the index builds
        try:
            with transaction.atomic(), self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:  # not a superuser: the foreign keys are checked per row
            return
        self.foreign_keys_deferred = True

    # --- ids --------------------------------------------------------------------------

    def ids(self, model: type[models.Model], count: int) -> range:
        """``count`` fresh ids for ``model``, after every id the table holds."""
        start = self._next_id.get(model)
        if start is None:
            largest = model._default_manager.aggregate(m=models.Max("pk"))["m"]
            start = (largest or 0) + 1
        self._next_id[model] = start + count
        self.numbered.add(model)
        return range(start, start + count)

    # --- writing ----------------------------------------------------------------------

    def write(self, model: type[models.Model], fields: Iterable[str], rows: Iterable[Row]) -> int:
        """Write ``rows`` (tuples in the order of ``fields``, attribute names such as
        ``mission_id``) to ``model``'s table; returns how many. The time counted is the
        time to make the rows (``rows`` is usually a generator) and to write them."""
        names = list(fields)
        table = model._meta.db_table
        stat = self.stats.setdefault(table, TableStat(table))
        started = time.perf_counter()
        columns = [self._field(model, name) for name in names]
        self.written.add(model)
        written = 0
        batches = _batches(iter(rows), self.batch_size)
        if self.postgres:
            self._drop_plain_indexes(table)
        if self.postgres and table in self._triggered and self.foreign_keys_deferred:
            with self._triggers_on():
                written = self._copy(table, columns, batches)
        elif self.postgres:
            written = self._copy(table, columns, batches)
        else:
            written = self._insert(table, columns, batches)
        seconds = time.perf_counter() - started
        stat.rows += written
        stat.seconds += seconds
        if self.on_write is not None:
            self.on_write(TableStat(table, written, seconds))
        return written

    def _drop_plain_indexes(self, table: str) -> None:
        """Drop ``table``'s plain indexes if it is empty (once per table and run)."""
        if table in self._prepared:
            return
        self._prepared.add(table)
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")  # noqa: S608  # nosec B608
            if cursor.fetchone()[0]:
                return  # --append to a filled table: its indexes stay (a rebuild costs more)
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {quote(name)}")
                self._dropped_indexes.append(definition)

    def rebuild_indexes(self) -> float:
        """Create again the indexes dropped for the load; returns the seconds taken."""
        started = time.perf_counter()
        with self.connection.cursor() as cursor:
            for definition in self._dropped_indexes:
                cursor.execute(definition)
        self._dropped_indexes.clear()
        return time.perf_counter() - started

    @contextmanager
    def _triggers_on(self) -> Iterator[None]:
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
        yield
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")

    @staticmethod
    def _field(model: type[models.Model], name: str) -> models.Field:  # type: ignore[type-arg]
        for field in model._meta.concrete_fields:
            if name in (field.name, field.attname):
                return field
        raise LookupError(f"{model.__name__} has no column {name!r}")

    def _copy(
        self,
        table: str,
        columns: list[models.Field],  # type: ignore[type-arg]
        batches: Iterator[list[Row]],
    ) -> int:
        quote = self.connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in columns)
        sql = f"COPY {quote(table)} ({names}) FROM STDIN (FORMAT BINARY)"
        types = [_MODIFIER.sub("", f.db_type(self.connection) or "").strip() for f in columns]
        written = 0
        with self.connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
            for batch in batches:
                with raw.copy(sql) as copy:
                    copy.set_types(types)
                    write_row = copy.write_row
                    for row in batch:
                        write_row(row)
                written += len(batch)
        return written

    def _insert(
        self,
        table: str,
        columns: list[models.Field],  # type: ignore[type-arg]
        batches: Iterator[list[Row]],
    ) -> int:
        quote = self.connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in columns)
        marks = ", ".join("%s" for _ in columns)
        # Names come from the models' metadata, quoted; the values go as parameters.
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608
        converters = [SQLITE_CONVERTERS.get(f.get_internal_type()) for f in columns]
        convert = any(converters)
        written = 0
        with self.connection.cursor() as cursor:
            for batch in batches:
                if convert:
                    batch = [
                        tuple(c(v) if c else v for c, v in zip(converters, row, strict=True))
                        for row in batch
                    ]
                cursor.executemany(sql, batch)
                written += len(batch)
        return written

    # --- the end ----------------------------------------------------------------------

    def verify(self) -> float:
        """Check every foreign key of the tables written (when they were not checked per
        row); raises IntegrityError on the first dangling one. Returns the seconds taken."""
        started = time.perf_counter()
        if not self.foreign_keys_deferred:
            return 0.0
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for model in sorted(self.written, key=lambda m: m._meta.db_table):
                for field in model._meta.concrete_fields:
                    if not field.is_relation or field.remote_field is None:
                        continue
                    target = field.remote_field.model
                    child, parent = quote(model._meta.db_table), quote(target._meta.db_table)
                    column = quote(field.column)
                    key = quote(field.target_field.column)
                    cursor.execute(
                        f"SELECT c.{column} FROM {child} c WHERE c.{column} IS NOT NULL AND NOT "  # noqa: S608  # nosec B608
                        f"EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{column}) LIMIT 1"
                    )
                    if (row := cursor.fetchone()) is not None:
                        raise IntegrityError(
                            f"{model._meta.db_table}.{field.column} = {row[0]} matches no row of "
                            f"{target._meta.db_table}"
                        )
        return time.perf_counter() - started

    def finish(self) -> None:
        """Move the id sequences past the ids chosen here (PostgreSQL; SQLite follows
        the largest rowid by itself)."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), list(self.numbered))
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def analyze(self) -> float:
        """Refresh the planner's statistics of every table; returns the seconds taken.

        Outside a transaction, VACUUM as well: freshly loaded tables have no visibility map
        yet (no index-only scans) and their first readers would write every page again to
        set hint bits, which would make the first benchmark runs slower than a platform
        that autovacuum keeps."""
        started = time.perf_counter()
        statement = "ANALYZE" if self.connection.in_atomic_block else "VACUUM (ANALYZE)"
        with self.connection.cursor() as cursor:
            cursor.execute(statement)
        return time.perf_counter() - started

    def database_bytes(self) -> int:
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SELECT pg_database_size(current_database())")
                return int(cursor.fetchone()[0])
            cursor.execute("PRAGMA page_count")
            pages = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA page_size")
            return pages * int(cursor.fetchone()[0])


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch
