"""Mail leaves the platform as it does in production: the action queues a task in the
database, a real worker process (`manage.py db_worker`) takes it and holds a real SMTP
conversation. The rest of the suite runs tasks in-process; these tests do not.

The worker is another process, so it must see the test's database. On PostgreSQL it is the
test database itself. On SQLite pytest-django keeps the test database in memory, out of
reach of another process, so these tests use a database file migrated by the real
`manage.py migrate` (once per module, copied for each test).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from soscience.accounts.roles import Role
from soscience.organisations.models import Organisation
from soscience.organisations.services import organisation_register
from tests.factories import UserFactory, pdf_upload

pytestmark = [
    pytest.mark.integration,
    # Committed data for the worker; the migrated groups restored for the next test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BASE_DIR = Path(settings.BASE_DIR)
DELIVER_MAIL = "soscience.core.tasks.deliver_mail"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
RETRY_SCRIPT = BASE_DIR / "scripts" / "retry_failed_mail.py"
ORGANISATION = {
    "name": "Eau Claire Thiès",
    "legal_form": Organisation.LegalForm.ASSOCIATION,
    "country": "SN",
    "city": "Thiès",
    "website": "",
    "social_mission": "Safe drinking water for rural schools.",
    "beneficiaries": "About 2,000 pupils a year.",
    "siren": "",
    "siret": "",
    "rna": "",
}


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage


class Mailbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.received: list[Received] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.received.append(Received(recipients=list(envelope.rcpt_tos), message=message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(port: int) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@dataclass
class Worker:
    """Runs manage.py commands as separate processes, configured only by the environment,
    like the worker of a deployment."""

    database_url: str
    smtp_port: int

    def manage(self, *args: str, stdin_path: Path | None = None) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "SOSCIENCE_ENV": "local",
            "DATABASE_URL": self.database_url,
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_BACKEND": SMTP_BACKEND,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "EMAIL_TIMEOUT": "5",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        with Path(stdin_path or os.devnull).open("rb") as stdin:
            # A fixed command line: this interpreter and this project's manage.py.
            completed = subprocess.run(  # noqa: S603
                [sys.executable, str(BASE_DIR / "manage.py"), *args],
                cwd=BASE_DIR,
                env=env,
                stdin=stdin,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return completed

    def run_queued_tasks(self) -> None:
        self.manage("db_worker", "--batch", "--no-reload", "--no-startup-delay")


def postgres_url(database: dict[str, Any]) -> str:
    credentials = quote(database["USER"] or "")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"])
    host = database["HOST"] or "localhost"
    port = database["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(database['NAME'])}"


@pytest.fixture(scope="module")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("worker-db") / "migrated.sqlite3"
    Worker(database_url=f"sqlite:///{path}", smtp_port=0).manage("migrate", "--no-input", "-v0")
    return path


@pytest.fixture
def worker_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, django_db_blocker: Any
) -> Iterator[str]:
    """The URL of a database both this test and the worker process use."""
    if connection.vendor != "sqlite":
        yield postgres_url(connection.settings_dict)
        return
    path = tmp_path / "soscience.sqlite3"
    shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), path)
    with django_db_blocker.unblock():
        in_memory = connections["default"]
        on_file = type(in_memory)({**in_memory.settings_dict, "NAME": str(path)}, "default")
        connections["default"] = on_file
        try:
            yield f"sqlite:///{path}"
        finally:
            on_file.close()
            connections["default"] = in_memory


@pytest.fixture
def queue_in_database(settings: Any) -> None:
    """This process queues tasks in the database instead of running them at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def register_organisation() -> tuple[Organisation, Any]:
    """A representative registers an organisation; the coordinator is to be told by mail."""
    coordinator = UserFactory(roles=[Role.COORDINATOR], language="en")
    representative = UserFactory(language="en")
    organisation = organisation_register(by=representative, data=ORGANISATION, proof=pdf_upload())
    return organisation, coordinator


def mail_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=DELIVER_MAIL))


def test_the_worker_delivers_a_queued_mail_over_smtp(
    worker_database_url: str, queue_in_database: None, settings: Any
):
    port = free_port()
    settings.MAILERS = {
        "default": {"BACKEND": SMTP_BACKEND, "OPTIONS": {"host": "127.0.0.1", "port": port}}
    }
    organisation, coordinator = register_organisation()
    [queued] = mail_tasks()
    assert queued.status == "READY"

    with smtp_server(port) as mailbox:
        Worker(database_url=worker_database_url, smtp_port=port).run_queued_tasks()

    assert [received.recipients for received in mailbox.received] == [[coordinator.email]]
    message = mailbox.received[0].message
    assert message["To"] == coordinator.email
    assert message["Subject"] == "Organisation to verify: Eau Claire Thiès"
    assert f"/organisations/{organisation.pk}/" in message.get_content()
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


def test_when_smtp_is_down_the_task_fails_nothing_is_lost_and_it_can_be_sent_again(
    worker_database_url: str, queue_in_database: None, settings: Any
):
    port = free_port()  # nothing listens there: the SMTP server is down
    settings.MAILERS = {
        "default": {"BACKEND": SMTP_BACKEND, "OPTIONS": {"host": "127.0.0.1", "port": port}}
    }
    worker = Worker(database_url=worker_database_url, smtp_port=port)
    organisation, coordinator = register_organisation()

    worker.run_queued_tasks()

    [failed] = mail_tasks()
    assert failed.status == "FAILED"
    assert failed.exception_class_path == "builtins.ConnectionRefusedError"
    # What the representative submitted is saved, proof document included.
    saved = Organisation.objects.get(pk=organisation.pk)
    assert saved.name == ORGANISATION["name"]
    assert saved.status == Organisation.Status.PENDING
    assert saved.memberships.get().is_representative
    assert Path(saved.proof_document.path).read_bytes().startswith(b"%PDF")

    # The SMTP server is back: the operator's retry script (docs/operations.md) sends it.
    with smtp_server(port) as mailbox:
        retried = worker.manage("shell", stdin_path=RETRY_SCRIPT)
        worker.run_queued_tasks()

    assert "Queued again: 'Organisation to verify: Eau Claire Thiès'" in retried.stdout
    assert [received.recipients for received in mailbox.received] == [[coordinator.email]]
    assert [task.status for task in mail_tasks()] == ["SUCCESSFUL"]
