from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from soscience.core.models import Event
from soscience.missions.models import Mission


class Application(models.Model):
    """A volunteer's application to a mission (or the team's invitation to apply)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited to apply")
        APPLIED = "applied", _("Applied")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        SELECTED = "selected", _("Selected")
        DECLINED = "declined", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class DeclineReason(models.TextChoices):
        TEAM_COMPLETE = "team_complete", _("The team is complete")
        PROFILE = "profile", _("The profile does not fit this mission")
        AVAILABILITY = "availability", _("Availability does not fit the mission's dates")
        NO_ANSWER = "no_answer", _("No answer from the volunteer")
        MISSION_CANCELLED = "mission_cancelled", _("The mission was cancelled")
        OTHER = "other", _("Other reason")

    class WithdrawReason(models.TextChoices):
        UNAVAILABLE = "unavailable", _("I am no longer available")
        NOT_AS_EXPECTED = "not_as_expected", _("The mission is not what I expected")
        NO_ANSWER = "no_answer", _("The team took too long to answer")
        OTHER = "other", _("Other reason")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="applications")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    motivation = models.TextField(_("motivation"), max_length=3000, blank=True)
    availability_confirmed = models.BooleanField(
        _("I confirm I am available for the mission's dates and hours"), default=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    applied_at = models.DateTimeField(_("applied on"), null=True, blank=True)
    answer_by = models.DateField(_("the team answers by"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=24, blank=True)
    reason_detail = models.TextField(_("explanation"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        indexes = [
            models.Index(fields=["mission", "status"]),
            models.Index(fields=["status", "answer_by"]),
        ]
        constraints = [
            # A volunteer applies once per mission.
            models.UniqueConstraint(fields=["mission", "volunteer"], name="application_once")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.mission}"

    @property
    def is_open(self) -> bool:
        """Still waiting for the team's answer."""
        return self.status in {self.Status.APPLIED, self.Status.SHORTLISTED}

    @property
    def reason_label(self) -> str:
        """The reason of a decline or a withdrawal, in the reader's language."""
        choices = self.DeclineReason if self.status == self.Status.DECLINED else self.WithdrawReason
        return str(dict(choices.choices).get(self.reason, self.reason))


class TeamMember(models.Model):
    """A selected volunteer in a mission's team.

    Leads and members take one of the mission's numbered seats; the database refuses a seat
    number above the team size copied at selection, or the same seat twice, so two
    coordinators selecting at once can never exceed the team size. Advisors (researchers
    helping on hard problems) take no seat.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("Team lead")
        MEMBER = "member", _("Member")
        ADVISOR = "advisor", _("Advisor")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="team")
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="team_member"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    seat = models.PositiveSmallIntegerField(null=True, blank=True)
    capacity = models.PositiveSmallIntegerField()
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seat", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "seat"], name="teammember_one_per_seat"),
            models.UniqueConstraint(fields=["mission", "volunteer"], name="teammember_once"),
            models.CheckConstraint(
                condition=(Q(role="advisor") & Q(seat__isnull=True))
                | (~Q(role="advisor") & Q(seat__gte=1) & Q(seat__lte=F("capacity"))),
                name="teammember_seat_within_team_size",
            ),
            models.UniqueConstraint(
                fields=["mission"], condition=Q(role="lead"), name="teammember_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} ({self.role})"


class ApplicationEvent(Event):
    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited to apply")
        APPLIED = "applied", _("Applied")
        WITHDRAWN = "withdrawn", _("Withdrew")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        SELECTED = "selected", _("Selected")
        DECLINED = "declined", _("Not selected")
        REMOVED = "removed", _("Removed from the team")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
