"""A person's data, as a ZIP of JSON files (one per kind of data) and the files they uploaded.

The kinds are found from the models themselves: every row whose link to a person says the
row is *theirs* (they wrote it, applied, registered, were given it) - not rows where they only
acted on someone else's (decided, validated, invited), which are that other person's data. A
new model with a ``user``/``author``/... link is exported without a change here.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from soscience.accounts.models import User

# Links that make a row the person's own data.
OWNER_FIELDS = frozenset(
    {
        "user", "volunteer", "author", "uploaded_by", "submitted_by", "requested_by",
        "lent_to", "answered_by", "actor", "ambassador", "by",
    }
)  # fmt: skip
# Never exported: secrets (even hashed) that would let someone act as the person.
SECRET_FIELDS = frozenset({"password", "key_hash", "data", "secret", "token", "session_key"})
# Rows that belong to the person through their profile or their own posts.
CHILDREN: tuple[tuple[str, str], ...] = (
    ("volunteers.VolunteerSkill", "profile__user"),
    ("volunteers.Availability", "profile__user"),
    ("execution.UpdateAttachment", "update__author"),
)
USER_FIELDS = (
    "id", "email", "full_name", "language", "is_active", "date_joined", "last_login",
    "retention_warned_at", "anonymised_at",
)  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """One JSON file of the export: a model and the lookup that picks the person's rows."""

    model: type[models.Model]
    lookup: str

    @property
    def filename(self) -> str:
        label = self.model._meta.label_lower.replace(".", "-")
        field = self.lookup.split("__")[0]
        return f"{label}.json" if field in {"user", "volunteer"} else f"{label}-{field}.json"


def kinds() -> list[Kind]:
    """Every kind of data about a person the platform keeps (also listed in docs/privacy.md)."""
    user_model = get_user_model()
    found = [
        Kind(model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is user_model and field.name in OWNER_FIELDS
    ]
    found += [Kind(apps.get_model(label), lookup) for label, lookup in CHILDREN]
    return sorted(found, key=lambda kind: kind.filename)


def _value(field: models.Field, obj: models.Model) -> Any:
    if field.is_relation:
        return getattr(obj, field.attname)  # the id only: never another person's details
    value = field.value_from_object(obj)
    if isinstance(field, models.FileField):
        return value.name if value else ""
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    row = {
        field.name: _value(field, obj)
        for field in obj._meta.concrete_fields
        if field.name not in SECRET_FIELDS
    }
    for m2m in obj._meta.many_to_many:
        row[m2m.name] = [str(item) for item in getattr(obj, m2m.name).all()]
    return row


def _rows(kind: Kind, user: User) -> list[models.Model]:
    return list(kind.model._default_manager.filter(**{kind.lookup: user}).order_by("pk"))


def _files(objs: list[models.Model]) -> Iterator[tuple[str, models.FileField]]:
    """The uploaded files of ``objs`` (stored privately, named as the person named them)."""
    for obj in objs:
        for field in obj._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            stored = getattr(obj, field.name)
            if stored:
                name = getattr(obj, "original_name", "") or PurePath(stored.name).name
                yield f"{obj._meta.model_name}-{obj.pk}-{PurePath(name).name}", stored


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            return str(o)  # countries, lazy labels...: their text is what the person reads


def _dump(data: object) -> str:
    return json.dumps(data, cls=_Encoder, ensure_ascii=False, indent=2)


def export_zip(*, user: User) -> io.BytesIO:
    """The ZIP of ``user``'s data: account.json, one JSON per kind, files/ with their uploads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        account = {name: getattr(user, name) for name in USER_FIELDS}
        account["roles"] = sorted(user.roles)
        account["exported_at"] = timezone.now()
        archive.writestr("account.json", _dump(account))
        for kind in kinds():
            objs = _rows(kind, user)
            if not objs:
                continue
            archive.writestr(kind.filename, _dump([_row(obj) for obj in objs]))
            for name, stored in _files(objs):
                try:
                    with stored.open("rb") as handle:
                        archive.writestr(f"files/{name}", handle.read())
                except FileNotFoundError:
                    continue  # a file lost from the disk must not block the rest of the export
    buffer.seek(0)
    return buffer
