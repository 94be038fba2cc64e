"""The solutions library: closed missions turned, with the organisation's consent, into
public case pages other organisations can learn from and reuse."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from soscience.missions.models import Mission


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    mission = models.OneToOneField(Mission, on_delete=models.PROTECT, related_name="case")
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("the problem"), max_length=8000)
    solution = models.TextField(_("the solution"), max_length=8000)
    results = models.TextField(_("results"), max_length=8000)
    # Deliverables offered for download on the public page (under the mission's licence).
    files = models.ManyToManyField(
        "execution.Deliverable", blank=True, related_name="cases", verbose_name=_("files")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.title
