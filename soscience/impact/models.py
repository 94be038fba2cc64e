from __future__ import annotations

from django.conf import settings
from django.db import models


class ValidatedHours(models.Model):
    """Validated hours added up per mission, volunteer and year worked: what the impact
    figures add up (at the national size about 250,000 rows instead of 2,000,000 entries).

    Kept by :mod:`soscience.impact.rollup` in the transaction that changes validated hours;
    ``manage.py impact_rollup --check`` compares it with the entries. The entries stay the
    record (the hours export lists them)."""

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "volunteer", "year"], name="validatedhours_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mission_id} {self.volunteer_id} {self.year}: {self.hours} h"
