"""Uploaded images are decoded and written again before they are stored (issue 7, "Input,
output, files"): the GPS position of a photo, text hidden in a PNG, an HTML page or a ZIP glued
after the picture never reach the disk; a decompression bomb is refused before it is decoded;
files come back as attachments the browser may not sniff."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image, PngImagePlugin

from soscience.applications.models import Application, TeamMember
from soscience.core.uploads import reencode_image
from soscience.execution.models import ProgressUpdate, UpdateAttachment
from soscience.groups.models import GroupFile, WorkingGroup
from soscience.missions.models import Mission
from soscience.organisations.models import Organisation
from tests.factories import MissionFactory
from tests.tally import tally

HTML_TAIL = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _picture(mode: str = "RGB", size: tuple[int, int] = (32, 24)) -> Image.Image:
    image = Image.new(mode, size, "white")
    for x in range(size[0]):
        image.putpixel((x, x % size[1]), (200, 30, 30) if mode == "RGB" else 0)
    return image


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.ImageDescription] = "home of the volunteer"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 50.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 20.0, 10.0)
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG", exif=exif, comment=b"secret comment")
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it is there
    return data


def png_polyglot() -> bytes:
    """A real PNG with a text chunk, then an HTML page and a ZIP archive after its end."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    buffer = io.BytesIO()
    _picture().save(buffer, "PNG", pnginfo=info)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", HTML_TAIL)
    return buffer.getvalue() + HTML_TAIL + archive.getvalue()


def png_bomb() -> bytes:
    """49 million pixels in a few kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (7000, 7000)).save(buffer, "PNG")
    return buffer.getvalue()


def _team_mission(cast) -> Mission:
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, created_by=cast.coordinator,
        status=Mission.Status.IN_PROGRESS, published_at=timezone.now(),
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


def _post_news(cast, mission, upload):
    return cast.client("volunteer").post(
        reverse("execution:update_post", args=[mission.pk]),
        {"body": "Photos of the site.", "visibility": "shared", "attachments": [upload]},
    )


def _download(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content)


def test_a_photo_posted_in_the_news_loses_its_gps_position(cast):
    mission = _team_mission(cast)
    response = _post_news(cast, mission, SimpleUploadedFile("site.jpg", jpeg_with_gps()))
    assert response.status_code == 302
    attachment = UpdateAttachment.objects.get()
    url = reverse("execution:update_attachment", args=[attachment.update_id, attachment.pk])
    download = cast.client("member").get(url)
    assert download["Content-Type"] == "image/jpeg"
    assert 'filename="site.jpg"' in download["Content-Disposition"]
    data = _download(download)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (32, 24)
    assert dict(image.getexif()) == {}
    assert b"SpyCam" not in data
    assert b"secret comment" not in data
    assert attachment.size == len(data)
    tally("uploads re-encoded")


def test_a_png_with_a_page_and_an_archive_glued_after_it_keeps_only_the_picture(cast):
    group = WorkingGroup.objects.create(
        title="Filters", description="Filters.", created_by=cast.coordinator
    )
    group.members.create(user=cast.volunteer)
    original = png_polyglot()
    response = cast.client("volunteer").post(
        reverse("groups:file_share", args=[group.pk]),
        {"file": SimpleUploadedFile("plan.png", original)},
    )
    assert response.status_code == 302
    shared = GroupFile.objects.get()
    url = reverse("groups:file_download", args=[shared.pk])
    data = _download(cast.client("volunteer").get(url))
    assert data.endswith(b"IEND\xaeB`\x82")  # nothing after the image's last chunk
    assert b"<html" not in data
    assert b"<script" not in data
    assert b"PK\x03\x04" not in data
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(data))
    # The picture itself is untouched (PNG is lossless).
    before = Image.open(io.BytesIO(original)).convert("RGB")
    after = Image.open(io.BytesIO(data)).convert("RGB")
    assert list(after.getdata()) == list(before.getdata())
    tally("uploads re-encoded")


def test_an_organisations_proof_photo_is_re_encoded(cast):
    organisation = cast.organisation
    Organisation.objects.filter(pk=organisation.pk).update(status=Organisation.Status.PENDING)
    organisation.refresh_from_db()
    data = {f: getattr(organisation, f) for f in ("name", "legal_form", "city", "website")}
    data.update(
        country=str(organisation.country), social_mission=organisation.social_mission,
        beneficiaries=organisation.beneficiaries, siren=organisation.siren,
        siret=organisation.siret, rna=organisation.rna,
        proof=SimpleUploadedFile("recepisse.jpg", jpeg_with_gps()),
    )  # fmt: skip
    response = cast.client("member").post(
        reverse("organisations:edit", args=[organisation.pk]), data
    )
    assert response.status_code == 302
    stored = _download(cast.client("coordinator").get(
        reverse("organisations:proof", args=[organisation.pk])
    ))  # fmt: skip
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert b"SpyCam" not in stored
    tally("uploads re-encoded")


def test_a_decompression_bomb_is_refused_next_to_the_field_and_nothing_is_stored(cast):
    mission = _team_mission(cast)
    response = _post_news(cast, mission, SimpleUploadedFile("huge.png", png_bomb()))
    assert response.status_code == 200
    assert "too large (more than 40 million pixels)" in response.text
    assert not ProgressUpdate.objects.exists()
    assert not UpdateAttachment.objects.exists()
    tally("uploads re-encoded")


def test_a_damaged_image_is_refused(cast):
    mission = _team_mission(cast)
    broken = b"\x89PNG\r\n\x1a\n" + HTML_TAIL  # a PNG's signature, then a web page
    response = _post_news(cast, mission, SimpleUploadedFile("cut.png", broken))
    assert response.status_code == 200
    assert "This image is damaged." in response.text
    assert not UpdateAttachment.objects.exists()


@pytest.mark.parametrize(
    ("mode", "fmt", "content_type"),
    [("RGBA", "PNG", "image/png"), ("P", "PNG", "image/png"), ("L", "JPEG", "image/jpeg"),
     ("CMYK", "JPEG", "image/jpeg"), ("RGBA", "WEBP", "image/webp"),
     ("RGB", "WEBP", "image/webp")],
)  # fmt: skip
def test_each_format_and_colour_mode_comes_back_in_its_format(mode, fmt, content_type):
    buffer = io.BytesIO()
    Image.new(mode, (10, 8)).save(buffer, fmt)
    upload = SimpleUploadedFile(f"x.{fmt.lower()}", buffer.getvalue() + HTML_TAIL)
    clean = reencode_image(upload, content_type)
    assert clean.name == upload.name
    data = clean.read()
    assert HTML_TAIL not in data
    assert Image.open(io.BytesIO(data)).format == fmt
    tally("uploads re-encoded")


def test_a_picture_cut_short_keeps_only_what_could_be_read():
    buffer = io.BytesIO()
    _picture(size=(64, 64)).save(buffer, "PNG")
    cut = buffer.getvalue()[:-40] + HTML_TAIL
    data = reencode_image(SimpleUploadedFile("cut.png", cut), "image/png").read()
    assert HTML_TAIL not in data
    assert Image.open(io.BytesIO(data)).size == (64, 64)


def test_other_files_are_stored_as_they_are():
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 ...")
    assert reencode_image(upload, "application/pdf") is upload
