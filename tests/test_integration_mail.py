"""Mail leaves the platform as it does in production: the action writes the mail to the
outbox and queues a task in the database, a real worker process (`manage.py db_worker`)
takes it and holds a real SMTP conversation with a real server on loopback (aiosmtpd). The
rest of the suite runs tasks in-process; these tests do not.

The worker is another process, so it must see the test's database. On PostgreSQL it is the
test database itself. On SQLite pytest-django keeps the test database in memory, out of
reach of another process, so these tests use a database file migrated by the real
`manage.py migrate` (once per module, copied for each test).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
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
from django.db import connection, connections, transaction
from django.utils import timezone

from soscience.accounts.roles import Role
from soscience.core.mail import mail_to
from soscience.core.models import OutgoingMail
from soscience.organisations.models import Organisation
from soscience.organisations.services import organisation_register
from tests.factories import UserFactory, pdf_upload

pytestmark = [
    pytest.mark.integration,
    # Committed data for the worker; the migrated groups restored for the next test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BASE_DIR = Path(settings.BASE_DIR)
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
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
    """aiosmtpd handler: keeps every message it accepts.

    With ``stall_at=n`` it stops answering at the n-th recipient it is given (in the middle
    of that mail's SMTP transaction, before any data), says so through ``stalled``, and
    waits for ``release``: the moment a test kills the worker.
    """

    def __init__(self, *, stall_at: int = 0) -> None:
        self.received: list[Received] = []
        self.stall_at = stall_at
        self.recipients_seen = 0
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        self.recipients_seen += 1
        if self.recipients_seen == self.stall_at:
            self.stalled.set()
            await asyncio.to_thread(self.release.wait, 60)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.received.append(Received(recipients=list(envelope.rcpt_tos), message=message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(port: int, mailbox: Mailbox | None = None) -> Iterator[Mailbox]:
    mailbox = mailbox or Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        mailbox.release.set()
        controller.stop()


@dataclass
class Worker:
    """Runs manage.py commands as separate processes, configured only by the environment,
    like the worker of a deployment."""

    database_url: str
    smtp_port: int

    def env(self) -> dict[str, str]:
        return {
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

    def command(self, *args: str) -> list[str]:
        # A fixed command line: this interpreter and this project's manage.py.
        return [sys.executable, str(BASE_DIR / "manage.py"), *args]

    def manage(self, *args: str, stdin_path: Path | None = None) -> subprocess.CompletedProcess:
        with Path(stdin_path or os.devnull).open("rb") as stdin:
            completed = subprocess.run(  # noqa: S603
                self.command(*args),
                cwd=BASE_DIR,
                env=self.env(),
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

    def start(self) -> subprocess.Popen:
        """A worker that keeps running, as in production, until it is stopped or killed."""
        return subprocess.Popen(  # noqa: S603
            self.command("db_worker", "--no-reload", "--no-startup-delay"),
            cwd=BASE_DIR,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


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


def outbox() -> list[OutgoingMail]:
    return list(OutgoingMail.objects.order_by("pk"))


def smtp_settings(settings: Any, port: int) -> None:
    settings.MAILERS = {
        "default": {"BACKEND": SMTP_BACKEND, "OPTIONS": {"host": "127.0.0.1", "port": port}}
    }


def time_passes() -> None:
    """The back-off delay is over (rather than waiting minutes for it)."""
    OutgoingMail.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def test_the_worker_delivers_a_queued_mail_over_smtp(
    worker_database_url: str, queue_in_database: None, settings: Any
):
    port = free_port()
    smtp_settings(settings, port)
    organisation, coordinator = register_organisation()
    [queued] = outbox()
    assert queued.status == OutgoingMail.Status.QUEUED

    with smtp_server(port) as mailbox:
        Worker(database_url=worker_database_url, smtp_port=port).run_queued_tasks()

    assert [received.recipients for received in mailbox.received] == [[coordinator.email]]
    message = mailbox.received[0].message
    assert message["To"] == coordinator.email
    assert message["Subject"] == "Organisation to verify: Eau Claire Thiès"
    assert f"/organisations/{organisation.pk}/" in message.get_content()
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.SENT
    assert message["Message-ID"].strip() == queued.message_id


def test_when_smtp_is_down_nothing_is_lost_and_the_mail_goes_once_it_is_back(
    worker_database_url: str, queue_in_database: None, settings: Any
):
    port = free_port()  # nothing listens there: the SMTP server is down
    smtp_settings(settings, port)
    worker = Worker(database_url=worker_database_url, smtp_port=port)
    organisation, coordinator = register_organisation()

    worker.run_queued_tasks()

    [waiting] = outbox()
    assert waiting.status == OutgoingMail.Status.QUEUED
    assert waiting.attempts == 1
    assert waiting.last_error.startswith("ConnectionRefusedError")
    assert waiting.next_attempt_at > timezone.now()  # backs off before trying again
    # What the representative submitted is saved, proof document included.
    saved = Organisation.objects.get(pk=organisation.pk)
    assert saved.name == ORGANISATION["name"]
    assert saved.status == Organisation.Status.PENDING
    assert saved.memberships.get().is_representative
    assert Path(saved.proof_document.path).read_bytes().startswith(b"%PDF")

    # Too early: cron's run finds nothing due yet, and sends nothing.
    with smtp_server(port) as mailbox:
        worker.manage("send_queued_mail")
        worker.run_queued_tasks()
        assert mailbox.received == []
        # The server is back and the delay is over: cron's next run sends it, once.
        time_passes()
        worker.manage("send_queued_mail")
        worker.run_queued_tasks()
        worker.manage("send_queued_mail")
        worker.run_queued_tasks()

    assert [received.recipients for received in mailbox.received] == [[coordinator.email]]
    [sent] = outbox()
    assert (sent.status, sent.attempts) == (OutgoingMail.Status.SENT, 2)


def test_a_mail_out_of_attempts_is_kept_and_an_operator_can_send_it_again(
    worker_database_url: str, queue_in_database: None, settings: Any
):
    port = free_port()
    smtp_settings(settings, port)
    settings.SOSCIENCE_MAIL_MAX_ATTEMPTS = 1
    worker = Worker(database_url=worker_database_url, smtp_port=port)
    register_organisation()
    # The worker's own settings: one attempt, then the mail is marked failed.
    OutgoingMail.objects.update(attempts=11)
    worker.run_queued_tasks()
    [failed] = outbox()
    assert failed.status == OutgoingMail.Status.FAILED

    with smtp_server(port) as mailbox:
        retried = worker.manage("send_queued_mail", "--retry-failed", "--now")

    assert "Queued again: 'Organisation to verify: Eau Claire Thiès'" in retried.stdout
    assert "Sent 1 mails." in retried.stdout
    assert len(mailbox.received) == 1
    failed.refresh_from_db()
    assert failed.status == OutgoingMail.Status.SENT


def test_a_worker_killed_mid_batch_loses_no_mail_and_sends_none_twice(
    worker_database_url: str, queue_in_database: None, settings: Any
):
    port = free_port()
    smtp_settings(settings, port)
    people = UserFactory.create_batch(12, language="en")
    with transaction.atomic():  # one action that tells twelve people
        for number, person in enumerate(people, start=1):
            mail_to(person, f"News {number}", "The mission has a new update.")
    worker = Worker(database_url=worker_database_url, smtp_port=port)

    # The server stalls in the middle of the fifth mail; the worker is killed right there.
    with smtp_server(port, Mailbox(stall_at=5)) as mailbox:
        process = worker.start()
        try:
            assert mailbox.stalled.wait(60), "the worker never reached the fifth mail"
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(30)
    assert [m.message["Subject"] for m in mailbox.received] == [f"News {n}" for n in range(1, 5)]
    statuses = [mail.status for mail in outbox()]
    assert statuses == [OutgoingMail.Status.SENT] * 4 + [OutgoingMail.Status.QUEUED] * 8

    # Restarted (and cron's run queued as every minute), it sends the other eight, once each.
    with smtp_server(port) as mailbox:
        worker.manage("send_queued_mail")
        worker.run_queued_tasks()

    subjects = sorted(m.message["Subject"] for m in mailbox.received)
    assert subjects == sorted(f"News {n}" for n in range(5, 13))
    assert [mail.status for mail in outbox()] == [OutgoingMail.Status.SENT] * 12
    sent_ids = {m.message["Message-ID"].strip() for m in mailbox.received}
    assert sent_ids == {mail.message_id for mail in outbox()[4:]}
