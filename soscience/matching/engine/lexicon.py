"""The bilingual concept lexicon: skill areas, their terms, problem cues and look-alike words.

The data lives in `data/*.toml` (domain knowledge, not fitted to any sample). Three kinds of
evidence point from text to an area:

* a **term**: a word or phrase ("potabilisation", "solar dryer", "CAO"), stems compared, one
  stray word allowed inside a phrase ("eau de puits salée" ~ "eau salée"); `word*` is a prefix;
* a **cue**: groups of words that must all occur in one sentence ("mangue|fruit + pourr*|perte*"),
  how a non-scientist describes a problem whose skill is never named;
* an **ambiguous word** ("réseau", "cellule", "moules", "capteur", "terre"...): it counts for
  the sense whose context words surround it (sentence first, then the whole text), never alone.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .text import _LETTER_HYPHEN, Token, tokens

DATA_DIR = Path(__file__).with_name("data")
REVERSED = 0.8  # weight of a two-word term found in the reverse order
SUFFIX_SLACK = 5  # letters the longer of two forms of a word may add after their common start
_PIECE = re.compile("[\\s'\u2019/\\-\u2013]+")


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    en: str
    fr: str
    group: str
    related: dict[str, float]
    need_cap: float = 1.0

    def label(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


def _close(a: str, b: str) -> bool:
    """Two words sharing a stem are the same word only if they differ in their last few
    letters: French stems fold "communication" and "commune" to "commun"."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i >= max(len(a), len(b)) - SUFFIX_SLACK


class Pattern:
    """One lexicon word: stem keys to share, a folded prefix, or an exact acronym
    (stems would make "PET" a "petit" and "WASH" a "washing")."""

    __slots__ = ("exact", "keys", "prefix", "word")

    def __init__(
        self,
        keys: frozenset[str] = frozenset(),
        prefix: str = "",
        exact: str = "",
        word: str = "",
    ) -> None:
        self.keys = keys
        self.prefix = prefix
        self.exact = exact
        self.word = word  # the folded word, to check stem matches are close

    def matches(self, tok: Token) -> bool:
        if self.exact:
            return tok.folded == self.exact or tok.folded == self.exact + "s"
        if self.prefix:
            return tok.folded.startswith(self.prefix)
        return not self.keys.isdisjoint(tok.keys) and _close(tok.folded, self.word)


class AnyOf:
    """Alternatives of one word ("a|b|c*"), tested in one go: stem keys (with their
    words), exact acronyms and a tuple of prefixes (the index build calls this a lot)."""

    __slots__ = ("exact", "keys", "prefixes")

    def __init__(self, patterns: list[Pattern]) -> None:
        keys: dict[str, list[str]] = {}
        for p in patterns:
            for k in p.keys:
                keys.setdefault(k, []).append(p.word)
        self.keys = keys
        self.exact = frozenset(f for p in patterns if p.exact for f in (p.exact, p.exact + "s"))
        self.prefixes = tuple(p.prefix for p in patterns if p.prefix)

    def __bool__(self) -> bool:
        return bool(self.keys or self.exact or self.prefixes)

    def matches(self, tok: Token) -> bool:
        if tok.folded in self.exact:
            return True
        if self.prefixes and tok.folded.startswith(self.prefixes):
            return True
        for key in tok.keys:
            words = self.keys.get(key)
            if words and any(_close(tok.folded, w) for w in words):
                return True
        return False


@dataclass(slots=True)
class Term:
    area: str
    weight: float
    text: str
    patterns: list[Pattern]


@dataclass(slots=True)
class Cue:
    area: str
    weight: float
    text: str
    groups: list[AnyOf]


@dataclass(slots=True)
class Sense:
    area: str
    weight: float
    context: AnyOf


@dataclass(slots=True)
class Ambiguous:
    text: str
    words: list[Pattern]
    senses: list[Sense]


@dataclass(frozen=True, slots=True)
class Match:
    """Evidence that a text speaks of an area."""

    area: str
    weight: float
    kind: str  # "term", "cue" or "sense"
    text: str


def _split_weight(raw: str, default: float) -> tuple[str, float]:
    if "^" in raw:
        text, weight = raw.rsplit("^", 1)
        return text.strip(), float(weight)
    return raw.strip(), default


def _is_acronym(piece: str) -> bool:
    """ "PET", "SIG", "IoT", "PM2": short, with capitals after the first letter or digits."""
    if len(piece) > 6 or not piece.isalnum():
        return False
    return any(c.isupper() for c in piece[1:]) or (piece[0].isupper() and len(piece) <= 3)


def _patterns(text: str) -> list[Pattern]:
    out: list[Pattern] = []
    for piece in _PIECE.split(_LETTER_HYPHEN.sub(r"\1", text)):
        if not piece:
            continue
        toks = tokens(piece.rstrip("*"))
        if not toks:
            continue
        if piece.endswith("*"):
            out.append(Pattern(prefix=toks[0].folded))
        elif _is_acronym(piece) and len(toks) == 1:
            out.append(Pattern(exact=toks[0].folded))
        else:
            out.extend(Pattern(keys=frozenset(t.keys), word=t.folded) for t in toks)
    return out


def _one(word: str) -> list[Pattern]:
    """A cue or context word: exactly one word (a grammar word gives none)."""
    patterns = _patterns(word)
    if len(patterns) > 1:
        raise ValueError(f"lexicon: {word!r} must be one word here")
    return patterns


class _Anchors:
    """Finds the entries whose first pattern matches a token (by stem key or prefix)."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[int]] = {}
        self.by_exact: dict[str, list[int]] = {}
        self.by_prefix: dict[str, list[tuple[str, int]]] = {}

    def add(self, pattern: Pattern, entry: int) -> None:
        if pattern.exact:
            for form in (pattern.exact, pattern.exact + "s"):
                self.by_exact.setdefault(form, []).append(entry)
        elif pattern.prefix:
            self.by_prefix.setdefault(pattern.prefix[:3], []).append((pattern.prefix, entry))
        else:
            for key in pattern.keys:
                self.by_key.setdefault(key, []).append(entry)

    def find(self, tok: Token) -> set[int]:
        found: set[int] = set(self.by_exact.get(tok.folded, ()))
        for key in tok.keys:
            found.update(self.by_key.get(key, ()))
        for prefix, entry in self.by_prefix.get(tok.folded[:3], ()):
            if tok.folded.startswith(prefix):
                found.add(entry)
        return found


@dataclass
class Lexicon:
    areas: dict[str, Area] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    ambiguous: list[Ambiguous] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._term_anchor = _Anchors()
        self._cue_anchor = _Anchors()
        self._ambiguous_anchor = _Anchors()

    # ------------------------------------------------------------------ loading
    def add_area(self, area_id: str, spec: dict) -> None:
        self.areas[area_id] = Area(
            id=area_id,
            en=spec["en"],
            fr=spec["fr"],
            group=spec.get("group", ""),
            related=dict(spec.get("related", {})),
            need_cap=float(spec.get("need_cap", 1.0)),
        )
        for raw in spec.get("terms", []):
            text, weight = _split_weight(raw, 1.0)
            self.add_term(area_id, text, weight)
        for raw in spec.get("cues", []):
            text, weight = _split_weight(raw, 0.7)
            groups = [
                [p for alt in group.split("|") for p in _one(alt)] for group in text.split("+")
            ]
            groups = [g for g in groups if g]
            self.cues.append(Cue(area_id, weight, text, [AnyOf(g) for g in groups]))
            for pattern in groups[0]:
                self._cue_anchor.add(pattern, len(self.cues) - 1)

    def add_term(self, area_id: str, text: str, weight: float) -> None:
        patterns = _patterns(text)
        if not patterns:
            return
        self.terms.append(Term(area_id, weight, text, patterns))
        self._term_anchor.add(patterns[0], len(self.terms) - 1)
        if len(patterns) == 2 and len(text.split()) == 2:
            # Two-word terms also match the other way round ("fish smoking" for "smoking
            # fish", "eau potable ... traitement"), a little weaker.
            self.terms.append(Term(area_id, weight * REVERSED, text, patterns[::-1]))
            self._term_anchor.add(patterns[1], len(self.terms) - 1)

    def add_ambiguous(self, spec: dict) -> None:
        words = [p for w in spec["words"] for p in _one(w)]
        senses = []
        for sense in spec["senses"]:
            context = AnyOf([p for w in sense["context"] for p in _one(w)])
            senses.append(Sense(sense["area"], float(sense.get("weight", 0.8)), context))
        self.ambiguous.append(Ambiguous(spec["words"][0], words, senses))
        for pattern in words:
            self._ambiguous_anchor.add(pattern, len(self.ambiguous) - 1)

    def check(self) -> None:
        """Every area named anywhere must exist (a typo would silently lose knowledge)."""
        names = set(self.areas)
        used = {t.area for t in self.terms} | {c.area for c in self.cues}
        used |= {s.area for a in self.ambiguous for s in a.senses}
        used |= {r for a in self.areas.values() for r in a.related}
        unknown = used - names
        if unknown:
            raise ValueError(f"lexicon names unknown areas: {sorted(unknown)}")

    # ------------------------------------------------------------------ matching
    def match_sentence(self, toks: list[Token]) -> tuple[list[Match], list[int]]:
        """Areas one sentence speaks of, and the ambiguous words it leaves open (their
        entries, to settle with `resolve` against the whole text). Pure function of the
        sentence, so callers may cache it."""
        matches: list[Match] = []
        owner = self._match_terms(toks, matches)
        self._match_cues(toks, matches)
        pending = self._match_ambiguous(toks, owner, matches)
        return matches, pending

    def resolve(self, entry: int, context: list[Token]) -> list[Match]:
        """Senses of an ambiguous word that its sentence left open, by the whole text;
        weaker than a sense decided next to the word."""
        word = self.ambiguous[entry]
        return [
            Match(sense.area, sense.weight * share * 0.6, "sense", word.text)
            for sense, share in _best_senses(word, [(t, None) for t in context])
        ]

    def _match_terms(self, toks: list[Token], out: list[Match]) -> dict[int, str]:
        """Terms found, longest first: a term inside a longer one of another area is the
        longer one's word ("cartes" in "cartes électroniques" is no map). Returns the area
        of the term each covered word belongs to."""
        found: list[tuple[int, int, Term]] = []
        for i, tok in enumerate(toks):
            for entry in self._term_anchor.find(tok):
                term = self.terms[entry]
                if not term.patterns[0].matches(tok):
                    continue  # same stem, another word ("commune" is no "communication")
                end = _match_rest(term.patterns, toks, i)
                if end is not None:
                    found.append((i, end, term))
        found.sort(key=lambda f: (f[0] - f[1], f[0]))
        kept: list[tuple[int, int]] = []
        owner: dict[int, str] = {}
        for start, end, term in found:
            if any(s <= start and end <= e and (e - s) > (end - start) for s, e in kept):
                continue
            kept.append((start, end))
            for j in range(start, end):
                owner.setdefault(j, term.area)
            out.append(Match(term.area, term.weight, "term", term.text))
        return owner

    def _match_cues(self, toks: list[Token], out: list[Match]) -> None:
        candidates: set[int] = set()
        for tok in toks:
            candidates |= self._cue_anchor.find(tok)
        for entry in sorted(candidates):
            cue = self.cues[entry]
            if _cue_holds(cue.groups, toks):
                out.append(Match(cue.area, cue.weight, "cue", cue.text))

    def _match_ambiguous(
        self, toks: list[Token], owner: dict[int, str], out: list[Match]
    ) -> list[int]:
        pending: list[int] = []
        for i, tok in enumerate(toks):
            if i in owner:
                continue
            for entry in self._ambiguous_anchor.find(tok):
                word = self.ambiguous[entry]
                if not any(p.matches(tok) for p in word.words):
                    continue
                senses = _qualified_senses(word, toks, i, owner)
                if not senses:
                    pending.append(entry)
                for sense, share in senses:
                    out.append(Match(sense.area, sense.weight * share, "sense", word.text))
        return pending


def _cue_holds(groups: list[AnyOf], toks: list[Token]) -> bool:
    """Each group matches a different word of the sentence ("building" alone is not
    "build + building")."""
    used: set[int] = set()
    for group in groups:
        for j, tok in enumerate(toks):
            if j not in used and group.matches(tok):
                used.add(j)
                break
        else:
            return False
    return True


def _match_rest(patterns: list[Pattern], toks: list[Token], start: int) -> int | None:
    """End index (exclusive) of a phrase starting at `start`, one stray word allowed
    between two of its words; None when the phrase is not there."""
    pos = start + 1
    for pattern in patterns[1:]:
        for j in (pos, pos + 1):
            if j < len(toks) and pattern.matches(toks[j]):
                pos = j + 1
                break
        else:
            return None
    return pos


def _qualified_senses(
    word: Ambiguous, toks: list[Token], i: int, owner: dict[int, str]
) -> list[tuple[Sense, float]]:
    """Senses of the look-alike at `i` in its sentence. The word right after it (French
    "réseau d'eau", "filtre à sable", "cellule souche") or right before it (English "water
    network", "sand filter", "stem cell") qualifies it and decides alone; otherwise the
    sentence's words vote. A word inside a term of one of the senses votes for that sense
    only ("courante" in "eau courante" speaks of water, not of electric current)."""
    areas = {sense.area for sense in word.senses}
    for j in (i + 1, i - 1):
        if 0 <= j < len(toks):
            near = [s for s in word.senses if _votes(s, toks[j], owner.get(j), areas)]
            if near:
                return [(sense, 1.0) for sense in near]
    others = [(t, owner.get(j)) for j, t in enumerate(toks) if j != i]
    return _best_senses(word, others)


def _votes(sense: Sense, tok: Token, term_area: str | None, areas: set[str]) -> bool:
    if term_area in areas and term_area != sense.area:
        return False
    return sense.context.matches(tok)


def _best_senses(
    word: Ambiguous, context: list[tuple[Token, str | None]]
) -> list[tuple[Sense, float]]:
    """The senses whose context words occur, each with its share of the best one (a text
    may speak of two senses; the weaker keeps a proportionate weight)."""
    areas = {sense.area for sense in word.senses}
    scored = []
    for sense in word.senses:
        hits = sum(1 for t, area in context if _votes(sense, t, area, areas))
        if hits:
            scored.append((sense, min(hits, 5)))
    if not scored:
        return []
    best = max(h for _, h in scored)
    return [(sense, h / best) for sense, h in scored if h / best >= 0.3]


@cache
def load() -> Lexicon:
    """The lexicon of the data files (loaded once per process)."""
    lexicon = Lexicon()
    for path in sorted(DATA_DIR.glob("*.toml")):
        with path.open("rb") as f:
            data = tomllib.load(f)
        for area_id, spec in data.get("areas", {}).items():
            lexicon.add_area(area_id, spec)
        for spec in data.get("ambiguous", []):
            lexicon.add_ambiguous(spec)
    lexicon.check()
    return lexicon
