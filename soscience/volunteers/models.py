from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from soscience.core.models import Domain, TranslatedName


class Campus(models.Model):
    """A school whose students and researchers volunteer. One is the home campus."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    slug = models.SlugField(unique=True)
    city = models.CharField(_("city"), max_length=120)
    country = CountryField(_("country"), default="FR")
    is_home = models.BooleanField(
        _("home campus"), default=False, help_text=_("Missions are offered here first.")
    )
    is_active = models.BooleanField(_("active partner"), default=True)
    # The partnership: who to call at the school, and since / until when.
    contact_name = models.CharField(_("contact at the school"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact's email"), blank=True)
    partnership_start = models.DateField(_("partnership since"), null=True, blank=True)
    partnership_end = models.DateField(_("partnership until"), null=True, blank=True)

    class Meta:
        ordering = ["-is_home", "name"]
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        constraints = [
            models.UniqueConstraint(
                fields=["is_home"], condition=models.Q(is_home=True), name="one_home_campus"
            )
        ]

    def __str__(self) -> str:
        # The full name: visitors and organisations may not know a school's acronym.
        return self.name


class Skill(TranslatedName):
    """An entry of the bilingual skills taxonomy (grown by the matching issue)."""

    slug = models.SlugField(unique=True, max_length=80)
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.SET_NULL, related_name="skills"
    )
    synonyms = models.CharField(
        _("synonyms and abbreviations"), max_length=1000, blank=True,
        help_text=_("Comma-separated, in any language (e.g. CAO, CAD)."),
    )  # fmt: skip

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class SkillLevel(models.IntegerChoices):
    NOTIONS = 1, _("Notions")
    PRACTISED = 2, _("Practised")
    EXPERT = 3, _("Expert")


class VolunteerProfile(models.Model):
    """A student's or researcher's skills profile: what the matching engine reads."""

    class Kind(models.TextChoices):
        STUDENT = "student", _("Student")
        RESEARCHER = "researcher", _("Researcher (PhD student, post-doc, staff)")

    class Notify(models.TextChoices):
        EACH = "each", _("Each new mission that matches my profile")
        WEEKLY = "weekly", _("A weekly digest")
        NEVER = "never", _("Never")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    kind = models.CharField(_("I am"), max_length=16, choices=Kind.choices, default=Kind.STUDENT)
    campus = models.ForeignKey(
        Campus, null=True, blank=True, on_delete=models.SET_NULL, related_name="volunteers",
        verbose_name=_("campus"),
    )  # fmt: skip
    programme = models.CharField(_("programme or laboratory"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year of study"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )  # fmt: skip
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    domains = models.ManyToManyField(
        Domain, blank=True, verbose_name=_("domains of interest"), related_name="+"
    )
    languages = models.JSONField(_("languages I work in"), default=list)
    country = CountryField(_("country where I am based"), default="FR")
    city = models.CharField(_("city"), max_length=120, blank=True)
    notify = models.CharField(
        _("tell me about missions"), max_length=8, choices=Notify.choices, default=Notify.WEEKLY
    )
    # GDPR: matching uses the profile only with this consent, recorded with its date.
    consent_matching_at = models.DateTimeField(_("consent to matching given on"), null=True)
    campus_digest = models.BooleanField(
        _("weekly mail of the new missions open to my campus"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("volunteer profile")
        indexes = [models.Index(fields=["updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=1, year__lte=10),
                name="profile_year_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_matchable(self) -> bool:
        return self.consent_matching_at is not None


class VolunteerSkill(models.Model):
    profile = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("level"), choices=SkillLevel.choices, default=SkillLevel.PRACTISED
    )

    class Meta:
        ordering = ["-level", "skill__name_fr"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="volunteerskill_unique"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="volunteerskill_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.level})"


class Availability(models.Model):
    """A window of dates during which the volunteer can give some hours a week."""

    profile = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="availabilities"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )

    class Meta:
        ordering = ["start"]
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="availability_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gte=1, hours_per_week__lte=40),
                name="availability_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start} - {self.end}, {self.hours_per_week} h"


class UnmatchedTerm(models.Model):
    """A skill typed by a user that the taxonomy does not know yet, for coordinators to map."""

    text = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)
    mapped_to = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-count", "text"]

    def __str__(self) -> str:
        return self.text


class Ambassadorship(models.Model):
    """A student who relays missions on a partner campus."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassadorships"
    )
    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="ambassadors")
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "campus"], name="ambassadorship_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.campus}"
