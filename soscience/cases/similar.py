"""Similar past work for a need: closed missions and published cases whose title and problem
share words with the need's.

The score is the cosine of binary tf-idf vectors over stemmed words (French and English
Snowball stems, accents folded, grammar words dropped: the matching engine's tokenizer), so a
word that few past missions use weighs more than one they all use; sharing a domain with the
need adds a bonus. It is computed in Python, identically on SQLite and PostgreSQL, over a
bounded set: the MAX_MISSIONS most recently closed missions and the MAX_CASES most recently
published cases, each text cut at MAX_TEXT characters. That keeps a need's page fast
whatever the size of the history; older work drops out of the suggestions first.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch

from soscience.cases.access import public_cases
from soscience.cases.models import Case
from soscience.core.models import Domain
from soscience.matching.engine.text import lexical_key, tokens
from soscience.missions.models import Mission
from soscience.needs.models import Need

MAX_MISSIONS = 200
MAX_CASES = 200
MAX_TEXT = 3000
SHOWN = 5
# Below this cosine the overlap is a word or two of little weight: not worth a reader's time.
MIN_TEXT_SCORE = 0.08
DOMAIN_BONUS = 0.1
# How many shared words are named to explain a suggestion.
WHY_WORDS = 5
_WORD = re.compile(r"[^\W_]+")


@dataclass
class Candidate:
    """One piece of past work: a published case, or (for coordinators) a closed mission."""

    kind: str  # "case" or "mission"
    title: str
    text: str
    domains: list[Domain]
    case: Case | None = None
    mission: Mission | None = None


@dataclass
class Similar:
    candidate: Candidate
    score: float
    words: list[str] = field(default_factory=list)  # shared words, as the need writes them
    domains: list[Domain] = field(default_factory=list)  # shared domains


def _bag(text: str) -> set[str]:
    """The stem keys of the content words of ``text``."""
    return {lexical_key(tok) for tok in tokens(text[:MAX_TEXT])}


def _query_words(text: str) -> dict[str, str]:
    """Stem key -> the first word of the need that gave it, lower case as the need writes it
    (accents kept), to name it to the reader."""
    words: dict[str, str] = {}
    for word in _WORD.findall(text[:MAX_TEXT].lower()):
        for tok in tokens(word):
            words.setdefault(lexical_key(tok), word)
    return words


def rank(query: str, query_domains: Iterable[Domain], candidates: Sequence[Candidate],
         *, top: int = SHOWN) -> list[Similar]:  # fmt: skip
    """The ``top`` candidates most similar to ``query``, best first, with why. A candidate
    shares at least one word with the query and passes MIN_TEXT_SCORE: a shared domain
    alone does not make past work similar."""
    wanted = _query_words(query)
    if not wanted or not candidates:
        return []
    bags = [_bag(c.text) for c in candidates]
    df = Counter(key for bag in bags for key in bag)
    n = len(candidates) + 1  # the query counts as a document: no word has a zero weight
    idf = {key: math.log((1 + n) / (1 + df[key] + 1)) + 1 for key in {*wanted, *df}}
    query_norm = math.sqrt(sum(idf[k] ** 2 for k in wanted))
    domain_ids = {d.pk for d in query_domains}
    found = []
    for candidate, bag in zip(candidates, bags, strict=True):
        shared = wanted.keys() & bag
        if not shared:
            continue
        norm = math.sqrt(sum(idf[k] ** 2 for k in bag))
        text_score = sum(idf[k] ** 2 for k in shared) / (query_norm * norm)
        if text_score < MIN_TEXT_SCORE:
            continue
        same = [d for d in candidate.domains if d.pk in domain_ids]
        words = sorted(shared, key=lambda k: (-idf[k], wanted[k]))[:WHY_WORDS]
        score = text_score + (DOMAIN_BONUS if same else 0.0)
        found.append(Similar(candidate, score, [wanted[k] for k in words], same))
    found.sort(key=lambda s: (-s.score, s.candidate.title))
    return found[:top]


def _text(title: str, problem: str) -> str:
    return f"{title}\n{problem[:MAX_TEXT]}"


def _case_candidates(need: Need) -> list[Candidate]:
    cases = (
        public_cases()
        .exclude(mission__need=need)
        .select_related("mission")
        .prefetch_related(Prefetch("mission__domains"))
        .only("pk", "slug", "title", "problem", "mission__id", "mission__need_id")
        .order_by("-published_at", "-pk")[:MAX_CASES]
    )
    return [
        Candidate(kind="case", title=c.title, text=_text(c.title, c.problem),
                  domains=list(c.mission.domains.all()), case=c, mission=c.mission)
        for c in cases
    ]  # fmt: skip


def _mission_candidates(need: Need, exclude: set[int]) -> list[Candidate]:
    missions = (
        Mission.objects.filter(status=Mission.Status.CLOSED)
        .exclude(need=need)
        .exclude(pk__in=exclude)
        .prefetch_related("domains")
        .only("pk", "title", "problem", "need_id", "closed_at")
        .order_by("-closed_at", "-pk")[:MAX_MISSIONS]
    )
    return [
        Candidate(kind="mission", title=m.title, text=_text(m.title, m.problem),
                  domains=list(m.domains.all()), mission=m)
        for m in missions
    ]  # fmt: skip


def similar_past_work(need: Need, *, include_missions: bool) -> list[Similar]:
    """At most SHOWN pieces of past work like ``need``: published cases for anyone who
    sees the need; closed missions too when ``include_missions`` (coordinators). A mission
    with a published case appears once, as its case. The need's own missions never do."""
    candidates = _case_candidates(need)
    if include_missions:
        with_case = {c.mission.pk for c in candidates if c.mission is not None}
        candidates += _mission_candidates(need, with_case)
    return rank(_text(need.title, need.problem), need.domains.all(), candidates)
