"""Faults injected into the real code (issue 7, "Reliability"): the database connection lost
in the middle of a user's action, a disk that fills up while a file is stored, a stored file
that cannot be read back. Each time the person gets a clear page, nothing is half-written,
no mail leaves twice, and what they typed is still in the form.

The mail server down and the worker killed are in tests/test_integration_mail.py.
"""

from __future__ import annotations

import errno
import html
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from soscience.applications import services as applications
from soscience.applications.models import Application, ApplicationEvent, TeamMember
from soscience.core.models import Domain, OutgoingMail
from soscience.execution.models import Deliverable, ProgressUpdate, UpdateAttachment
from soscience.groups.models import GroupFile, GroupMember, WorkingGroup
from soscience.missions.models import Mission
from soscience.needs.models import Need, NeedAttachment, NeedEvent
from soscience.notifications.models import Notification
from soscience.organisations.models import Membership, Organisation, OrganisationEvent
from soscience.privacy.models import AuditEvent
from soscience.volunteers.models import VolunteerProfile
from tests.factories import PDF_BYTES, MissionFactory, NeedFactory, UserFactory, pdf_upload
from tests.tally import tally

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def _png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _stored_files() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _client(user) -> Client:
    """A signed-in browser that receives the error page rather than the exception."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _field_error(response, field: str) -> str:
    """The error shown next to ``field`` (includes/field.html), or "" if there is none."""
    parts = response.text.split(f'id="id_{field}_error">', 1)
    return html.unescape(parts[1].split("</div>", 1)[0]) if len(parts) == 2 else ""


class Snapshot:
    """What an action could have written or changed: the rows of the given models, the
    outbox, the inbox, the audit log, and the files on disk."""

    WATCHED: tuple[type[models.Model], ...] = (OutgoingMail, Notification, AuditEvent)

    def __init__(self, *rows: type[models.Model]) -> None:
        self.models = (*rows, *self.WATCHED)
        self.rows = self._rows()
        self.files = _stored_files()

    def _rows(self) -> dict[str, list[dict[str, Any]]]:
        return {
            m._meta.label: list(m._default_manager.order_by("pk").values()) for m in self.models
        }

    def assert_unchanged(self) -> None:
        assert self._rows() == self.rows
        assert _stored_files() == self.files  # no new file, not even a partial one


# --- the database connection lost in the middle of an action (PostgreSQL) ---------------


class BackendKiller:
    """An execute wrapper (Django's public hook around each query of a connection) that has
    the database server terminate this connection's backend, from a second connection, as a
    crash or a failover would: just before the ``at``-th INSERT, or just after the INSERT into
    the table ``after``."""

    def __init__(self, at: int = 0, *, after: str = "") -> None:
        self.at, self.after = at, after
        self.inserts = 0
        self.fired = False
        self.queries_after_kill = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict):
        if self.fired:
            self.queries_after_kill += 1
        is_insert = sql.lstrip()[:6].upper() == "INSERT"
        if is_insert:
            self.inserts += 1
            if self.inserts == self.at:
                self._kill(context["connection"])
        result = execute(sql, params, many, context)
        if is_insert and self.after and sql.startswith(f'INSERT INTO "{self.after}"'):
            self._kill(context["connection"])
        return result

    def _kill(self, victim: Any) -> None:
        with victim.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        other = victim.copy()  # Django's "second connection to the same database", for tests
        try:
            with other.cursor() as cursor:
                # The second argument waits (up to 10 s) until the backend has really exited.
                cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
                assert cursor.fetchone() == (True,)
        finally:
            other.close()
        self.fired = True
        tally("faults injected")


def _assert_our_500_page(response) -> None:
    assert response.status_code == 500
    assert response.templates[-1].name == "500.html"  # the last page rendered: ours
    assert "Nothing you sent was half-saved" in response.text
    assert "Traceback" not in response.text
    assert "OperationalError" not in response.text


def _kill_at_each_insert(act: Callable[[], Any], snapshot: Snapshot) -> Any:
    """Run ``act`` with the connection killed before its 1st INSERT, then its 2nd, and so on
    until it runs to its end without meeting the killer; return that last response. After
    each kill: our error page, and nothing of the action anywhere."""
    at = 1
    while True:
        killer = BackendKiller(at)
        with connection.execute_wrapper(killer):
            response = act()
        if not killer.fired:
            assert at > 2, "the action should write several rows"
            return response
        _assert_our_500_page(response)
        snapshot.assert_unchanged()
        assert mail.outbox == []
        at += 1


needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="terminating a connection's backend (pg_terminate_backend) needs PostgreSQL; "
    "SQLite has no server to lose",
)
# Real commits (the action's own transaction), and the migrations' rows restored afterwards.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEED_FORM = {
    "title": "Cloudy well water at the school",
    "problem": "After each rain the well turns brown and 300 pupils drink it.",
    "context": "Rural primary school, no mains electricity.",
    "already_tried": "Cloth filters clog within a week.",
    "desired_outcome": "A filter the teachers can build for under 200 euros.",
    "country": "SN",
    "city": "Thies",
    "deadline": "",
}


@needs_postgresql
@committed
def test_need_submission_cut_off_at_any_insert_leaves_nothing_and_the_retry_works(cast):
    water = Domain.objects.get(slug="water")
    client = _client(cast.member)
    snapshot = Snapshot(Need, NeedAttachment, NeedEvent, Need.domains.through)

    def submit() -> Any:
        data = {**NEED_FORM, "domains": [water.pk], "attachments": [pdf_upload("plan.pdf")]}
        return client.post(reverse("needs:submit"), data)

    response = _kill_at_each_insert(submit, snapshot)

    # The same person tries again on the same connection object, and it works, once.
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("needs:detail", args=[need.pk])
    assert list(need.domains.all()) == [water]
    assert [a.original_name for a in need.attachments.all()] == ["plan.pdf"]
    assert need.attachments.get().file.read() == PDF_BYTES
    assert list(need.events.values_list("kind", flat=True)) == [NeedEvent.Kind.SUBMITTED]
    assert len(_stored_files() - snapshot.files) == 1
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]  # sent once
    assert client.get(reverse("needs:detail", args=[need.pk])).status_code == 200


@needs_postgresql
@committed
def test_need_submission_cut_off_at_commit_leaves_no_row_and_no_file(cast):
    """The connection dies after the action's last row, as it commits: the rows vanish with
    the transaction, and the file written before them is removed too."""
    water = Domain.objects.get(slug="water")
    client = _client(cast.member)
    snapshot = Snapshot(Need, NeedAttachment, NeedEvent, Need.domains.through)
    killer = BackendKiller(after="core_outgoingmail")  # the submission's last INSERT
    data = {**NEED_FORM, "domains": [water.pk], "attachments": [pdf_upload("plan.pdf")]}

    with connection.execute_wrapper(killer):
        response = client.post(reverse("needs:submit"), data)

    assert killer.fired
    assert killer.queries_after_kill == 0  # what failed was the COMMIT
    _assert_our_500_page(response)
    snapshot.assert_unchanged()
    assert mail.outbox == []


@needs_postgresql
@committed
def test_selection_cut_off_at_any_insert_leaves_no_seat_no_audit_and_no_mail(cast):
    mission = MissionFactory(
        organisation=cast.organisation, status=Mission.Status.OPEN, published_at=timezone.now(),
        supervisor=cast.supervisor, team_size=2, title="Water sensor",
    )  # fmt: skip
    VolunteerProfile.objects.create(user=cast.volunteer, kind=VolunteerProfile.Kind.STUDENT)
    application = applications.application_submit(
        mission=mission, volunteer=cast.volunteer, motivation="Motivated.",
        availability_confirmed=True,
    )  # fmt: skip
    mail.outbox.clear()
    client = _client(cast.coordinator)
    snapshot = Snapshot(Application, TeamMember, ApplicationEvent)

    def select() -> Any:
        return client.post(reverse("applications:select", args=[application.pk]), {"role": "lead"})

    response = _kill_at_each_insert(select, snapshot)

    # Each try left the application as it was; the last one selected it, once.
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SELECTED
    assert TeamMember.objects.get().volunteer == cast.volunteer
    assert AuditEvent.objects.filter(action="application.selected").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.volunteer.email, cast.supervisor.email]
    )


# --- a full disk while a file is stored ---------------------------------------------------


class FullDisk(FileSystemStorage):
    """The real file system storage on a disk with room for ``room`` more files. Past that, a
    file's first bytes are written, then the write fails as it does on a full disk (ENOSPC),
    leaving the partial file behind as the real code does."""

    room = 0

    def _save(self, name: str, content: File) -> str:
        if FullDisk.room > 0:
            FullDisk.room -= 1
            return super()._save(name, content)
        tally("faults injected")
        return super()._save(name, _CutShort(content, FullDisk.error))

    error = errno.ENOSPC


class _CutShort(File):
    """The content of a file whose writing stops half-way with an OSError."""

    def __init__(self, content: File, code: int) -> None:
        super().__init__(content, name=content.name)
        self.code = code

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        self.file.seek(0)
        data = self.file.read()
        yield data[: max(1, len(data) // 2)]
        raise OSError(self.code, "No space left on device" if self.code == errno.ENOSPC else "")


@pytest.fixture
def fill_disk(settings) -> Iterator[Callable[..., None]]:
    """Call it once the test's setup is written: from then on the disk is (nearly) full."""

    def fill(*, room: int = 0, error: int = errno.ENOSPC) -> None:
        FullDisk.room, FullDisk.error = room, error
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.FullDisk"}}

    yield fill
    FullDisk.room, FullDisk.error = 0, errno.ENOSPC


def _running_mission(cast) -> Mission:
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor,
        status=Mission.Status.IN_PROGRESS, published_at=timezone.now(),
        created_by=cast.coordinator,
    )  # fmt: skip
    application = Application.objects.create(
        mission=mission, volunteer=cast.volunteer, status=Application.Status.SELECTED,
        applied_at=timezone.now(),
    )  # fmt: skip
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=cast.volunteer, seat=1,
        capacity=mission.team_size,
    )  # fmt: skip
    return mission


@dataclass
class UploadForm:
    """One form that takes a file: who sends it where, what they type, which field holds
    the files, the rows it would write, and how many files fit before the disk is full."""

    who: str
    url: Callable[[Any], str]  # prepares what the form needs (from the cast), gives its URL
    data: Callable[[], dict[str, object]]
    field: str
    typed: tuple[str, ...]
    rows: tuple[type[models.Model], ...]
    room: int = 0
    failing_file: str = ""


def _newcomer(cast) -> str:
    cast.newcomer = UserFactory(full_name="Nadia Nouvelle")
    return reverse("organisations:register")


def _group(cast) -> str:
    group = WorkingGroup.objects.create(
        title="Filtration group", description="Filters.", created_by=cast.coordinator
    )
    GroupMember.objects.create(group=group, user=cast.volunteer)
    return reverse("groups:file_share", args=[group.pk])


def _editable_need(cast) -> str:
    need = NeedFactory(organisation=cast.organisation, submitted_by=cast.member)
    return reverse("needs:edit", args=[need.pk])


def _pending_organisation(cast) -> str:
    Organisation.objects.filter(pk=cast.organisation.pk).update(status=Organisation.Status.PENDING)
    return reverse("organisations:edit", args=[cast.organisation.pk])


ORGANISATION_FORM = {
    "name": "Solar Dryers Kaolack", "legal_form": "association", "country": "SN",
    "city": "Kaolack", "website": "https://dryers.example.org",
    "social_mission": "Solar dryers for the mango cooperatives of women.",
    "beneficiaries": "About 300 women in 12 villages.", "siren": "", "siret": "", "rna": "",
}  # fmt: skip

UPLOAD_FORMS = {
    "news with photos": UploadForm(
        who="volunteer",
        url=lambda cast: reverse("execution:update_post", args=[_running_mission(cast).pk]),
        data=lambda: {
            "body": "Week 3: the sand filter prototype holds.",
            "visibility": "shared",
            "attachments": [pdf_upload("report.pdf"), _png("filter.png")],
        },
        field="attachments",
        typed=("Week 3: the sand filter prototype holds.",),
        rows=(ProgressUpdate, UpdateAttachment),
        room=1,  # the report is written, then the photo fills the disk: both must go
        failing_file="filter.png",
    ),
    "deliverable": UploadForm(
        who="volunteer",
        url=lambda cast: reverse("deliverables:upload", args=[_running_mission(cast).pk]),
        data=lambda: {
            "title": "Final build guide",
            "kind": "report",
            "description": "How to build the filter in a day.",
            "file": pdf_upload("guide.pdf"),
        },
        field="file",
        typed=("Final build guide", "How to build the filter in a day."),
        rows=(Deliverable,),
        failing_file="guide.pdf",
    ),
    "group file": UploadForm(
        who="volunteer",
        url=_group,
        data=lambda: {"file": pdf_upload("minutes.pdf")},
        field="file",
        typed=(),  # the form has no other field
        rows=(GroupFile,),
        failing_file="minutes.pdf",
    ),
    "need submission": UploadForm(
        who="member",
        url=lambda cast: reverse("needs:submit"),
        data=lambda: {
            **NEED_FORM,
            "domains": [Domain.objects.get(slug="water").pk],
            "attachments": [pdf_upload("plan.pdf"), pdf_upload("measures.pdf")],
        },
        field="attachments",
        typed=(NEED_FORM["title"], NEED_FORM["problem"]),
        rows=(Need, NeedAttachment, NeedEvent),
        room=1,
        failing_file="measures.pdf",
    ),
    "need edition": UploadForm(
        who="member",
        url=_editable_need,
        data=lambda: {
            **NEED_FORM,
            "title": "Brown water after rain",
            "domains": [Domain.objects.get(slug="water").pk],
            "attachments": [pdf_upload("photos.pdf")],
        },
        field="attachments",
        typed=("Brown water after rain",),
        rows=(Need, NeedAttachment, NeedEvent),
        failing_file="photos.pdf",
    ),
    "organisation registration": UploadForm(
        who="newcomer",
        url=_newcomer,
        data=lambda: {**ORGANISATION_FORM, "proof": pdf_upload("statutes.pdf")},
        field="proof",
        typed=("Solar Dryers Kaolack", "Solar dryers for the mango cooperatives of women."),
        rows=(Organisation, Membership, OrganisationEvent),
        failing_file="statutes.pdf",
    ),
    "organisation edition": UploadForm(
        who="member",
        url=_pending_organisation,
        data=lambda: {**ORGANISATION_FORM, "proof": _png("receipt.png")},
        field="proof",
        typed=("Solar Dryers Kaolack",),
        rows=(Organisation, OrganisationEvent),
        failing_file="receipt.png",
    ),
}


@pytest.mark.parametrize("form", UPLOAD_FORMS.values(), ids=UPLOAD_FORMS.keys())
def test_a_full_disk_is_explained_next_to_the_file_and_nothing_is_saved(
    cast, fill_disk, form, django_capture_on_commit_callbacks
):
    url = form.url(cast)
    snapshot = Snapshot(*form.rows)
    fill_disk(room=form.room)

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(getattr(cast, form.who)).post(url, form.data())

    assert response.status_code == 200
    error = _field_error(response, form.field)
    assert f"The file “{form.failing_file}” could not be stored" in error
    assert "(the server is out of space). Nothing was saved; please try again later." in error
    for text in form.typed:
        assert text in response.text
    snapshot.assert_unchanged()
    assert mail.outbox == []


def test_another_storage_failure_is_explained_too(cast, fill_disk):
    """Not only a full disk: a storage that fails (here an I/O error) is explained alike."""
    url = UPLOAD_FORMS["deliverable"].url(cast)
    snapshot = Snapshot(Deliverable)
    fill_disk(error=errno.EIO)
    response = _client(cast.volunteer).post(url, UPLOAD_FORMS["deliverable"].data())
    assert "could not be stored (the server's storage failed)" in _field_error(response, "file")
    snapshot.assert_unchanged()


def test_once_there_is_room_again_the_same_upload_goes_through(cast, fill_disk):
    form = UPLOAD_FORMS["news with photos"]
    url = form.url(cast)
    fill_disk(room=1)
    client = _client(cast.volunteer)
    assert client.post(url, form.data()).status_code == 200
    fill_disk(room=2)
    assert client.post(url, form.data()).status_code == 302
    update = ProgressUpdate.objects.get()
    names = sorted(a.original_name for a in update.attachments.all())
    assert names == ["filter.png", "report.pdf"]
    assert len(_stored_files()) == 2 + 2  # the two attachments and the cast's two proofs


class FullTemporaryFolder(TemporaryFileUploadHandler):
    """Django's handler for big uploads (written to a temporary file while they arrive),
    on a temporary folder that is full."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        tally("faults injected")
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_temporary_folder_while_a_big_upload_arrives_gives_our_error_page(
    cast, settings, tmp_path
):
    """The request cannot even be read, so the form cannot be shown again: the person gets
    our error page, which says nothing was half-saved, and it is true."""
    form = UPLOAD_FORMS["deliverable"]
    url = form.url(cast)
    snapshot = Snapshot(*form.rows)
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.FullTemporaryFolder"]

    response = _client(cast.volunteer).post(url, form.data())

    assert response.status_code == 500
    assert "Nothing you sent was half-saved" in response.text
    assert "Traceback" not in response.text
    snapshot.assert_unchanged()
    # The part that was arriving is a NamedTemporaryFile: Python removes it when the
    # request's objects are freed (the logged traceback holds them for a while).


# --- a stored file that cannot be read back -----------------------------------------------


def _deliverable(cast, client) -> tuple[str, FieldFile]:
    client.post(UPLOAD_FORMS["deliverable"].url(cast), UPLOAD_FORMS["deliverable"].data())
    deliverable = Deliverable.objects.get()
    return reverse("deliverables:download", args=[deliverable.pk]), deliverable.file


def _news_attachment(cast, client) -> tuple[str, FieldFile]:
    form = UPLOAD_FORMS["news with photos"]
    client.post(form.url(cast), form.data())
    attachment = UpdateAttachment.objects.get(original_name="report.pdf")
    url = reverse("execution:update_attachment", args=[attachment.update_id, attachment.pk])
    return url, attachment.file


def _group_file(cast, client) -> tuple[str, FieldFile]:
    client.post(_group(cast), {"file": pdf_upload("minutes.pdf")})
    shared = GroupFile.objects.get()
    return reverse("groups:file_download", args=[shared.pk]), shared.file


def _need_attachment(cast, client) -> tuple[str, FieldFile]:
    client.post(_editable_need(cast), UPLOAD_FORMS["need edition"].data())
    attachment = NeedAttachment.objects.get()
    return reverse("needs:attachment", args=[attachment.need_id, attachment.pk]), attachment.file


DOWNLOADS = {
    "deliverable": ("volunteer", _deliverable, "guide.pdf"),
    "news attachment": ("volunteer", _news_attachment, "report.pdf"),
    "group file": ("volunteer", _group_file, "minutes.pdf"),
    "need attachment": ("member", _need_attachment, "photos.pdf"),
}


@pytest.mark.parametrize(("who", "upload", "name"), DOWNLOADS.values(), ids=DOWNLOADS.keys())
def test_a_file_lost_from_the_disk_gives_a_clear_page_not_an_error(cast, who, upload, name):
    client = _client(getattr(cast, who))
    url, stored = upload(cast, client)
    assert client.get(url).status_code == 200
    # Lost: a disk replaced and the backup not restored, a clean-up gone wrong.
    Path(stored.path).unlink()
    tally("faults injected")

    response = client.get(url)

    assert response.status_code == 410
    assert "This file cannot be read any more" in response.text
    assert f"“{name}” is still listed" in response.text
    assert "Traceback" not in response.text


def test_a_lost_proof_document_gives_the_file_unavailable_page(cast):
    """The organisation's proof is served like the other private files: a clear 410."""
    Path(django_settings.MEDIA_ROOT, cast.organisation.proof_document.name).unlink()
    tally("faults injected")
    response = _client(cast.member).get(reverse("organisations:proof", args=[cast.organisation.pk]))
    assert response.status_code == 410
    assert "cannot be read" in response.text
    assert "Traceback" not in response.text


def test_the_lost_file_page_escapes_the_name(cast):
    client = _client(cast.volunteer)
    url, stored = _deliverable(cast, client)
    Deliverable.objects.update(original_name="<script>alert(1)</script>.pdf")
    Path(stored.path).unlink()
    tally("faults injected")
    response = client.get(url)
    assert response.status_code == 410
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_store_file_outside_a_service_that_undoes_files_is_a_programming_error(cast):
    from soscience.core.stored_files import store_file

    with pytest.raises(RuntimeError, match="atomic_with_files"):
        store_file(GroupFile(), "file", pdf_upload(), form_field="file")
