"""Scheduled work of the privacy app (cron: see docs/operations.md)."""

from __future__ import annotations

from django.tasks import task

from soscience.privacy.retention import retention_apply


@task()
def apply_retention() -> int:
    """Warn the long-inactive volunteers, anonymise those warned a month ago; returns how many
    people were warned or anonymised."""
    return retention_apply().total
