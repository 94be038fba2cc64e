"""Storing uploaded files with their rows, and reading them back (uploads.py checks them).

A row and its file are written together or not at all. A file cannot take part in the
database transaction, so a service that stores files is decorated with @atomic_with_files
(transaction.atomic, plus this): every file it wrote through store_file is removed again if
its transaction does not commit - a refusal after the write, a later file the disk has no
room for, the database connection lost, even at COMMIT. A failed write becomes a
StorageFailed next to the file field, so the views that show a DomainError need nothing more.
"""

from __future__ import annotations

import errno
import functools
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import cast

from django.core.files import File
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from soscience.core.errors import DomainError

logger = logging.getLogger(__name__)

# The files written by the @atomic_with_files service running now (None outside one).
_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("written", default=None)


class StorageFailed(DomainError):
    """The server could not write a file (full disk, read-only or failing storage)."""


def atomic_with_files[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """``transaction.atomic`` for a service that stores files with store_file. Called inside
    another such service, the outer one's outcome decides whether the files stay."""
    atomic_service = transaction.atomic(service)

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        outer = _written.get()
        written: list[tuple[Storage, str]] = []
        token = _written.set(written)
        try:
            result = atomic_service(*args, **kwargs)
        except BaseException:
            _remove(written)
            raise
        finally:
            _written.reset(token)
        if outer is not None:
            outer.extend(written)
        return result

    return run


def store_file(instance: models.Model, field_name: str, content: File, *, form_field: str) -> None:
    """Write ``content`` where ``instance.<field_name>`` keeps its files and point the field
    at it; the caller saves the row, in the same @atomic_with_files service. A failed write
    raises StorageFailed for ``form_field`` and leaves no partial file behind."""
    written = _written.get()
    if written is None:
        raise RuntimeError("store_file() is for services decorated with @atomic_with_files")
    field = cast(models.FileField, instance._meta.get_field(field_name))
    storage = field.storage
    name = field.generate_filename(instance, content.name or "file")
    # Named before the write (the names are random): a write cut short can then be removed.
    name = storage.get_available_name(name, max_length=field.max_length)
    try:
        name = storage.save(name, content, max_length=field.max_length)
    except OSError as error:
        logger.exception("Could not store %s (for %s)", name, instance._meta.label)
        _remove([(storage, name)])
        raise StorageFailed(_storage_message(error, content.name), field=form_field) from error
    written.append((storage, name))
    setattr(instance, field.attname, name)


def _storage_message(error: OSError, filename: str | None) -> str:
    names = {"name": filename or "-"}
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        message = _(
            "The file “%(name)s” could not be stored (the server is out of space). Nothing "
            "was saved; please try again later."
        )
    else:
        message = _(
            "The file “%(name)s” could not be stored (the server's storage failed). Nothing "
            "was saved; please try again later."
        )
    return message % names


def _remove(written: list[tuple[Storage, str]]) -> None:
    for storage, name in written:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not remove %s, written by an action that failed", name)


def download_response(
    request: HttpRequest, stored: FieldFile, *, filename: str, content_type: str
) -> HttpResponse:
    """A private file as a download (an attachment, never sniffed into something runnable).
    A file the storage cannot read back gets a page saying so (410 Gone), not an error."""
    try:
        handle = stored.open("rb")
    except OSError:  # missing or unreadable: the row outlived its file
        logger.exception("Stored file %s cannot be read", stored.name)
        return render(request, "core/file_gone.html", {"filename": filename}, status=410)
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    # SecurityMiddleware adds it too (SECURE_CONTENT_TYPE_NOSNIFF); set here so the file is
    # never sniffed even if that setting changes.
    response["X-Content-Type-Options"] = "nosniff"
    return response
