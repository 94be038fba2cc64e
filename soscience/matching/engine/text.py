"""Text normalisation shared by the lexicon, the profiles and the lexical index.

Words are lower-cased, accent-folded and reduced to *keys*: the French and the English
Snowball stems of the word (often the same). A lexicon word matches a text word when they
share a key, so "filtres", "filtre" and "filters" meet without knowing the text's language.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_FR = snowballstemmer.stemmer("french")
_EN = snowballstemmer.stemmer("english")

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SENTENCE_END = re.compile("(?<=[.!?;:])\\s+|\n+|\\s[\u2013\u2014-]\\s")
_APOSTROPHES = str.maketrans({"\u2019": "'", "`": "'", "\u02bc": "'"})

# Grammar words of both languages. Domain words (eau, water, sol, ...) never go here.
_STOPWORDS_TEXT = """
a au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur
leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui quoi sa
se ses sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y est sont ont avons
etre avoir ete fait faire fais plus tres tout tous toute toutes bien aussi comme si sans sous
chez entre donc alors car puis ni ici la-bas deja encore peu beaucoup trop moins autre autres
quelque quelques chaque cela ceci ca celui celle ceux celles dont ou lorsque quand depuis
pendant avant apres vers selon afin ainsi peut peuvent pourrait voudrait voudrions veut
voulons faut fois etc suis es sommes etes etait etaient sera seront serait ai as avait avez
the of and to in for on with at by from is are was were be been being an or as it its this
that these those we our ours us you your yours i my me mine he she they them their theirs
him her his have has had having do does did doing not no but so if can could will would
shall should may might must just very also about into over under than then there here
what which who whom whose when where why how all any each few more most other some such
only own same too s t don now am out up down again further once both between through
during before after above below while because until against per via etc
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# Kept as words although grammatical: cues need them ("sans électricité", "no signal").
_NEGATIONS_TEXT = "sans without pas no not aucun aucune jamais never ni"
NEGATIONS = frozenset(_NEGATIONS_TEXT.split())

_FR_TEXT = "le la les des du une est sont nous notre nos vous avec pour dans sur qui que pas on et"
_EN_TEXT = "the and of to is are we our you with for in on that this not my i it be have has was"
_FR_HINTS = frozenset([*_FR_TEXT.split(), "au", "aux", "je", "mon", "mes", "mais", "tres"])
_EN_HINTS = frozenset([*_EN_TEXT.split(), "from"])


class _FoldTable(dict):
    """str.translate table filled on demand: each character once, without its accents."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        self[code] = "".join(c for c in decomposed if not unicodedata.combining(c))
        return self[code]


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents ("Sécher" -> "secher")."""
    lowered = text.lower()
    return lowered if lowered.isascii() else lowered.translate(_FOLD)


@lru_cache(maxsize=200_000)
def word_keys(word: str) -> tuple[str, ...]:
    """The comparison keys of one lower-case word: its folded FR and EN stems."""
    folded = fold(word)
    fr = fold(_FR.stemWord(word))
    en = fold(_EN.stemWord(folded))
    return (fr,) if fr == en else (fr, en)


@lru_cache(maxsize=200_000)
def _is_content(folded: str) -> bool:
    if folded in NEGATIONS:
        return True
    if folded in STOPWORDS:
        return False
    # A lone letter is an elided article ("l'", "d'") or a list bullet, never a skill.
    return len(folded) > 1 or folded.isdigit()


class Token:
    """One content word of a text: its folded form (for prefixes) and its stem keys."""

    __slots__ = ("folded", "keys")

    def __init__(self, folded: str, keys: tuple[str, ...]) -> None:
        self.folded = folded
        self.keys = keys

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Token({self.folded!r})"


@lru_cache(maxsize=200_000)
def _token(word: str) -> Token | None:
    folded = fold(word)
    if not _is_content(folded):
        return None
    return Token(folded, word_keys(word))


_LETTER_HYPHEN = re.compile(r"\b([^\W\d_])-(?=[^\W\d_]{2})")


def tokens(text: str) -> list[Token]:
    """Content words of `text`, stopwords and elisions removed. A one-letter prefix stays
    on its word ("e-waste" -> "ewaste"), else "e-waste" would read as "waste"."""
    text = _LETTER_HYPHEN.sub(r"\1", text.lower().translate(_APOSTROPHES))
    out = []
    for word in _WORD.findall(text):
        tok = _token(word)
        if tok is not None:
            out.append(tok)
    return out


def sentences(text: str) -> list[str]:
    """Split prose into sentences (and a title or a label into itself)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def lexical_key(tok: Token) -> str:
    """One key per word for the bag-of-words index: the shortest stem."""
    return min(tok.keys, key=len)


def detect_language(text: str) -> str | None:
    """'fr' or 'en' from grammar words (good enough for the wording of reasons), None
    when the text does not tell."""
    words = _WORD.findall(fold(text.translate(_APOSTROPHES)))
    fr = sum(1 for w in words if w in _FR_HINTS)
    en = sum(1 for w in words if w in _EN_HINTS)
    if fr == en:
        return None
    return "en" if en > fr else "fr"
