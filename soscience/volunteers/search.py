"""Matching typed text to the skills taxonomy: accent- and case-insensitive, on the French
and English names and on the synonyms, by prefix and whole word.

The taxonomy holds a few hundred rows, so the whole of it is read in one query and matched
in Python: simpler and faster than a database search that would have to strip accents the
same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from soscience.volunteers.models import Skill

# Separators between the terms a user types in one box ("CAO, SIG; IoT").
_TERM_SEPARATORS = re.compile(r"[,;\n]+")
# Keep + and # so that "C++" and "C#" stay distinct from "C".
_NOT_WORD = re.compile(r"[^\w+#]+")
# A query shorter than this only matches a whole label (so "R" finds R, not every word in r).
MIN_PREFIX_LENGTH = 2

EXACT, LABEL_PREFIX, WHOLE_WORD, WORD_PREFIX, ALL_WORDS = range(5)


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by one space: "Génie  civil" -> "genie civil"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_NOT_WORD.sub(" ", stripped).split())


def split_terms(text: str) -> list[str]:
    """The terms of a free-text entry, as typed (trimmed, blanks and repeats dropped)."""
    terms: list[str] = []
    seen: set[str] = set()
    for raw in _TERM_SEPARATORS.split(text or ""):
        term = " ".join(raw.split())
        key = normalise(term)
        if key and key not in seen:
            seen.add(key)
            terms.append(term)
    return terms


def synonym_list(synonyms: str) -> list[str]:
    """The comma-separated synonyms of a skill as a list."""
    return [s.strip() for s in (synonyms or "").split(",") if s.strip()]


def labels_of(skill: Skill) -> set[str]:
    """Every normalised label a user may type for ``skill``."""
    labels = {normalise(skill.name_fr), normalise(skill.name_en)}
    labels.update(normalise(s) for s in synonym_list(skill.synonyms))
    labels.discard("")
    return labels


def _score(query: str, label: str) -> int | None:
    """How well ``label`` answers ``query`` (lower is better), None if it does not."""
    if label == query:
        return EXACT
    if len(query) < MIN_PREFIX_LENGTH:
        return None
    if label.startswith(query):
        return LABEL_PREFIX
    padded = f" {label} "
    if f" {query} " in padded:
        return WHOLE_WORD
    if f" {query}" in padded:
        return WORD_PREFIX
    words = query.split()
    label_words = label.split()
    if len(words) > 1 and all(any(w.startswith(t) for w in label_words) for t in words):
        return ALL_WORDS
    return None


@dataclass(frozen=True)
class Match:
    skill: Skill
    score: int


class SkillIndex:
    """The taxonomy's labels, normalised once, for several look-ups in one request."""

    def __init__(self, skills: Iterable[Skill]) -> None:
        self._entries = [(skill, labels_of(skill)) for skill in skills]

    @classmethod
    def load(cls) -> SkillIndex:
        return cls(Skill.objects.select_related("domain"))

    def matches(self, text: str) -> list[Match]:
        """Every skill ``text`` matches, with its best score."""
        query = normalise(text)
        if not query:
            return []
        found = []
        for skill, labels in self._entries:
            scores = [s for label in labels if (s := _score(query, label)) is not None]
            if scores:
                found.append(Match(skill, min(scores)))
        return found

    def lookup(self, text: str, language: str = "fr", limit: int | None = 10) -> list[Skill]:
        """Skills matching ``text``, best first, then by name in ``language``."""
        english = language.startswith("en")

        def key(match: Match) -> tuple[int, str]:
            skill = match.skill
            return match.score, normalise(skill.name_en if english else skill.name_fr)

        ranked = [m.skill for m in sorted(self.matches(text), key=key)]
        return ranked if limit is None else ranked[:limit]

    def resolve(self, term: str) -> tuple[Skill | None, list[Skill]]:
        """The one skill a typed term names, or (None, the candidates) when it names none
        or several. A label typed in full wins over partial matches."""
        found = self.matches(term)
        exact = [m.skill for m in found if m.score == EXACT]
        if len(exact) == 1:
            return exact[0], exact
        if len(found) == 1:
            return found[0].skill, [found[0].skill]
        candidates = exact or [m.skill for m in sorted(found, key=lambda m: m.score)]
        return None, candidates
