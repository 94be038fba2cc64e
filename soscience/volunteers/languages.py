"""Languages a volunteer may work in: those of the platform's partners and of its missions.

The codes are ISO 639 and agree with ``Mission.Language``, so the matching engine can
compare a mission's working languages with a volunteer's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkingLanguage(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    ARABIC = "ar", _("Arabic")
    WOLOF = "wo", _("Wolof")
    FULA = "ff", _("Fula (Pulaar)")
    BAMBARA = "bm", _("Bambara")
    MOORE = "mos", _("Mooré")
    SWAHILI = "sw", _("Swahili")
    LINGALA = "ln", _("Lingala")
    MALAGASY = "mg", _("Malagasy")
    HAITIAN = "ht", _("Haitian Creole")
    FILIPINO = "tl", _("Filipino")
    GERMAN = "de", _("German")
    ITALIAN = "it", _("Italian")
    CHINESE = "zh", _("Chinese")
    RUSSIAN = "ru", _("Russian")


def language_labels(codes: Iterable[str]) -> list[str]:
    """The names of ``codes`` in the current language, in the order given."""
    labels = dict(WorkingLanguage.choices)
    return [str(labels.get(code, code)) for code in codes]
