"""What the team hands over to the organisation: reports, designs, code, data."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from soscience.missions.models import Mission


def deliverable_file_to(instance: Deliverable, filename: str) -> str:
    # A random name under the private tree: never guessable, never the user's name.
    return f"private/deliverables/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Deliverable(models.Model):
    """A file the team delivers. Everyone on the mission space sees it, the organisation
    included (it is for them); internal working files go with internal updates instead."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        DESIGN = "design", _("Design or drawing")
        CODE = "code", _("Code archive")
        DATA = "data", _("Data")
        OTHER = "other", _("Other")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="delivered_files")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REPORT)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(upload_to=deliverable_file_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "execution"
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("deliverable")

    def __str__(self) -> str:
        return self.title
