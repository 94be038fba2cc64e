"""The manifest of a backup: read and checked against the files, and compared with the
code's migrations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db.migrations.loader import MigrationLoader

from soscience.core.backup.common import (
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    MEDIA_ARCHIVE,
    BackupError,
    sha256,
)


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
        if path.stat().st_size != facts["bytes"] or sha256(path) != facts["sha256"]:
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
        return [
            "The backup is older than this code: run `manage.py migrate` before starting the site."
        ]
    return []
