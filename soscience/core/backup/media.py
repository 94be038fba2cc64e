"""The uploaded files: MEDIA_ROOT archived as media.tar.gz, extracted aside and swapped in."""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from soscience.core.backup.common import MEDIA_ARCHIVE, MEDIA_TOP, BackupError, Say, stamp


def archive_media(root: Path, target: Path, say: Say) -> None:
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


def check_member(member: tarfile.TarInfo) -> None:
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != (MEDIA_TOP,):
        raise BackupError(f"{MEDIA_ARCHIVE} holds an unsafe path, {member.name!r}: refused.")
    if not (member.isfile() or member.isdir()):
        raise BackupError(f"{MEDIA_ARCHIVE} holds a link or device, {member.name!r}: refused.")


def extract_media(archive_path: Path, root: Path) -> Path:
    """Extract into a new hidden folder beside MEDIA_ROOT (same file system, so the swap is
    a rename); the live files are not touched. Returns the folder."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.restoring-", dir=root.parent))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            for member in members:
                check_member(member)
            # Every member checked above; the "data" filter refuses anything else besides.
            archive.extractall(staging, members=members, filter="data")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def swap_media(staging: Path, root: Path) -> Path | None:
    """Put the extracted files in place of MEDIA_ROOT. Returns where the previous files
    were moved (None when there were none)."""
    previous = None
    try:
        if root.is_dir() and any(root.iterdir()):
            previous = root.with_name(f"{root.name}.before-restore-{stamp()}")
            root.rename(previous)
        elif root.is_dir():
            root.rmdir()
        (staging / MEDIA_TOP).rename(root)
    except OSError:
        if previous is not None and not root.exists():
            previous.rename(root)  # the old files back where they were
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return previous
