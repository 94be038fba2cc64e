"""Stall alerts already raised, so a scheduled run never sends the same alert twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from soscience.missions.models import Mission


class StallAlert(models.Model):
    """One alert per mission, level and quiet period.

    ``quiet_since`` is the date the quiet period began (last shared update, else kick-off or
    publication): a new shared update moves it, which opens a new period.
    """

    class Level(models.TextChoices):
        SUPERVISOR = "supervisor", _("Supervisor")
        COORDINATORS = "coordinators", _("Coordinators")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="stall_alerts")
    level = models.CharField(max_length=12, choices=Level.choices)
    quiet_since = models.DateField()
    raised_on = models.DateField()

    class Meta:
        app_label = "execution"
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "level", "quiet_since"], name="stallalert_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mission_id} {self.level} {self.quiet_since}"
