"""Restore a backup made by `manage.py backup` (docs/operations.md): checksums first, then
the database, then the uploaded files, then the row counts compared with the manifest.

    manage.py restore var/backups/2026-01-31T020000Z [--force]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soscience.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore the database and MEDIA_ROOT from a backup folder. Refuses a database that "
        "is not empty unless --force, and a backup whose checksums do not match."
    )
    # A restore is what one reaches for when something is wrong: no unrelated system check
    # may stop it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="The backup's folder.")
        parser.add_argument(
            "--force", action="store_true",
            help="Replace the content of a database that is not empty.",
        )  # fmt: skip

    def handle(self, *args: Any, folder: Path, force: bool, **options: Any) -> None:
        try:
            backup_restore(folder=folder.resolve(), force=force, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(f"Restore refused or failed: {error}") from error
        from soscience.core.page_cache import empty_caches

        # The database was replaced under the cached figures and pages: empty the caches
        # (no task is queued, so the restored database holds exactly what was backed up).
        empty_caches()
        self.stdout.write("Restore complete.")
