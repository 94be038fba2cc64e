from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedName(models.Model):
    """A row with a French and an English label (domains, skills)."""

    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


class Event(models.Model):
    """One line of an object's timeline and audit trail: who did what, when.

    Concrete subclasses add the foreign key to their object and a ``Kind`` choices class.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"


class Domain(TranslatedName):
    """A field of work the platform serves (water, energy, health devices...)."""

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class PlatformSettings(models.Model):
    """The coordination team's rules, one row (pk=1)."""

    max_mission_weeks = models.PositiveSmallIntegerField(
        _("maximum mission duration (weeks)"),
        default=settings.SOSCIENCE_DEFAULT_MAX_MISSION_WEEKS,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )

    answer_within_days = models.PositiveSmallIntegerField(
        _("days to answer applicants after applications close"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    stall_after_days = models.PositiveSmallIntegerField(
        _("days without shared news before a mission is flagged as quiet"),
        default=14,
        validators=[MinValueValidator(3), MaxValueValidator(90)],
    )

    # What an hour of volunteering is worth, for the "value of volunteering" figures that
    # associations report as contributions in kind (French rules: valued at a market rate).
    hourly_rate = models.DecimalField(
        _("value of one hour of volunteering (EUR)"),
        max_digits=7, decimal_places=2, default=Decimal("15.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip

    followup_first_months = models.PositiveSmallIntegerField(
        _("first follow-up survey, months after closing"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    followup_second_months = models.PositiveSmallIntegerField(
        _("second follow-up survey, months after closing"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    inactive_years_before_anonymising = models.PositiveSmallIntegerField(
        _("years of inactivity before a volunteer's account is anonymised"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("platform settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_mission_weeks__gte=1, max_mission_weeks__lte=52),
                name="platformsettings_weeks_range",
            )
        ]

    def __str__(self) -> str:
        return f"max {self.max_mission_weeks} weeks"

    @classmethod
    def load(cls) -> PlatformSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class InternalNote(models.Model):
    """A coordinator's note on an organisation, a need or a mission.

    Never shown to organisations or volunteers: only coordinators read them.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        verbose_name = _("internal note")

    def __str__(self) -> str:
        return self.body[:60]


# Models kept in their own module are registered here, so Django always loads them.
from soscience.core.models_mail import OutgoingMail  # noqa: E402, F401
