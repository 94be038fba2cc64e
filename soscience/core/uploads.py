"""Checks on uploaded files: the type comes from the content, never from the name."""

from __future__ import annotations

import codecs
import contextlib
import io
import warnings
import zipfile
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# content type -> extensions accepted for it
DOCUMENT_TYPES = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/webp": {".webp"},
}


def validate_document(upload: UploadedFile, *, allowed: dict[str, set[str]] | None = None) -> str:
    """Raise ValidationError unless ``upload`` is a PDF or image of an allowed size.

    Returns the detected content type.
    """
    allowed = allowed or DOCUMENT_TYPES
    limit = settings.SOSCIENCE_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    extension = PurePath(upload.name or "").suffix.lower()
    if kind is None or kind.mime not in allowed:
        raise ValidationError(
            _("This file is not a PDF or an image (PNG, JPEG, WebP)."), code="bad_type"
        )
    if extension not in allowed[kind.mime]:
        raise ValidationError(
            _("The file name ends in “%(ext)s” but its content is %(kind)s.")
            % {"ext": extension or "-", "kind": kind.extension.upper()},
            code="bad_extension",
        )
    check_image(upload, kind.mime)
    return kind.mime


# Images are decoded and written again before they are stored (reencode_image): what is
# kept is the picture, not the bytes sent. That drops EXIF (GPS position, camera serial),
# XMP and comments, and anything hidden after or inside the image (an HTML page or a ZIP
# glued to a PNG: a "polyglot"). Above this many pixels the decoding itself is the attack
# (a "decompression bomb": a few kilobytes that expand to gigabytes in memory).
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
MAX_IMAGE_PIXELS = 40_000_000


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("This image is too large (more than %(n)d million pixels).")
        % {"n": MAX_IMAGE_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _damaged() -> ValidationError:
    return ValidationError(_("This image is damaged."), code="bad_image")


def _open_image(upload: File, content_type: str) -> Image.Image:
    """The image, its size checked before any pixel is decoded; ValidationError if the bytes
    are not an image of the type found in them. Pillow reads a copy: closing an image may
    close the file it read, and the upload is still needed."""
    upload.seek(0)
    data = io.BytesIO(upload.read())
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(data, formats=[IMAGE_FORMATS[content_type]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (OSError, ValueError, SyntaxError):
        raise _damaged() from None
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise _too_many_pixels()
    return image


def _decoded(image: Image.Image) -> Image.Image:
    """A copy of the pixels. A picture cut short keeps what could be read (as a browser shows
    it): only those pixels are written again, so nothing of the rest survives."""
    # On a broken stream the pixels decoded so far are in the image; the copy takes them.
    with contextlib.suppress(OSError, ValueError, SyntaxError):
        image.load()
    try:
        return image.copy()
    except (OSError, ValueError, SyntaxError, AttributeError):
        raise _damaged() from None


def check_image(upload: File, content_type: str) -> None:
    """For an image type: ValidationError unless Pillow can read it within the pixel limit
    (so the form says so, not the re-encoding later). Other types pass."""
    if content_type not in IMAGE_FORMATS:
        return
    with _open_image(upload, content_type) as image:
        _decoded(image).close()


def reencode_image(upload: File, content_type: str) -> File:
    """The file to store: for PNG, JPEG and WebP a new ContentFile (same name and format)
    holding only the decoded picture; any other type is returned as it is."""
    pillow_format = IMAGE_FORMATS.get(content_type)
    if pillow_format is None:
        return upload
    with _open_image(upload, content_type) as opened:
        icc_profile = opened.info.get("icc_profile")
        decoded = _decoded(opened)
        decoded.info = dict(opened.info)
        # The orientation lives in EXIF, which is dropped: apply it to the pixels.
        image = ImageOps.exif_transpose(decoded)
    image.info = {}  # nothing of the original's metadata is carried into the new file
    options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
    if pillow_format == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=90, optimize=True)
    elif pillow_format == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        options.update(quality=90)
    else:
        options.update(optimize=True)
    output = io.BytesIO()
    image.save(output, pillow_format, **options)
    return ContentFile(output.getvalue(), name=upload.name)


# Deliverables: what a team hands over (reports, designs, code archives, data). The type
# is read from the bytes; the name's extension must agree with it. SVG is not accepted on
# its own (it is XML that can carry scripts); designs travel as PDF, images or in a ZIP.
DELIVERABLE_TYPES = {
    **DOCUMENT_TYPES,
    "application/zip": {".zip"},
    "application/gzip": {".gz", ".tgz"},  # .tar.gz ends in .gz
    "application/x-tar": {".tar"},
    "application/x-xz": {".xz", ".txz"},  # .tar.xz ends in .xz
    "application/x-7z-compressed": {".7z"},
}
# Office files are ZIP archives: told apart by what they contain, not by their name.
OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
OOXML_PARTS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
# Text data has no signature: accepted by extension when the bytes are UTF-8 text.
TEXT_TYPES = {".csv": "text/csv", ".json": "application/json", ".txt": "text/plain",
              ".md": "text/markdown", ".markdown": "text/markdown"}  # fmt: skip
# How a browser recognises a web page at the start of a file (WHATWG MIME sniffing), plus
# XML and SVG: such "text" is refused, so a page cannot travel as CSV or Markdown.
MARKUP_STARTS = (
    b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div", b"<font",
    b"<table", b"<a", b"<style", b"<title", b"<b", b"<body", b"<br", b"<p", b"<!--",
    b"<?xml", b"<svg", b"<object", b"<embed", b"<img", b"<meta", b"<link", b"<form",
)  # fmt: skip
CHUNK = 1024 * 1024


def _bad_name(extension: str, kind: str) -> ValidationError:
    return ValidationError(
        _("The file name ends in “%(ext)s” but its content is %(kind)s.")
        % {"ext": extension or "-", "kind": kind},
        code="bad_extension",
    )


def _not_accepted() -> ValidationError:
    return ValidationError(
        _(
            "This type of file is not accepted. Deliver a PDF, an image (PNG, JPEG, WebP), "
            "an office document, an archive (ZIP, tar.gz, tar.xz, 7z) or text data "
            "(CSV, JSON, TXT, Markdown)."
        ),
        code="bad_type",
    )


def _zip_kind(upload: UploadedFile) -> str:
    """application/zip, or the office format the archive holds."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:  # OpenDocument: its type is the first entry's content
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared in OFFICE_TYPES:
                    return declared
            if "[Content_Types].xml" in names:
                for part, mime in OOXML_PARTS.items():
                    if part in names:
                        return mime
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError):
        raise ValidationError(_("This archive is damaged."), code="bad_archive") from None
    finally:
        upload.seek(0)
    return "application/zip"


def _looks_like_markup(head: bytes) -> bool:
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\x0c").lower()
    return any(
        start.startswith(tag) and start[len(tag) : len(tag) + 1] in (b" ", b">", b"/", b"")
        for tag in MARKUP_STARTS
    ) or start.startswith((b"<!doctype", b"<?xml"))


def _check_text(upload: UploadedFile, extension: str) -> str:
    """UTF-8 text without NUL bytes and not a web page; read in chunks (files may be big)."""
    refused = ValidationError(
        _("This file is not text data (UTF-8 text expected for “%(ext)s”).") % {"ext": extension},
        code="not_text",
    )
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    first = True
    try:
        for chunk in iter(lambda: upload.read(CHUNK), b""):
            if b"\x00" in chunk or (first and _looks_like_markup(chunk[:512])):
                raise refused
            first = False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise refused from None
    finally:
        upload.seek(0)
    return TEXT_TYPES[extension]


def validate_deliverable(upload: UploadedFile) -> str:
    """Raise ValidationError unless ``upload`` is an accepted deliverable within
    SOSCIENCE_MAX_DELIVERABLE_BYTES whose name agrees with its content.

    Returns the content type detected from the bytes (it is what the file is served as).
    """
    limit = settings.SOSCIENCE_MAX_DELIVERABLE_BYTES
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    extension = PurePath(upload.name or "").suffix.lower()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        mime = _zip_kind(upload)
        expected = OFFICE_TYPES.get(mime, ".zip")
        if extension != expected:
            raise _bad_name(extension, expected.lstrip(".").upper())
        return mime
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime not in DELIVERABLE_TYPES:
            raise _not_accepted()
        if extension not in DELIVERABLE_TYPES[kind.mime]:
            raise _bad_name(extension, kind.extension.upper())
        # Images are checked (and re-encoded) by reencode_image where they are stored.
        return kind.mime
    if extension in TEXT_TYPES:
        return _check_text(upload, extension)
    raise _not_accepted()
