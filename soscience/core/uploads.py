"""Checks on uploaded files: the type comes from the content, never from the name."""

from __future__ import annotations

from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

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
    return kind.mime
