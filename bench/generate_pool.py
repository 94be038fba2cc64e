"""Synthetic pool of volunteers for the matching benchmark (seeded, reproducible).

    .venv/bin/python bench/generate_pool.py --size 100000 --seed 7 > pool.jsonl

Each volunteer gets one to three skill areas of the engine's lexicon, skill labels drawn
from that area's French and English terms with a level, a bio in French or English made of
varied sentences around those terms, a campus, languages, a location and one or two
availability windows. Some have no skills, some no availability (the engine must cope).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from soscience.matching.engine.lexicon import load

CAMPUSES = [
    ("ESPCI Paris - PSL", "FR", "Paris"), ("Mines Paris - PSL", "FR", "Paris"),
    ("ESTP Paris", "FR", "Cachan"), ("AgroParisTech", "FR", "Palaiseau"),
    ("Télécom Paris", "FR", "Palaiseau"), ("Arts et Métiers", "FR", "Angers"),
    ("INSA Lyon", "FR", "Lyon"), ("Université Paris-Saclay", "FR", "Orsay"),
    ("Institut 2iE", "BF", "Ouagadougou"), ("UCAD", "SN", "Dakar"),
    ("UP Diliman", "PH", "Quezon City"), ("Université d'Abomey-Calavi", "BJ", "Abomey-Calavi"),
    ("École Polytechnique de Thiès", "SN", "Thiès"), ("Université de Lomé", "TG", "Lomé"),
]  # fmt: skip
EXTRA_LANGUAGES = ["es", "pt", "de", "ar", "wo", "mos", "tl", "hi", "mg", "ht"]
NAMES = ["Awa", "Hugo", "Chloé", "Moussa", "Priya", "Tiago", "Nadia", "Jomar", "Léa", "Ibrahima"]

SENTENCES = {
    "fr": {
        3: ["Ma thèse porte sur {a} et {b}.", "Je suis chercheuse en {a} depuis huit ans.",
            "Mes travaux portent sur {a}, en particulier {b}."],
        2: ["J'ai fait mon stage en {a}.", "J'ai travaillé sur {a} et {b} pendant un projet.",
            "Je me débrouille en {a}."],
        1: ["J'ai quelques notions de {a}.", "J'ai suivi un cours d'initiation en {a}.",
            "Je débute en {a} : un module à l'école."],
    },
    "en": {
        3: ["My thesis was on {a} and {b}.", "I have worked on {a} for eight years.",
            "My research is on {a}, especially {b}."],
        2: ["I did my internship in {a}.", "I worked on {a} and {b} during a project.",
            "I am reasonably comfortable with {a}."],
        1: ["I have some notions of {a}.", "I took an introductory course in {a}.",
            "I am new to {a}: one module at school."],
    },
}  # fmt: skip
FILLER = {
    "fr": ["Je préfère travailler à distance.", "Disponible surtout le soir.",
           "J'aime les solutions low-tech et réparables.", "Je réponds vite sur WhatsApp."],
    "en": ["I prefer remote work.", "Mostly available in the evenings.",
           "I like low-tech, repairable solutions.", "I reply quickly by email."],
}  # fmt: skip


def _terms_by_area() -> dict[str, list[str]]:
    lexicon = load()
    terms: dict[str, list[str]] = {}
    for term in lexicon.terms:
        if term.weight >= 0.7 and "*" not in term.text and len(term.text) > 3:
            terms.setdefault(term.area, []).append(term.text)
    return {area: words for area, words in terms.items() if len(words) >= 3}


def _windows(rng: random.Random) -> list[dict]:
    out = []
    for _ in range(rng.choice([1, 1, 2])):
        start = dt.date(2025, 9, 1) + dt.timedelta(days=rng.randrange(0, 300))
        end = start + dt.timedelta(days=rng.randrange(30, 300))
        out.append({"start": start.isoformat(), "end": end.isoformat(),
                    "hours_per_week": rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12])})  # fmt: skip
    return out


def volunteers(size: int, seed: int) -> Iterator[dict]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    terms = _terms_by_area()
    areas = sorted(terms)
    for number in range(1, size + 1):
        lang = rng.choice(["fr", "fr", "en"])
        kind = "researcher" if rng.random() < 0.25 else "student"
        campus, country, city = rng.choice(CAMPUSES)
        skills, sentences = [], []
        for area in rng.sample(areas, rng.choice([1, 1, 2, 3])):
            level = rng.choice([1, 2, 2, 3, 3])
            a, b = rng.sample(terms[area], 2)
            skills.append({"label": a, "level": level})
            if rng.random() < 0.5:
                skills.append({"label": b, "level": max(1, level - 1)})
            sentences.append(rng.choice(SENTENCES[lang][level]).format(a=a, b=b))
        if rng.random() < 0.03:
            skills = []  # some people write a bio and declare nothing
        intro = (
            f"Je m'appelle {rng.choice(NAMES)}, je suis à {campus}."
            if lang == "fr"
            else f"I'm {rng.choice(NAMES)}, at {campus}."
        )
        bio = " ".join([intro, *sentences, rng.choice(FILLER[lang])])
        languages = [lang] + (["en" if lang == "fr" else "fr"] if rng.random() < 0.6 else [])
        if rng.random() < 0.3:
            languages.append(rng.choice(EXTRA_LANGUAGES))
        yield {
            "id": f"b{number:06d}", "kind": kind, "campus": campus, "program": "",
            "year": None if kind == "researcher" else rng.randint(1, 5), "bio": bio,
            "skills": skills, "domains": [], "languages": languages,
            "location": {"country": country, "city": city},
            "available": [] if rng.random() < 0.02 else _windows(rng),
            "active_missions": rng.randint(0, 2),
        }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    out = sys.stdout
    for volunteer in volunteers(arguments.size, arguments.seed):
        out.write(json.dumps(volunteer, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
