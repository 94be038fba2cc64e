"""Backups of the database and of the uploaded files, and their restore: `manage.py backup`,
`manage.py restore` (`make backup`, `make restore`; see docs/operations.md).

A backup is one folder holding:
- ``db.dump`` (PostgreSQL: pg_dump's custom format) or ``db.sqlite3`` (SQLite: a copy made by
  the online backup API, safe while the site writes);
- ``media.tar.gz``: MEDIA_ROOT, private files included, under a top folder ``media``;
- ``manifest.json``: when, which engine, the migration state (last migration per app), the
  row count of every model, and the size and sha256 of each file.

The manifest is written last, into a hidden folder renamed to its final name only once
complete: a folder named like a backup is a whole backup. A restore checks every checksum and
every path of the archive before it changes anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump and pg_restore: fixed argument lists, no shell
import tarfile
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
MEDIA_TOP = "media"
DATABASE_FILES = {"postgresql": "db.dump", "sqlite": "db.sqlite3"}
FAILURES = (OSError, DatabaseError, sqlite3.Error, tarfile.TarError, ValueError)

Say = Callable[[str], None]
Counts = dict[str, int]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


@dataclass(frozen=True)
class Written:
    folder: Path
    sizes: dict[str, int]  # file name -> bytes
    counts: Counts


# --- the database, engine by engine -------------------------------------------------------


def _engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups handle PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _database_name() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(db["NAME"])
    return f"{db['NAME']} on {db['HOST'] or 'the local socket'}"


def _models() -> dict[str, str]:
    """Model label -> table, many-to-many tables included (a proxy shares its table)."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        tables.setdefault(model._meta.db_table, model._meta.label_lower)
    return {label: table for table, label in sorted(tables.items())}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_counts(cursor: Any, tables: set[str]) -> Counts:
    counts = {}
    for label, table in _models().items():
        if table in tables:
            # Table names come from our own models, quoted.
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608  # nosec B608
            counts[label] = int(cursor.fetchone()[0])
    return dict(sorted(counts.items()))


def _migration_state(cursor: Any, tables: set[str]) -> dict[str, str]:
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


def _dump_postgresql(target: Path) -> tuple[Counts, dict[str, str]]:
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        # pg_dump reads the snapshot this transaction exports: the row counts and migrations
        # of the manifest describe exactly the rows of the dump, even while the site writes.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
        tables = set(connection.introspection.table_names(cursor))
        return _row_counts(cursor, tables), _migration_state(cursor, tables)


def _sqlite_tables(cursor: sqlite3.Cursor) -> set[str]:
    return {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _dump_sqlite(target: Path) -> tuple[Counts, dict[str, str]]:
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
        return _row_counts(cursor, tables), _migration_state(cursor, tables)


def _database_tables() -> list[str]:
    return connection.introspection.table_names()


def _restore_database(engine: str, saved: Path) -> None:
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


# --- uploaded files -----------------------------------------------------------------------


def _archive_media(root: Path, target: Path, say: Say) -> None:
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        if not root.is_dir():
            folder = tarfile.TarInfo(MEDIA_TOP)
            folder.type, folder.mode = tarfile.DIRTYPE, 0o700
            archive.addfile(folder)
            return
        for directory, folders, files in os.walk(root):
            folders.sort()
            here = Path(directory)
            for path in [here, *(here / name for name in sorted(files))]:
                if path.is_symlink() or not (path.is_file() or path.is_dir()):
                    say(f"Skipped (not a regular file): {path}")
                    continue
                relative = path.relative_to(root).as_posix()
                name = MEDIA_TOP if relative == "." else f"{MEDIA_TOP}/{relative}"
                archive.add(path, arcname=name, recursive=False)


def _check_member(member: tarfile.TarInfo) -> None:
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != (MEDIA_TOP,):
        raise BackupError(f"{MEDIA_ARCHIVE} holds an unsafe path, {member.name!r}: refused.")
    if not (member.isfile() or member.isdir()):
        raise BackupError(f"{MEDIA_ARCHIVE} holds a link or device, {member.name!r}: refused.")


def _check_archive(archive_path: Path) -> None:
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            _check_member(member)


def _restore_media(archive_path: Path, root: Path) -> Path | None:
    """Extract beside MEDIA_ROOT, then swap: a failed extraction leaves the old files in
    place. Returns where the previous files were moved (None when there were none)."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.restoring-", dir=root.parent))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            for member in members:
                _check_member(member)
            # Every member checked above; the "data" filter refuses anything else besides.
            archive.extractall(staging, members=members, filter="data")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = None
    try:
        if root.is_dir() and any(root.iterdir()):
            previous = root.with_name(f"{root.name}.before-restore-{_stamp()}")
            root.rename(previous)
        elif root.is_dir():
            root.rmdir()
        (staging / MEDIA_TOP).rename(root)
    except OSError:
        if previous is not None and not root.exists():
            previous.rename(root)  # the old files back where they were
        shutil.rmtree(staging, ignore_errors=True)
        raise
    staging.rmdir()
    return previous


# --- the manifest ---------------------------------------------------------------------------


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M%SZ")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of ``folder`` once every file matches its size and sha256."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        engine, files = manifest["engine"], manifest["files"]
        expected = {DATABASE_FILES[engine], MEDIA_ARCHIVE}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{folder} is not a readable backup (its {MANIFEST}: {exc}).") from exc
    if manifest.get("format") != FORMAT or set(files) != expected:
        raise BackupError(f"{folder}/{MANIFEST} is not a backup manifest of format {FORMAT}.")
    for name, facts in sorted(files.items()):
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from {folder}.")
        if path.stat().st_size != facts["bytes"] or _sha256(path) != facts["sha256"]:
            raise BackupError(f"{name} does not match its checksum in the manifest: damaged.")
    return manifest


def migration_notes(recorded: dict[str, str]) -> list[str]:
    """What to do when the backup's migrations and this code's differ."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    leaves = dict(graph.leaf_nodes())
    unknown = [f"{app}.{name}" for app, name in recorded.items() if (app, name) not in graph.nodes]
    if unknown:
        return [
            "The backup has migrations this code does not know (" + ", ".join(unknown) + "): "
            "run the version of the code the backup was made with."
        ]
    if any(recorded.get(app) != name for app, name in leaves.items()):
        return ["The backup is older than this code: run `manage.py migrate` before the site."]
    return []


# --- backup and restore -------------------------------------------------------------------


def backup_create(*, parent: Path, say: Say) -> Written:
    """Write a complete backup into a new folder of ``parent`` named after the UTC time."""
    engine = _engine()
    final = parent / _stamp()
    try:
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if final.exists():
            raise BackupError(f"{final} already exists.")
        work = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=parent))
    except OSError as exc:
        raise BackupError(f"Cannot write into {parent}: {exc}") from exc
    try:
        database = work / DATABASE_FILES[engine]
        dump = _dump_postgresql if engine == "postgresql" else _dump_sqlite
        counts, migrations = dump(database)
        _archive_media(Path(settings.MEDIA_ROOT), work / MEDIA_ARCHIVE, say)
        files = {}
        for path in (database, work / MEDIA_ARCHIVE):
            path.chmod(0o600)  # personal data
            _fsync(path)
            files[path.name] = {"bytes": path.stat().st_size, "sha256": _sha256(path)}
        manifest = {
            "format": FORMAT, "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "engine": engine, "django": django.get_version(), "migrations": migrations,
            "row_counts": counts, "files": files,
        }  # fmt: skip
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        (work / MANIFEST).chmod(0o600)
        _fsync(work / MANIFEST)
        work.rename(final)  # named like a backup only once complete
        _fsync(parent)
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, FAILURES):
            raise BackupError(f"{exc}. Nothing was kept.") from exc
        raise
    sizes = {name: facts["bytes"] for name, facts in files.items()}
    sizes[MANIFEST] = (final / MANIFEST).stat().st_size
    return Written(folder=final, sizes=sizes, counts=counts)


def backup_restore(*, folder: Path, force: bool, say: Say) -> Counts:
    """Put the backup in ``folder`` back: the database, then the uploaded files. Everything
    that can be checked is checked before anything changes. Returns the row counts."""
    manifest = read_manifest(folder)
    say(f"Checksums of {', '.join(sorted(manifest['files']))} match the manifest.")
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"This is a backup of a {manifest['engine']} database; the site's database is "
            f"{engine}. Nothing was changed."
        )
    try:
        _check_archive(folder / MEDIA_ARCHIVE)
        tables = _database_tables()
    except FAILURES as exc:
        raise BackupError(f"{exc}. Nothing was changed.") from exc
    if tables and not force:
        raise BackupError(
            f"The database {_database_name()} is not empty ({len(tables)} tables): a restore "
            "would replace its content. Run again with --force (make restore ... FORCE=1) if "
            "that is what you want. Nothing was changed."
        )
    try:
        _restore_database(engine, folder / DATABASE_FILES[engine])
    except FAILURES as exc:
        raise BackupError(f"The database could not be restored: {exc}") from exc
    say(f"Database {_database_name()} restored from {DATABASE_FILES[engine]}.")
    _restore_files(folder / MEDIA_ARCHIVE, say)
    return _compare_counts(manifest, say)


def _restore_files(archive_path: Path, say: Say) -> None:
    root = Path(settings.MEDIA_ROOT)
    try:
        previous = _restore_media(archive_path, root)
    except FAILURES as exc:
        raise BackupError(
            f"The database is restored but the uploaded files are not ({exc}); the files "
            f"of {root} are as before. Fix the cause and restore again with --force."
        ) from exc
    say(f"Uploaded files restored into {root}.")
    if previous is not None:
        say(f"The files that were there are kept in {previous}: delete it once satisfied.")


def _compare_counts(manifest: dict[str, Any], say: Say) -> Counts:
    with connection.cursor() as cursor:
        counts = _row_counts(cursor, set(connection.introspection.table_names(cursor)))
    known = _models()
    expected = {label: n for label, n in manifest["row_counts"].items() if label in known}
    differ = [
        f"{label}: {counts.get(label, 'no table')} rows, {count} in the backup"
        for label, count in expected.items()
        if counts.get(label) != count
    ]
    if differ:
        raise BackupError("Restored, but row counts differ from the manifest: " + "; ".join(differ))
    say(f"Row counts match the backup: {sum(expected.values())} rows in {len(expected)} models.")
    for note in migration_notes(manifest["migrations"]):
        say(note)
    return counts
