"""How a match is put in words on the pages, shared by the suggestions and "missions for me"."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from soscience.matching import engine

# Weak matches are noise on a page a coordinator (or a volunteer) reads.
MIN_SCORE = 0.15

# The engine's coarse label of a match (``Ranked.fit``), as the pages say it.
FIT_LABELS = {
    "strong": _("Strong match"),
    "good": _("Good match"),
    "partial": _("Partial match"),
}


def labels(areas: list[str], language: str) -> list[str]:
    return [engine.area_label(area, language) for area in areas]


@dataclass
class Explained:
    """How well one volunteer fits one mission, in words: a fit label, the reasons and
    gaps, and the language they are written in (for the pages' ``lang`` attribute)."""

    score: float | None = None
    fit: str = ""
    reasons: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    lang: str = "en"

    @property
    def fit_label(self) -> str:
        return str(FIT_LABELS.get(self.fit, ""))

    def explain(self, ranked: engine.Ranked, lang: str) -> None:
        """Take the engine's words, written in ``lang`` (the reader's: passed to it)."""
        self.score, self.fit = ranked.score, ranked.fit
        self.reasons, self.gaps, self.lang = ranked.reasons, ranked.gaps, lang
