"""Certificates of volunteering (attestations de bénévolat), verifiable by anyone with the
code. What the certificate says is copied into the row when it is issued, so a later
change to the mission or the account never changes a certificate already handed out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from soscience.missions.models import Mission


class Certificate(models.Model):
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="certificates")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    language = models.CharField(max_length=2, default="fr")
    # What it certifies, as issued.
    volunteer_name = models.CharField(max_length=200)
    mission_title = models.CharField(max_length=200)
    organisation_name = models.CharField(max_length=200)
    supervisor_name = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    hours = models.DecimalField(max_digits=7, decimal_places=2)
    skills = models.JSONField(default=list)  # labels in the certificate's language
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    revoke_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "volunteer"], condition=Q(revoked_at__isnull=True),
                name="one_valid_certificate_per_volunteer_and_mission",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.code
