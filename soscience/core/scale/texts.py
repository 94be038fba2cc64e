"""The long texts of needs and mission orders, made again from the mission's id whenever
they are needed (the mission row, its order versions) instead of being kept in memory."""

from __future__ import annotations

import random
from dataclasses import dataclass

from soscience.core.scale import phrases
from soscience.core.scale.common import FastRandom, mix, paragraph, person_name
from soscience.core.scale.plan import MissionPlan, NeedPlan
from soscience.core.scale.world import NAMED, World


@dataclass(frozen=True)
class OrderTexts:
    context: str
    problem: str
    objectives: str
    deliverables: str
    out_of_scope: str


def _topic(world: World, domain: int, index: int) -> tuple[str, str]:
    topics = phrases.TOPICS.get(world.domains[domain][1]) or phrases.TOPICS["data"]
    return topics[index % len(topics)]


def _bullets(rng: random.Random, pairs: tuple[tuple[str, str], ...], english: bool, k: int) -> str:
    chosen = rng.sample(pairs, min(k, len(pairs)))
    return "\n".join(f"- {pair[1 if english else 0]}" for pair in chosen)


def order_texts(world: World, m: MissionPlan) -> OrderTexts:
    rng = FastRandom(mix(m.id, world.seed))
    en = m.english
    topic = _topic(world, m.domains[0], m.topic)
    beneficiary = phrases.BENEFICIARIES[mix(m.id, world.seed + 3) % len(phrases.BENEFICIARIES)]
    if en:
        context = (
            f"{m.org.name} works with {beneficiary[1]} in and around {m.city}. "
            f"The work is about {topic[1]}. "
        )
        problem = f"We need help with {topic[1]}. "
    else:
        context = (
            f"{m.org.name} travaille avec {beneficiary[0]} à {m.city} et alentour. "
            f"Le sujet : {topic[0]}. "
        )
        problem = f"Nous avons besoin d'aide pour {topic[0]}. "
    context += paragraph(rng, phrases.CONSTRAINTS, en, 2)
    problem += paragraph(rng, phrases.ISSUES, en, 2)
    return OrderTexts(
        context=context,
        problem=problem,
        objectives=_bullets(rng, phrases.OBJECTIVES, en, rng.randint(2, 3)),
        deliverables=_bullets(rng, phrases.DELIVERABLES, en, rng.randint(1, 3)),
        out_of_scope=_bullets(rng, phrases.OUT_OF_SCOPE, en, 1),
    )


def need_texts(world: World, need: NeedPlan) -> tuple[str, str, str]:
    """(problem, context, desired outcome) in the organisation's own words."""
    rng = FastRandom(mix(need.id, world.seed + 5))
    en = need.english
    problem = paragraph(rng, phrases.ISSUES, en, 2)
    context = paragraph(rng, phrases.CONSTRAINTS, en, 1)
    outcome = paragraph(rng, phrases.OBJECTIVES, en, 1)
    return problem, context, outcome


def display_name(world: World, uid: int) -> str:
    """The full name generated for ``uid`` (the named accounts have their own)."""
    for email, named_uid in world.named.items():
        if named_uid == uid:
            return NAMED[email]
    return person_name(uid, world.seed)
