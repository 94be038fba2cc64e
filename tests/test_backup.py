"""Backup and restore as an operator runs them: `manage.py backup` and `manage.py restore`
(what `make backup` and `make restore` call) in their own processes, configured only by the
environment (DATABASE_URL, MEDIA_ROOT), then everything looked for again through the ORM.

The site's database must be reachable by another process. On PostgreSQL it is the test
database itself, and a restore goes into a new database created on the same server (found
from the configured DATABASES, so any test cluster will do). On SQLite pytest-django's test
database lives in memory: the site's database is a file copied from it (already migrated)
and this test's connection is pointed at that file; a restore goes into a new file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections

from soscience.accounts.models import User
from soscience.execution.models import Deliverable
from soscience.missions.models import Mission
from soscience.needs.models import Need
from soscience.organisations.models import Organisation
from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    MembershipFactory,
    MissionFactory,
    NeedFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.tally import tally

pytestmark = [
    pytest.mark.integration,
    # Committed data for the backup process; the migrated groups restored for the next test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BASE_DIR = Path(settings.BASE_DIR)
REPORT_BYTES = PDF_BYTES + b"% Final report, third version: the filter holds 40 litres.\n"
EMAIL = "awa.ndiaye@example.org"


@dataclass
class Site:
    """A database and a MEDIA_ROOT, as a `manage.py` process finds them in its environment."""

    database_url: str
    database_name: str  # for this test's own connection (connected_to)
    media_root: Path

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "SOSCIENCE_ENV": "local",
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": str(self.media_root),
        }
        return subprocess.run(  # noqa: S603  # this interpreter and manage.py, fixed arguments
            [sys.executable, str(BASE_DIR / "manage.py"), *args],
            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip


def postgres_url(database: dict[str, Any], name: str) -> str:
    credentials = quote(database["USER"] or "")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"])
    host = database["HOST"] or "localhost"
    return f"postgres://{credentials}@{host}:{database['PORT'] or 5432}/{quote(name)}"


@contextmanager
def connected_to(name: str) -> Iterator[None]:
    """This test's ORM on another database of the same server (or another SQLite file)."""
    current = connections["default"]
    other = type(current)({**current.settings_dict, "NAME": name}, "default")
    connections["default"] = other
    try:
        yield
    finally:
        other.close()
        connections["default"] = current


@contextmanager
def server_admin() -> Iterator[Any]:
    """A connection of its own to the test server's maintenance database (CREATE DATABASE
    cannot run inside the test's connection)."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
        password=db["PASSWORD"] or None, dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        yield admin


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """The running site: its database holds what the test creates, MEDIA_ROOT its files."""
    media = Path(settings.MEDIA_ROOT)
    if connection.vendor != "sqlite":
        name = connection.settings_dict["NAME"]
        yield Site(postgres_url(connection.settings_dict, name), name, media)
        return
    path = tmp_path / "site.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)  # the migrated test database, as a file
    with connected_to(str(path)):
        yield Site(f"sqlite:///{path}", str(path), media)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Site]:
    """A new server: an empty database and no uploaded files yet."""
    media = tmp_path / "restored-media"
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield Site(f"sqlite:///{path}", str(path), media)
        return
    from psycopg import sql

    name = f"{connection.settings_dict['NAME']}_restored_{secrets.token_hex(4)}"
    with server_admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Site(postgres_url(connection.settings_dict, name), name, media)
    finally:
        with server_admin() as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))


def make_world() -> None:
    """An organisation with a member, its need, the mission made of it and the report the
    team delivered (a file under MEDIA_ROOT, like the organisation's proof document)."""
    member = UserFactory(email=EMAIL, full_name="Awa Ndiaye")
    organisation = OrganisationFactory(name="Eau Claire Thiès", created_by=member)
    MembershipFactory(organisation=organisation, user=member)
    need = NeedFactory(organisation=organisation, title="Filtrer l'eau du puits de l'école")
    mission = MissionFactory(
        organisation=organisation, need=need, title="Concevoir un filtre à sable",
        status=Mission.Status.IN_PROGRESS,
    )  # fmt: skip
    Deliverable.objects.create(
        mission=mission, title="Final report", kind=Deliverable.Kind.REPORT,
        file=ContentFile(REPORT_BYTES, name="report.pdf"), original_name="Rapport final.pdf",
        content_type="application/pdf", size=len(REPORT_BYTES), uploaded_by=member,
    )  # fmt: skip


def row_counts() -> dict[str, int]:
    """Rows of every model (many-to-many tables included), counted through the ORM."""
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
    }


def back_up(site: Site, tmp_path: Path) -> Path:
    backups = tmp_path / "backups"
    result = site.manage("backup", "--to", str(backups))
    assert result.returncode == 0, result.stdout + result.stderr
    (folder,) = backups.iterdir()  # the complete backup, nothing half-written beside it
    assert f"Backup written to {folder}" in result.stdout
    assert sorted(path.name for path in folder.iterdir()) == [
        "db.dump" if connection.vendor == "postgresql" else "db.sqlite3",
        "manifest.json",
        "media.tar.gz",
    ]
    return folder


def read(field: Any) -> bytes:
    with field.open("rb") as stored:
        return stored.read()


def test_a_backup_restored_on_a_new_server_has_everything(site, fresh, tmp_path, settings):
    make_world()
    counts = row_counts()
    folder = back_up(site, tmp_path)

    result = fresh.manage("restore", str(folder))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Row counts match the backup" in result.stdout
    tally("backups restored")
    with connected_to(fresh.database_name):
        settings.MEDIA_ROOT = fresh.media_root
        assert row_counts() == counts
        member = User.objects.get(email=EMAIL)
        assert member.check_password(PASSWORD)
        assert not member.check_password(PASSWORD + "!")
        organisation = Organisation.objects.get(name="Eau Claire Thiès")
        assert [m.user for m in organisation.memberships.all()] == [member]
        assert read(organisation.proof_document) == PDF_BYTES
        need = Need.objects.get(organisation=organisation)
        mission = Mission.objects.get(need=need)
        assert mission.status == Mission.Status.IN_PROGRESS
        report = Deliverable.objects.get(mission=mission)
        assert (report.original_name, report.uploaded_by) == ("Rapport final.pdf", member)
        assert read(report.file) == REPORT_BYTES


def nothing_was_touched(fresh: Site, tmp_path: Path) -> None:
    with connected_to(fresh.database_name):
        assert connection.introspection.table_names() == []
    assert [path.name for path in fresh.media_root.iterdir()] == ["already-here.txt"]
    leftovers = [path for path in tmp_path.iterdir() if path.name.startswith(".restored-media")]
    assert leftovers == []  # no half-extracted folder either


def resign(folder: Path, name: str) -> None:
    """Write the manifest again with the file's new checksum, as a forger would."""
    manifest = json.loads((folder / "manifest.json").read_text())
    data = (folder / name).read_bytes()
    manifest["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_a_damaged_or_unsafe_backup_is_refused_before_anything_is_touched(site, fresh, tmp_path):
    make_world()
    folder = back_up(site, tmp_path)
    archive = folder / "media.tar.gz"
    original = archive.read_bytes()
    damaged = bytearray(original)
    damaged[len(damaged) // 2] ^= 0x01  # one bit of one byte
    archive.write_bytes(damaged)
    fresh.media_root.mkdir()
    (fresh.media_root / "already-here.txt").write_bytes(b"kept")

    result = fresh.manage("restore", str(folder))

    assert result.returncode != 0
    assert "media.tar.gz does not match its checksum in the manifest" in result.stderr
    assert "restored" not in result.stdout
    nothing_was_touched(fresh, tmp_path)

    # Checksums right, but a path that climbs out of MEDIA_ROOT.
    with tarfile.open(archive, "w:gz") as forged:
        escaping = tarfile.TarInfo("media/../../escaped.txt")
        escaping.size = 4
        forged.addfile(escaping, io.BytesIO(b"evil"))
    resign(folder, "media.tar.gz")

    result = fresh.manage("restore", str(folder))

    assert result.returncode != 0
    assert "media.tar.gz holds an unsafe path, 'media/../../escaped.txt'" in result.stderr
    nothing_was_touched(fresh, tmp_path)
    assert not (tmp_path / "escaped.txt").exists()


def test_restoring_over_a_database_in_use_needs_force(site, tmp_path):
    make_world()
    counts = row_counts()
    folder = back_up(site, tmp_path)
    # Life goes on after the backup: someone signs up, a file is uploaded.
    UserFactory(email="arrived.later@example.org")
    late_file = site.media_root / "private" / "arrived-later.pdf"
    late_file.write_bytes(PDF_BYTES)

    refused = site.manage("restore", str(folder))

    assert refused.returncode != 0
    assert "is not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert User.objects.filter(email="arrived.later@example.org").exists()
    assert late_file.read_bytes() == PDF_BYTES

    forced = site.manage("restore", str(folder), "--force")

    assert forced.returncode == 0, forced.stdout + forced.stderr
    tally("backups restored")
    connection.close()  # its tables were replaced by another process
    assert not User.objects.filter(email="arrived.later@example.org").exists()
    assert row_counts() == counts
    assert not late_file.exists()
    # The files that were replaced are kept aside, as the restore says.
    (kept,) = site.media_root.parent.glob(f"{site.media_root.name}.before-restore-*")
    assert f"kept in {kept}" in forced.stdout
    assert (kept / "private" / "arrived-later.pdf").read_bytes() == PDF_BYTES
