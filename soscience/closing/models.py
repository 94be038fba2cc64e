"""What a mission leaves behind when it closes: the organisation's and the volunteers'
closing surveys, the supervisor's note, and the follow-ups months later."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from soscience.missions.models import Mission
from soscience.volunteers.models import Skill


class OrganisationSurvey(models.Model):
    """The organisation's closing survey: one per mission."""

    class Applied(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        PLANNED = "planned", _("Not yet, it is planned")
        NO = "no", _("No")

    mission = models.OneToOneField(
        Mission, on_delete=models.CASCADE, related_name="organisation_survey"
    )
    worked = models.PositiveSmallIntegerField(
        _("did the solution work? (1 to 5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    applied = models.CharField(_("is it applied?"), max_length=8, choices=Applied.choices)
    not_applied_why = models.TextField(_("why not (yet)?"), blank=True, max_length=4000)
    local_impact = models.TextField(_("local impact, in your own words"), max_length=8000)
    beneficiaries = models.PositiveIntegerField(_("people who benefit (estimate)"))
    recommend = models.PositiveSmallIntegerField(
        _("would you recommend the programme? (0 to 10)"),
        validators=[MaxValueValidator(10)],
    )
    testimonial = models.TextField(_("testimonial"), blank=True, max_length=4000)
    testimonial_consent = models.BooleanField(
        _("we agree that the testimonial is published with our name"), default=False
    )
    case_consent = models.BooleanField(
        _("we agree that the mission becomes a public case in the solutions library"),
        default=False,
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation's closing survey")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(worked__gte=1, worked__lte=5), name="orgsurvey_worked_range"
            ),
            models.CheckConstraint(
                condition=models.Q(recommend__lte=10), name="orgsurvey_recommend_range"
            ),
        ]

    def __str__(self) -> str:
        return f"survey of mission {self.mission_id}"


class VolunteerSurvey(models.Model):
    """One volunteer's closing survey."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="volunteer_surveys")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closing_surveys"
    )
    skills_used = models.ManyToManyField(Skill, blank=True, related_name="+")
    skills_gained = models.ManyToManyField(Skill, blank=True, related_name="+")
    confidence_before = models.PositiveSmallIntegerField(
        _("confidence before the mission (1 to 5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    confidence_after = models.PositiveSmallIntegerField(
        _("confidence after the mission (1 to 5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    would_change = models.TextField(_("what you would change"), blank=True, max_length=4000)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer's closing survey")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "volunteer"], name="one_survey_per_volunteer"
            )
        ]

    def __str__(self) -> str:
        return f"survey of {self.volunteer_id} on mission {self.mission_id}"


class ClosingNote(models.Model):
    """The supervisor's short closing note."""

    mission = models.OneToOneField(Mission, on_delete=models.CASCADE, related_name="closing_note")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("closing note"), max_length=4000)
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supervisor's closing note")

    def __str__(self) -> str:
        return self.body[:60]


class FollowUp(models.Model):
    """A follow-up survey sent to the organisation months after closing, answered through a
    signed link without logging in."""

    class InUse(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No longer")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    still_in_use = models.CharField(
        _("is the solution still in use?"), max_length=8, choices=InUse.choices, blank=True
    )
    what_changed = models.TextField(_("what changed locally"), blank=True, max_length=8000)
    beneficiaries_now = models.PositiveIntegerField(
        _("people who benefit now (estimate)"), null=True, blank=True
    )
    further_needs = models.TextField(_("further needs"), blank=True, max_length=8000)
    new_need = models.ForeignKey(
        "needs.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up survey")
        constraints = [
            models.UniqueConstraint(fields=["mission", "months"], name="one_followup_per_delay")
        ]
        indexes = [models.Index(fields=["due_on", "sent_at"])]

    def __str__(self) -> str:
        return f"mission {self.mission_id} +{self.months} months"
