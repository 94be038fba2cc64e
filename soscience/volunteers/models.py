from __future__ import annotations

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
        _("synonyms and abbreviations"), max_length=300, blank=True,
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
