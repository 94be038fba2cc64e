from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchingIndexState(models.Model):
    """Where an index stands: the matchable volunteers' (pk=1, VOLUNTEERS), read by the
    suggestions, and the published missions' (pk=2, MISSIONS), read by "missions for me";
    for the missions' row ``volunteers`` counts missions.

    The worker builds the index from the database, pickles it under
    ``settings.MATCHING_INDEX_DIR`` as ``file`` and bumps ``version``; every web process
    compares ``file`` with the index it holds and reloads only when it changed.
    A profile change sets ``dirty_since`` (the time of the latest change not yet in the
    index); a rebuild is due while ``dirty_since`` is later than ``built_at`` (the moment
    the last build started reading the database, so a change made during a build is not
    lost).
    """

    version = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=100, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(default=0)
    volunteers = models.PositiveIntegerField(default=0)
    dirty_since = models.DateTimeField(null=True, blank=True)

    VOLUNTEERS, MISSIONS = 1, 2  # the rows

    class Meta:
        verbose_name = _("matching index state")

    def __str__(self) -> str:
        what = "missions" if self.pk == self.MISSIONS else "volunteers"
        return f"matching index v{self.version} ({self.volunteers} {what})"

    @classmethod
    def load(cls, pk: int = VOLUNTEERS) -> MatchingIndexState:
        """The row as it stands (unsaved and empty before the first build): a read."""
        return cls.objects.filter(pk=pk).first() or cls(pk=pk)

    @property
    def is_dirty(self) -> bool:
        """Profiles changed after the last build started (or nothing was ever built)."""
        if not self.file or self.built_at is None:
            return True
        return self.dirty_since is not None and self.dirty_since > self.built_at


class MissionAlert(models.Model):
    """A volunteer was told about a mission that fits them (an alert of its own or a line
    of the weekly digest): never twice for the same mission, even when it is withdrawn
    from the catalogue and published again."""

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent on"), auto_now_add=True)

    class Meta:
        verbose_name = _("mission alert")
        constraints = [
            models.UniqueConstraint(fields=["mission", "volunteer"], name="missionalert_once")
        ]

    def __str__(self) -> str:
        return f"mission {self.mission_id} -> user {self.volunteer_id}"
