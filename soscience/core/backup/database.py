"""The database, engine by engine: PostgreSQL with pg_dump and pg_restore, SQLite with its
online backup API; row counts and the migration state for the manifest."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump and pg_restore: fixed argument lists, no shell
from contextlib import closing
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, transaction

from soscience.core.backup.common import DATABASE_FILES, BackupError, Counts


def configured_engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups handle PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def database_name() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(db["NAME"])
    return f"{db['NAME']} on {db['HOST'] or 'the local socket'}"


def model_tables() -> dict[str, str]:
    """Model label -> table, many-to-many tables included (a proxy shares its table)."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        tables.setdefault(model._meta.db_table, model._meta.label_lower)
    return {label: table for table, label in sorted(tables.items())}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_counts(cursor: Any, tables: set[str]) -> Counts:
    counts = {}
    for label, table in model_tables().items():
        if table in tables:
            # Table names come from our own models, quoted.
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608  # nosec B608
            counts[label] = int(cursor.fetchone()[0])
    return dict(sorted(counts.items()))


def migration_state(cursor: Any, tables: set[str]) -> dict[str, str]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations")
    last: dict[str, str] = {}
    for app, name in cursor.fetchall():
        # Migration names start with their number: the greatest is the app's last.
        last[app] = max(name, last.get(app, ""))
    return dict(sorted(last.items()))


def _pg_env() -> dict[str, str]:
    """libpq's variables for Django's connection settings, so that pg_dump and pg_restore
    reach the very database the site uses; the password never shows on a command line."""
    db = connection.settings_dict
    options = db.get("OPTIONS") or {}
    values = {
        "PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"), "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": options.get("sslmode"), "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"), "PGSSLKEY": options.get("sslkey"),
        "PGSERVICE": options.get("service"), "PGPASSFILE": options.get("passfile"),
    }  # fmt: skip
    # Like psycopg, unset values fall back to the PG* variables already in the environment.
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}


def _run(tool: str, *arguments: str) -> None:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    completed = subprocess.run(  # noqa: S603  # nosec B603  # our fixed arguments, no shell
        [path, "--no-password", *arguments],
        env=_pg_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        raise BackupError(
            f"{tool} failed (exit {completed.returncode}): {completed.stderr.strip()}"
        )


def dump_postgresql(target: Path) -> tuple[Counts, dict[str, str]]:
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        # pg_dump reads the snapshot this transaction exports: the row counts and migrations
        # of the manifest describe exactly the rows of the dump, even while the site writes.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
        tables = set(connection.introspection.table_names(cursor))
        return row_counts(cursor, tables), migration_state(cursor, tables)


def _sqlite_tables(cursor: sqlite3.Cursor) -> set[str]:
    return {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def dump_sqlite(target: Path) -> tuple[Counts, dict[str, str]]:
    source_path = Path(connection.settings_dict["NAME"])
    if not source_path.is_file():
        raise BackupError(f"The database {source_path} does not exist.")
    with (
        closing(sqlite3.connect(source_path, timeout=20)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)  # all pages in one step: one consistent read
        copy.execute("PRAGMA journal_mode=DELETE")  # a copy stands alone, without a -wal file
        # Counted in the copy itself: the manifest describes exactly what was saved.
        cursor = copy.cursor()
        tables = _sqlite_tables(cursor)
        return row_counts(cursor, tables), migration_state(cursor, tables)


def current_row_counts() -> Counts:
    with connection.cursor() as cursor:
        return row_counts(cursor, set(connection.introspection.table_names(cursor)))


def database_tables() -> list[str]:
    return connection.introspection.table_names()


def restore_database(engine: str, saved: Path) -> None:
    connection.close()  # the restore runs in another process (PostgreSQL) or connection
    if engine == "postgresql":
        name = str(connection.settings_dict["NAME"])
        _run(
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            f"--dbname={name}", str(saved),
        )  # fmt: skip
        return
    read_only = saved.resolve().as_uri() + "?mode=ro"
    with (
        closing(sqlite3.connect(read_only, uri=True)) as source,
        closing(sqlite3.connect(connection.settings_dict["NAME"], timeout=20)) as target,
    ):
        source.backup(target)
