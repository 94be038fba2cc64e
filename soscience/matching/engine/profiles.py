"""What a need asks for and what a volunteer offers, as weights over the lexicon's areas.

A need's areas are weighted by how central they are: evidence from the title counts more
than from one sentence of the description, an aside in parentheses less, and repeated
evidence saturates. Related areas (adjacent fields) get a share of their neighbour's weight.

A volunteer's areas carry a level: the declared one for skills (authoritative), one read from
the sentence for the bio ("one module", "internship", "my thesis"), and a weak value for
domains of interest and the programme of study.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicon import Lexicon, Match, load
from .model import Need, Volunteer
from .text import Token, detect_language, fold, sentences, tokens

LEVEL_VALUE = {1: 0.4, 2: 0.7, 3: 1.0}
WEAK_VALUE = 0.25  # a domain of interest or a programme name: a hint, not a skill
TITLE_FACTOR, ASIDE_FACTOR = 1.4, 0.5
LABEL_UNSUPPORTED = 0.5
MIN_NEED_WEIGHT = 0.1

_ASIDE = re.compile(r"\(([^()]*)\)")
# Sentences that say what the organisation asks for weigh more than its context ("we are a
# beekeepers' cooperative" versus "we need help with the legal papers").
_REQUEST = re.compile(
    r"\b(nous (?:cherchons|recherchons|avons besoin|voudrions|aimerions|souhaitons)"
    r"|on (?:cherche|voudrait|aimerait|a besoin)|il (?:nous )?faudrait|besoin d'aide"
    r"|quelqu'un (?:qui|pour)|aide pour|we (?:need|want|would like|are looking|require)"
    r"|looking for|someone (?:who|to)|help (?:us )?with|can you help)"
)
REQUEST_FACTOR = 1.5
# Level cues in a bio sentence (accent-folded text).
_LEVEL_1 = re.compile(
    r"\b(notions?|new to|je debute|debutant|beginner|initiation|one module|un module|one course"
    r"|(?:took|suivi) (?:a|un) cours|only have basics|quelques bases|curious about|curieu[sx]e?)\b"
)
_LEVEL_2 = re.compile(
    r"\b(stage|internship|intern|reasonably comfortable|je me debrouille|solid basics|bonnes bases"
    r"|student project|projet etudiant|not an expert|pas encore expert)"
)
_LEVEL_3 = re.compile(
    r"\b(these|thesis|phd|doctora\w*|post-?doc\w*|expert|my research|mes recherches|mes travaux"
    r"|research is|\d+ (?:years|ans))\b"
)
# A bio that says "not an expert yet" or "it was a student project" is level 2 at most.
_BIO_CAP_2 = re.compile(
    r"(not an expert|pas encore expert|student project|projet etudiant|second-year project"
    r"|projet de deuxieme annee|not my main|pas mon sujet principal|solid basics|bonnes bases)"
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a volunteer counts for an area: value in [0, 1], level 1-3, and its source."""

    area: str
    value: float
    level: int
    source: str  # the skill label, or "bio", "domain", "programme"


@dataclass(slots=True)
class VolunteerProfile:
    areas: dict[str, Evidence]
    words: list[Token]  # for the lexical index


@dataclass(slots=True)
class NeedProfile:
    weights: dict[str, float]  # the need's own areas, the most central at 1.0
    demand: dict[str, float]  # own areas and adjacent ones, for scoring
    via: dict[str, str]  # adjacent area -> the own area it comes from
    language: str  # "fr" or "en", for reasons
    words: list[Token] = field(default_factory=list)

    def main_areas(self, threshold: float = 0.35) -> list[str]:
        ranked = sorted(self.weights.items(), key=lambda kv: (-kv[1], kv[0]))
        return [a for a, w in ranked if w >= threshold]


@lru_cache(maxsize=100_000)
def _analyse(text: str) -> tuple[tuple[Token, ...], tuple[Match, ...], tuple[int, ...]]:
    toks = tokens(text)
    matches, pending = load().match_sentence(toks)
    return tuple(toks), tuple(matches), tuple(pending)


def _areas_of(text: str, context: list[Token], lexicon: Lexicon) -> dict[str, tuple[float, str]]:
    """Best weight per area in one sentence or label, with the evidence text."""
    _, matches, pending = _analyse(text)
    found = list(matches)
    for entry in pending:
        found.extend(lexicon.resolve(entry, context))
    best: dict[str, tuple[float, str]] = {}
    for m in found:
        if m.weight > best.get(m.area, (0.0, ""))[0]:
            best[m.area] = (m.weight, m.text)
    return best


# ---------------------------------------------------------------------------- needs
def _need_parts(need: Need) -> list[tuple[str, float, bool]]:
    """(text, weight, is_label) for the title, each sentence and each label."""
    parts: list[tuple[str, float, bool]] = [(need.title, TITLE_FACTOR, False)]
    for sentence in sentences(need.description):
        request = _REQUEST.search(fold(sentence).replace("\u2019", "'"))
        parts.append((sentence, REQUEST_FACTOR if request else 1.0, False))
    parts += [(label, 1.0, True) for label in need.skills]
    parts += [(domain, 0.8, True) for domain in need.domains]
    return [part for part in parts if part[0].strip()]


def need_profile(need: Need) -> NeedProfile:
    lexicon = load()
    parts = _need_parts(need)
    words = [t for text, _, _ in parts for t in _analyse(text)[0]]
    evidence: dict[str, float] = {}
    for text, factor, is_label in parts:
        if not is_label:
            # An aside in parentheses counts less, but its words still help the cues of
            # the sentence around it.
            main = _areas_of(_ASIDE.sub(" ", text), words, lexicon) if "(" in text else None
            for area, (weight, _) in _areas_of(text, words, lexicon).items():
                aside_only = main is not None and area not in main
                weight = weight * ASIDE_FACTOR if aside_only else weight
                evidence[area] = evidence.get(area, 0.0) + factor * weight
    # Labels the organisation picked are often beside the point: one the text does not
    # support (itself or through an adjacent area) counts half.
    supported = set(evidence) | {
        r for a in evidence for r, share in lexicon.areas[a].related.items() if share >= 0.4
    }
    for text, factor, is_label in parts:
        if is_label:
            for area, (weight, _) in _areas_of(text, words, lexicon).items():
                trust = 1.0 if area in supported else LABEL_UNSUPPORTED
                evidence[area] = evidence.get(area, 0.0) + factor * trust * weight
    saturated = {a: 1.0 - math.exp(-e / 1.2) for a, e in evidence.items()}
    top = max(saturated.values(), default=0.0)
    weights = {}
    for area, value in saturated.items():
        weight = min(value / top, lexicon.areas[area].need_cap)
        if weight >= MIN_NEED_WEIGHT:
            weights[area] = weight
    demand, via = dict(weights), {}
    for area, weight in weights.items():
        for other, share in lexicon.areas[area].related.items():
            if weight * share > demand.get(other, 0.0):
                demand[other], via[other] = weight * share, area
    return NeedProfile(weights, demand, via, _language(need), words)


def _language(need: Need) -> str:
    """The language to write reasons in: the need's text, else its first working language
    the reasons know, else English."""
    found = detect_language(f"{need.title}. {need.description}")
    known = [code for code in need.languages if code in ("fr", "en")]
    return found or (known[0] if known else "en")


# ---------------------------------------------------------------------------- volunteers
def _without(text: str, *names: str) -> str:
    """The bio without the campus and programme names: "Institut Photovoltaïque" or
    "Laboratoire de génie des procédés" say where someone studies, not what they can do."""
    for name in names:
        if len(name) > 3:
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


@lru_cache(maxsize=100_000)
def _sentence_level(sentence: str, default: int) -> int:
    folded = fold(sentence)
    if _LEVEL_1.search(folded):
        return 1
    if _LEVEL_3.search(folded) and not _LEVEL_2.search(folded):
        return 3
    if _LEVEL_2.search(folded):
        return 2
    return default


def volunteer_profile(volunteer: Volunteer) -> VolunteerProfile:
    lexicon = load()
    bio = _without(volunteer.bio, volunteer.campus, volunteer.program)
    bio_sentences = sentences(bio)
    labels = [s.label for s in volunteer.skills]
    words = [t for text in [*labels, *volunteer.domains, *bio_sentences] for t in _analyse(text)[0]]
    areas: dict[str, Evidence] = {}

    def keep(ev: Evidence) -> None:
        if ev.value > (areas[ev.area].value if ev.area in areas else 0.0):
            areas[ev.area] = ev

    for skill in volunteer.skills:
        for area, (weight, _) in _areas_of(skill.label, words, lexicon).items():
            keep(Evidence(area, LEVEL_VALUE[skill.level] * weight, skill.level, skill.label))
    declared = {area: ev.value for area, ev in areas.items()}

    default = 3 if volunteer.kind == "researcher" else 2
    cap = 2 if _BIO_CAP_2.search(fold(bio)) else 3
    for sentence in bio_sentences:
        level = min(_sentence_level(sentence, default), cap)
        for area, (weight, _) in _areas_of(sentence, words, lexicon).items():
            value = LEVEL_VALUE[level] * weight
            # Declared skills are authoritative: the bio may add areas, not raise levels.
            value = min(value, declared.get(area, value))
            keep(Evidence(area, value, level, "bio"))

    hints = [(d, "domain") for d in volunteer.domains] + [(volunteer.program, "programme")]
    for text, source in hints:
        if text.strip():
            for area, (weight, _) in _areas_of(text, words, lexicon).items():
                keep(Evidence(area, WEAK_VALUE * weight, 1, source))
    return VolunteerProfile(areas, words)
