"""Back up the database and the uploaded files into one new folder (docs/operations.md).

manage.py backup                      # into var/backups/<UTC time>/
manage.py backup --to /mnt/backups    # into /mnt/backups/<UTC time>/
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from soscience.core.backup import BackupError, backup_create


def human_size(size: float) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) and MEDIA_ROOT into a new "
        "folder named after the UTC time, with a manifest of row counts and checksums."
    )
    # A backup is what one reaches for when something is wrong: no unrelated system check
    # may stop it (and skipping them makes a cron run quicker).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", type=Path, default=Path(settings.BASE_DIR) / "var" / "backups",
            help="Folder in which the backup's folder is made (default: var/backups).",
        )  # fmt: skip

    def handle(self, *args: Any, to: Path, **options: Any) -> None:
        try:
            written = backup_create(parent=to.resolve(), say=self.stderr.write)
        except BackupError as error:
            raise CommandError(f"Backup failed: {error}") from error
        self.stdout.write(f"Backup written to {written.folder}")
        for name, size in written.sizes.items():
            self.stdout.write(f"  {name:<14} {human_size(size):>10}")
        rows = sum(written.counts.values())
        self.stdout.write(f"  {rows} rows in {len(written.counts)} models")
