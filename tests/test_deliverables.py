"""Deliverables: the team hands files to the organisation, privately, checked from content."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from soscience.applications.models import Application, TeamMember
from soscience.core.uploads import validate_document
from soscience.execution.models import Deliverable
from soscience.missions.models import Mission
from soscience.notifications.models import Notification
from tests.factories import PDF_BYTES, MissionFactory


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


PNG_BYTES = _png()
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML_BYTES = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_BYTES = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ZIP_BYTES = _zip({"README.md": b"# Filter\n", "src/main.py": b"print('ok')\n"})


def _on_team(mission: Mission, volunteer) -> None:
    application = Application.objects.create(
        mission=mission, volunteer=volunteer, status=Application.Status.SELECTED,
        applied_at=timezone.now(),
    )  # fmt: skip
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=volunteer, seat=1,
        capacity=mission.team_size,
    )  # fmt: skip


def _mission(cast, status=Mission.Status.IN_PROGRESS) -> Mission:
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, status=status,
        published_at=timezone.now(), created_by=cast.coordinator,
    )  # fmt: skip
    _on_team(mission, cast.volunteer)
    return mission


@pytest.fixture
def mission(cast) -> Mission:
    return _mission(cast)


def _list(mission) -> str:
    return reverse("deliverables:list", args=[mission.pk])


def _upload_url(mission) -> str:
    return reverse("deliverables:upload", args=[mission.pk])


def _form(name: str, data: bytes, **fields: str) -> dict:
    return {
        "title": "Final report", "kind": "report", "description": "The **whole** study.",
        "file": SimpleUploadedFile(name, data), **fields,
    }  # fmt: skip


def _stored_files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "private" / "deliverables"
    return [p for p in folder.iterdir() if p.is_file()] if folder.exists() else []


def _deliverable(mission, who, name="plan.pdf", data=PDF_BYTES) -> Deliverable:
    from django.core.files.base import ContentFile

    return Deliverable.objects.create(
        mission=mission, title=f"Title of {name}", kind="design", description="Plans",
        file=ContentFile(data, name=name), original_name=name, content_type="application/pdf",
        size=len(data), uploaded_by=who,
    )  # fmt: skip


def test_team_delivers_and_the_organisation_downloads_the_same_bytes(cast, mission, settings):
    response = cast.client("volunteer").post(
        _upload_url(mission), _form("Rapport final.pdf", PDF_BYTES)
    )
    assert response.status_code == 302
    deliverable = Deliverable.objects.get(mission=mission)
    assert deliverable.content_type == "application/pdf"
    assert deliverable.size == len(PDF_BYTES)
    assert deliverable.uploaded_by == cast.volunteer
    # Stored privately under a random name, never the one the user gave.
    (stored,) = _stored_files(settings)
    assert "Rapport" not in stored.name
    page = cast.client("member").get(_list(mission)).text
    assert "Final report" in page
    assert "<strong>whole</strong>" in page  # the description is Markdown
    assert "Rapport final.pdf" in page
    download = reverse("deliverables:download", args=[deliverable.pk])
    assert download in page
    response = cast.client("member").get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Rapport final.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["other_volunteer", "other_member", "ambassador"])
def test_people_outside_the_mission_do_not_find_its_files(cast, mission, who):
    deliverable = _deliverable(mission, cast.volunteer)
    client = cast.client(who)
    assert client.get(_list(mission)).status_code == 404
    assert client.get(reverse("deliverables:download", args=[deliverable.pk])).status_code == 404
    response = client.post(_upload_url(mission), _form("x.pdf", PDF_BYTES))
    assert response.status_code == 404
    assert Deliverable.objects.count() == 1


def test_a_visitor_is_sent_to_log_in(cast, mission):
    deliverable = _deliverable(mission, cast.volunteer)
    response = cast.client(None).get(reverse("deliverables:download", args=[deliverable.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_missions_file_is_not_found_by_its_id(cast, mission):
    other = MissionFactory(organisation=cast.other_organisation, status="in_progress")
    foreign = _deliverable(other, cast.other_member)
    url = reverse("deliverables:download", args=[foreign.pk])
    assert cast.client("member").get(url).status_code == 404
    assert cast.client("volunteer").get(url).status_code == 404
    assert cast.client("other_member").get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.pdf", PNG_BYTES, "ends in “.pdf” but its content is PNG"),
        ("table.csv", HTML_BYTES, "is not text data"),
        ("table.csv", b"a,b\n1,\x002\n", "is not text data"),
        ("notes.txt", b"caf\xe9 au lait\n", "is not text data"),  # Latin-1, not UTF-8
        ("code.zip", EXE_BYTES, "This type of file is not accepted"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "not accepted"),
        ("report.docx", ZIP_BYTES, "ends in “.docx” but its content is ZIP"),
        ("report.zip", DOCX_BYTES, "ends in “.zip” but its content is DOCX"),
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 50, "This archive is damaged"),
        ("empty.pdf", b"", "The file is empty"),
    ],
)  # fmt: skip
def test_a_disguised_or_empty_file_is_refused_next_to_the_field(
    cast, mission, settings, name, data, message
):
    response = cast.client("volunteer").post(_upload_url(mission), _form(name, data))
    assert response.status_code == 200
    assert 'id="id_file_error"' in response.text
    error = response.text.split('id="id_file_error"')[1].split("</div>")[0]
    assert message in error
    assert 'value="Final report"' in response.text  # what was typed is kept
    assert "The **whole** study." in response.text
    assert not Deliverable.objects.exists()
    assert _stored_files(settings) == []


def test_a_file_over_the_limit_is_refused(cast, mission, settings):
    settings.SOSCIENCE_MAX_DELIVERABLE_BYTES = 100
    response = cast.client("volunteer").post(_upload_url(mission), _form("big.pdf", PDF_BYTES))
    assert response.status_code == 200
    error = response.text.split('id="id_file_error"')[1].split("</div>")[0]
    assert "too large" in error
    assert "100\xa0bytes" in error
    assert not Deliverable.objects.exists()
    assert _stored_files(settings) == []


def test_no_file_and_no_title_are_shown_next_to_their_fields(cast, mission, settings):
    response = cast.client("volunteer").post(
        _upload_url(mission), {"title": "", "kind": "data", "description": "Raw data"}
    )
    assert response.status_code == 200
    assert 'id="id_file_error"' in response.text
    assert 'id="id_title_error"' in response.text
    assert "Raw data" in response.text
    assert not Deliverable.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("rapport.docx", DOCX_BYTES,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("code.zip", ZIP_BYTES, "application/zip"),
        ("code.tar.gz", gzip.compress(b"a tar would be here" * 10), "application/gzip"),
        ("mesures.csv", "débit;turbidité\n1,2;3\n".encode(), "text/csv"),
        ("data.json", b'{"flow": 1.2}', "application/json"),
        ("LISEZMOI.md", "# Filtre\n\nÀ monter *ainsi*.\n".encode(), "text/markdown"),
        ("photo.png", PNG_BYTES, "image/png"),
    ],
)  # fmt: skip
def test_accepted_kinds_are_stored_with_the_type_read_from_the_bytes(
    cast, mission, name, data, content_type
):
    response = cast.client("volunteer").post(_upload_url(mission), _form(name, data))
    assert response.status_code == 302
    deliverable = Deliverable.objects.get()
    assert deliverable.content_type == content_type
    download = cast.client("member").get(reverse("deliverables:download", args=[deliverable.pk]))
    assert download["Content-Type"] == content_type
    stored = b"".join(download.streaming_content)
    if content_type.startswith("image/"):  # images are re-encoded: the same picture comes back
        assert Image.open(io.BytesIO(stored)).tobytes() == Image.open(io.BytesIO(data)).tobytes()
    else:
        assert stored == data


@pytest.mark.parametrize(
    ("status", "reason"),
    [(Mission.Status.OPEN, "once the mission has started"),
     (Mission.Status.CANCELLED, "The mission was cancelled")],
)  # fmt: skip
def test_no_upload_unless_the_mission_is_in_progress(cast, settings, status, reason):
    mission = _mission(cast, status=status)
    page = cast.client("volunteer").get(_list(mission)).text
    assert reason in page
    assert 'name="file"' not in page
    response = cast.client("volunteer").post(_upload_url(mission), _form("r.pdf", PDF_BYTES))
    assert response.status_code == 200
    assert reason in response.text
    assert 'role="alert"' in response.text
    assert not Deliverable.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_organisation_and_coordinators_read_but_do_not_deliver(cast, mission, who):
    _deliverable(mission, cast.volunteer)
    page = cast.client(who).get(_list(mission))
    assert page.status_code == 200
    assert "Title of plan.pdf" in page.text
    assert 'name="file"' not in page.text
    assert "delivered by the mission's team and its supervisor" in page.text
    response = cast.client(who).post(_upload_url(mission), _form("r.pdf", PDF_BYTES))
    assert response.status_code == 403
    assert Deliverable.objects.count() == 1


def test_the_supervisor_delivers_too(cast, mission):
    assert 'name="file"' in cast.client("supervisor").get(_list(mission)).text
    response = cast.client("supervisor").post(_upload_url(mission), _form("r.pdf", PDF_BYTES))
    assert response.status_code == 302
    assert Deliverable.objects.get().uploaded_by == cast.supervisor


def test_supervisor_and_organisation_are_told_not_the_uploader(
    cast, mission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("volunteer").post(_upload_url(mission), _form("r.pdf", PDF_BYTES))
    assert {m.to[0] for m in mail.outbox} == {cast.supervisor.email, cast.member.email}
    message = next(m for m in mail.outbox if m.to == [cast.member.email])
    assert "Final report" in message.subject
    assert _list(mission) in message.body
    told = set(Notification.objects.values_list("user", flat=True))
    assert told == {cast.supervisor.pk, cast.member.pk}
    assert Notification.objects.get(user=cast.member).url == _list(mission)


def test_when_the_supervisor_delivers_only_the_organisation_is_told(
    cast, mission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("supervisor").post(_upload_url(mission), _form("r.pdf", PDF_BYTES))
    assert [m.to[0] for m in mail.outbox] == [cast.member.email]


def test_the_mission_space_shows_delivered_files(cast, mission):
    deliverable = _deliverable(mission, cast.volunteer)
    page = cast.client("member").get(reverse("execution:space", args=[mission.pk])).text
    assert _list(mission) in page
    assert "Deliverables (1 file)" in page
    assert "File delivered" in page
    assert reverse("deliverables:download", args=[deliverable.pk]) in page


def test_list_queries_do_not_grow_with_files(cast, mission, django_assert_max_num_queries):
    for i in range(8):
        _deliverable(mission, cast.volunteer if i % 2 else cast.supervisor, name=f"f{i}.pdf")
    client = cast.client("member")
    with django_assert_max_num_queries(11):
        response = client.get(_list(mission))
    assert response.status_code == 200
    assert response.text.count("Title of f") == 8


def test_validate_document_still_takes_only_pdf_and_images():
    """Other uploads (organisation proofs, need attachments, news) keep their narrow list."""
    with pytest.raises(ValidationError, match="not a PDF or an image"):
        validate_document(SimpleUploadedFile("code.zip", ZIP_BYTES))
    with pytest.raises(ValidationError, match="not a PDF or an image"):
        validate_document(SimpleUploadedFile("data.csv", b"a,b\n1,2\n"))
    assert validate_document(SimpleUploadedFile("plan.pdf", PDF_BYTES)) == "application/pdf"


def test_a_big_text_file_is_read_in_chunks_and_accepted(cast, mission):
    """Over 2 MB the upload is streamed to a temporary file and checked chunk by chunk;
    accented letters cut across chunk boundaries must not make it look like non-UTF-8."""
    data = "débit;turbidité;été\n".encode() * 150_000  # about 3.5 MB
    response = cast.client("volunteer").post(_upload_url(mission), _form("big.csv", data))
    assert response.status_code == 302
    assert Deliverable.objects.get().size == len(data)


def test_a_big_office_file_is_recognised_from_a_temporary_file(cast, mission):
    noise = bytes(range(256)) * 12_000  # incompressible enough to stay over 2 MB
    data = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "x.bin": noise})
    response = cast.client("volunteer").post(_upload_url(mission), _form("budget.ods", data))
    assert response.status_code == 302
    assert (
        Deliverable.objects.get().content_type == "application/vnd.oasis.opendocument.spreadsheet"
    )
