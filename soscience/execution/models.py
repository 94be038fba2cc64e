from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from soscience.missions.models import Mission


def _private_path(folder: str, filename: str) -> str:
    # A random name: the original is kept in the row, never trusted on disk.
    return f"private/{folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def update_file_to(instance: UpdateAttachment, filename: str) -> str:
    return _private_path("updates", filename)


class Milestone(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    planned_on = models.DateField(_("planned for"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["planned_on", "pk"]
        verbose_name = _("milestone")

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """A volunteer's news of the mission: shared with the organisation, or internal to the
    team and its supervisor."""

    class Visibility(models.TextChoices):
        SHARED = "shared", _("Shared with the organisation")
        INTERNAL = "internal", _("Internal to the team and the supervisor")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("news"), max_length=10000)
    visibility = models.CharField(
        _("who can read it"), max_length=8, choices=Visibility.choices,
        default=Visibility.SHARED,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("progress update")
        indexes = [models.Index(fields=["mission", "visibility", "-created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class UpdateAttachment(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=update_file_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class UpdateReply(models.Model):
    """A reply or question on an update, by the organisation, the team or the supervisor."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("reply"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class HoursEntry(models.Model):
    """Hours a volunteer gave to the mission, validated by the supervisor."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="hours")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hours_entries"
    )
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=2,
        validators=[MinValueValidator(0.25), MaxValueValidator(24)],
    )  # fmt: skip
    description = models.CharField(_("what was done"), max_length=300)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    validated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-worked_on", "-pk"]
        verbose_name = _("hours entry")
        verbose_name_plural = _("hours entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24), name="hoursentry_hours_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.worked_on} {self.hours} h"


class EquipmentRequest(models.Model):
    """Material the team needs; the supervisor settles it against the equipment budget."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        AWAITING_COORDINATOR = "awaiting_coordinator", _("Over budget: awaiting a coordinator")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        ORDERED = "ordered", _("Ordered")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="equipment_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    item = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    reason = models.TextField(_("why it is needed"), max_length=2000)
    estimated_cost = models.DecimalField(_("estimated cost (EUR)"), max_digits=9, decimal_places=2)
    link = models.CharField(_("link or supplier"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    real_cost = models.DecimalField(
        _("real cost (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("equipment request")
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost__gte=0) & Q(quantity__gte=1),
                name="equipmentrequest_positive",
            ),
            models.CheckConstraint(
                condition=Q(real_cost__isnull=True) | Q(real_cost__gte=0),
                name="equipmentrequest_real_cost_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item}"


class Loan(models.Model):
    """Team-owned equipment lent to a team member, and when it is due back."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="loans")
    item = models.CharField(_("what"), max_length=200)
    lent_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("lent to"),
    )  # fmt: skip
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lent_on = models.DateField(_("lent on"))
    due_back_on = models.DateField(_("due back on"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    # Set when the borrower was reminded that it is overdue: one reminder per loan.
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["returned_on", "due_back_on", "pk"]
        verbose_name = _("loan")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_back_on__gte=models.F("lent_on")), name="loan_due_after_lent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.lent_to}"


# Models kept in their own module are registered here, so Django always loads them.
from soscience.execution.models_deliverables import Deliverable  # noqa: E402, F401
from soscience.execution.models_supervision import StallAlert  # noqa: E402, F401
