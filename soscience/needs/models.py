from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from soscience.core.models import Domain, Event
from soscience.organisations.models import Organisation


class NeedQuerySet(models.QuerySet["Need"]):
    def triage_queue(self) -> NeedQuerySet:
        """Needs waiting for the team, oldest first."""
        return self.filter(status=Need.Status.SUBMITTED).order_by("submitted_at", "pk")


class Need(models.Model):
    """A problem an organisation describes in its own words, before it is scoped."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting triage")
        SCOPING = "scoping", _("Taken into scoping")
        DECLINED = "declined", _("Declined")
        DUPLICATE = "duplicate", _("Duplicate")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class DeclineReason(models.TextChoices):
        NOT_SCIENTIFIC = "not_scientific", _("Not a scientific or technical problem")
        NOT_SOCIAL = "not_social", _("No clear social benefit")
        OUT_OF_REACH = "out_of_reach", _("Out of reach for a short volunteer mission")
        OTHER = "other", _("Other reason")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="needs")
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(
        _("the problem"), max_length=6000,
        help_text=_("Describe the problem in your own words. Markdown is allowed."),
    )  # fmt: skip
    context = models.TextField(
        _("context"), max_length=6000, blank=True,
        help_text=_("Who you serve, where, and why this problem matters to them."),
    )  # fmt: skip
    already_tried = models.TextField(_("what you already tried"), max_length=4000, blank=True)
    desired_outcome = models.TextField(
        _("desired outcome"), max_length=4000,
        help_text=_("What would a good result look like for you?"),
    )  # fmt: skip
    domains = models.ManyToManyField(Domain, verbose_name=_("domains"), related_name="needs")
    country = CountryField(_("country"))
    city = models.CharField(_("city or area"), max_length=120, blank=True)
    deadline = models.DateField(_("deadline, if any"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    decline_reason = models.CharField(
        _("reason"), max_length=32, choices=DeclineReason.choices, blank=True
    )
    decline_detail = models.TextField(_("explanation"), max_length=2000, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates",
        verbose_name=_("duplicate of"),
    )  # fmt: skip
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    triaged_at = models.DateTimeField(null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="duplicate") | models.Q(duplicate_of__isnull=False),
                name="need_duplicate_has_original",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        """The organisation may edit or withdraw until the team has triaged it."""
        return self.status == self.Status.SUBMITTED


def attachment_upload_to(instance: NeedAttachment, filename: str) -> str:
    return f"private/needs/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class NeedAttachment(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class NeedEvent(Event):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        EDITED = "edited", _("Edited")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SCOPING = "scoping", _("Taken into scoping")
        DECLINED = "declined", _("Declined")
        DUPLICATE = "duplicate", _("Marked as a duplicate")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
