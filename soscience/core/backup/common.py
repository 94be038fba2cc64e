"""What every part of the backup package shares: names of the files, the error, small
helpers."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import tarfile
from collections.abc import Callable
from pathlib import Path

from django.db import DatabaseError

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
MEDIA_TOP = "media"
DATABASE_FILES = {"postgresql": "db.dump", "sqlite": "db.sqlite3"}
# What a disk, a database or a damaged archive may raise: reported as a BackupError.
FAILURES = (OSError, DatabaseError, sqlite3.Error, tarfile.TarError, ValueError)

Say = Callable[[str], None]
Counts = dict[str, int]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


def stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M%SZ")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
