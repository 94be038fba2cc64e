from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError
from soscience.core.models import InternalNote, PlatformSettings
from soscience.privacy.audit import Action, audit


@transaction.atomic
def note_add(*, subject: models.Model, by: User, body: str) -> InternalNote:
    """Add a coordinator's internal note to an organisation, a need or a mission."""
    if not is_coordinator(by):
        raise DomainError(_("Only coordinators can write internal notes."))
    body = body.strip()
    if not body:
        raise DomainError(_("The note is empty."), field="body")
    return InternalNote.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        author=by,
        body=body,
    )


@transaction.atomic
def platform_settings_update(*, by: User, rules: dict[str, Any]) -> PlatformSettings:
    """Save the platform rules (``core.forms.PLATFORM_RULES``) a coordinator changed."""
    if not is_coordinator(by):
        raise DomainError(_("Only coordinators can change the platform rules."))
    config = PlatformSettings.load()
    changed = {name: [getattr(config, name), value] for name, value in rules.items()}
    for name, value in rules.items():
        setattr(config, name, value)
    if config.followup_second_months <= config.followup_first_months:
        raise DomainError(
            _("The second follow-up comes after the first: give it more months."),
            field="followup_second_months",
        )
    config.full_clean()
    config.save()
    audit(Action.SETTINGS_CHANGED, actor=by, target=config, detail=_differences(changed))
    return config


def _differences(changed: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The rules whose value changed, as ``[before, after]`` (the audit log's detail)."""
    return {name: pair for name, pair in changed.items() if pair[0] != pair[1]}
