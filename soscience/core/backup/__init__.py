"""Backups of the database and of the uploaded files, and their restore: `manage.py backup`,
`manage.py restore` (`make backup`, `make restore`; see docs/operations.md).

A backup is one folder holding:
- ``db.dump`` (PostgreSQL: pg_dump's custom format) or ``db.sqlite3`` (SQLite: a copy made by
  the online backup API, safe while the site writes);
- ``media.tar.gz``: MEDIA_ROOT, private files included, under a top folder ``media``;
- ``manifest.json``: when, which engine, the migration state (last migration per app), the
  row count of every model, and the size and sha256 of each file.

The manifest is written last, into a hidden folder renamed to its final name only once
complete: a folder named like a backup is a whole backup. A restore checks every checksum,
refuses a database that is not empty unless forced, and extracts the files aside (checking
every path) before it changes anything; then the database, then the files swapped in.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.conf import settings

from soscience.core.backup.common import (
    DATABASE_FILES,
    FAILURES,
    FORMAT,
    MANIFEST,
    MEDIA_ARCHIVE,
    BackupError,
    Counts,
    Say,
    fsync,
    sha256,
    stamp,
)
from soscience.core.backup.database import (
    configured_engine,
    current_row_counts,
    database_name,
    database_tables,
    dump_postgresql,
    dump_sqlite,
    model_tables,
    restore_database,
)
from soscience.core.backup.manifest import migration_notes, read_manifest
from soscience.core.backup.media import archive_media, extract_media, swap_media

__all__ = ["BackupError", "Written", "backup_create", "backup_restore", "read_manifest"]


@dataclass(frozen=True)
class Written:
    folder: Path
    sizes: dict[str, int]  # file name -> bytes
    counts: Counts


def backup_create(*, parent: Path, say: Say) -> Written:
    """Write a complete backup into a new folder of ``parent`` named after the UTC time."""
    engine = configured_engine()
    final = parent / stamp()
    try:
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if final.exists():
            raise BackupError(f"{final} already exists.")
        work = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=parent))
    except OSError as exc:
        raise BackupError(f"Cannot write into {parent}: {exc}") from exc
    try:
        database = work / DATABASE_FILES[engine]
        dump = dump_postgresql if engine == "postgresql" else dump_sqlite
        counts, migrations = dump(database)
        archive_media(Path(settings.MEDIA_ROOT), work / MEDIA_ARCHIVE, say)
        files = {}
        for path in (database, work / MEDIA_ARCHIVE):
            path.chmod(0o600)  # personal data
            fsync(path)
            files[path.name] = {"bytes": path.stat().st_size, "sha256": sha256(path)}
        manifest = {
            "format": FORMAT, "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "engine": engine, "django": django.get_version(), "migrations": migrations,
            "row_counts": counts, "files": files,
        }  # fmt: skip
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        (work / MANIFEST).chmod(0o600)
        fsync(work / MANIFEST)
        work.rename(final)  # named like a backup only once complete
        fsync(parent)
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
    that can be checked is checked, and the files extracted aside, before anything live
    changes. Returns the row counts."""
    manifest = read_manifest(folder)
    say(f"Checksums of {', '.join(sorted(manifest['files']))} match the manifest.")
    engine = configured_engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"This is a backup of a {manifest['engine']} database; the site's database is "
            f"{engine}. Nothing was changed."
        )
    try:
        tables = database_tables()
    except FAILURES as exc:
        raise BackupError(f"{exc}. Nothing was changed.") from exc
    if tables and not force:
        raise BackupError(
            f"The database {database_name()} is not empty ({len(tables)} tables): a restore "
            "would replace its content. Run again with --force (make restore ... FORCE=1) if "
            "that is what you want. Nothing was changed."
        )
    root = Path(settings.MEDIA_ROOT)
    try:
        staging = extract_media(folder / MEDIA_ARCHIVE, root)
    except BackupError as exc:
        raise BackupError(f"{exc} Nothing was changed.") from exc
    except FAILURES as exc:
        raise BackupError(
            f"{MEDIA_ARCHIVE} cannot be extracted beside {root} ({exc}). Nothing was changed."
        ) from exc
    try:
        restore_database(engine, folder / DATABASE_FILES[engine])
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, FAILURES):
            raise BackupError(f"The database could not be restored: {exc}") from exc
        raise
    say(f"Database {database_name()} restored from {DATABASE_FILES[engine]}.")
    _restore_files(staging, root, say)
    return _compare_counts(manifest, say)


def _restore_files(staging: Path, root: Path, say: Say) -> None:
    try:
        previous = swap_media(staging, root)
    except OSError as exc:
        raise BackupError(
            f"The database is restored but the uploaded files are not ({exc}); the files "
            f"of {root} are as before. Fix the cause and restore again with --force."
        ) from exc
    say(f"Uploaded files restored into {root}.")
    if previous is not None:
        say(f"The files that were there are kept in {previous}: delete it once satisfied.")


def _compare_counts(manifest: dict[str, Any], say: Say) -> Counts:
    counts = current_row_counts()
    known = model_tables()
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
