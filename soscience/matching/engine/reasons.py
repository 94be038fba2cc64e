"""Reasons and gaps a coordinator can read, in English or French (the reader's language
when the caller gives it, else the need's).

The engine imports no Django, so these few phrases are translated here; the Django side
may also rebuild its own wording from the structured fields of `Ranked` and `Team`."""

from __future__ import annotations

from .index import window_fits
from .lexicon import load
from .model import Need, Volunteer
from .profiles import LEVEL_VALUE, Evidence

LANGUAGES = {
    "fr": ("French", "français"), "en": ("English", "anglais"), "es": ("Spanish", "espagnol"),
    "pt": ("Portuguese", "portugais"), "de": ("German", "allemand"), "it": ("Italian", "italien"),
    "ar": ("Arabic", "arabe"), "wo": ("Wolof", "wolof"), "mos": ("Mooré", "mooré"),
    "tl": ("Tagalog", "tagalog"), "hi": ("Hindi", "hindi"), "qu": ("Quechua", "quechua"),
    "mg": ("Malagasy", "malgache"), "ht": ("Haitian Creole", "créole haïtien"),
    "sw": ("Swahili", "swahili"), "bm": ("Bambara", "bambara"), "ff": ("Fula", "peul"),
    "ln": ("Lingala", "lingala"), "zh": ("Chinese", "chinois"), "ru": ("Russian", "russe"),
}  # fmt: skip

_TEXT = {
    "area": ("{area}, level {level}", "{area}, niveau {level}"),
    "area_from": ("{area}, level {level} ({source})", "{area}, niveau {level} ({source})"),
    "adjacent": (
        "{area}, level {level}, adjacent to {other}",
        "{area}, niveau {level}, proche de\u00a0: {other}",
    ),
    "bio": ("from the bio", "d'après la présentation"),
    "partial": ("{reason}, in part", "{reason}, en partie"),
    "domain": ("interest", "centre d'intérêt"),
    "programme": ("studies", "études"),
    "hours": ("available {have} h/week of {need} needed", "disponible {have} h/semaine sur {need}"),
    "speaks": ("speaks {languages}", "parle {languages}"),
    "based": ("based in {place}", "sur place\u00a0: {place}"),
    "researcher": ("researcher", "chercheur ou chercheuse"),
    "busy": (
        "already on a mission from {start} to {end}",
        "déjà en mission du {start} au {end}",
    ),
    "gap": ("does not cover: {areas}", "ne couvre pas\u00a0: {areas}"),
    "gap_partly": ("only partly covers: {areas}", "ne couvre qu'en partie\u00a0: {areas}"),
    "nobody": ("no one here covers: {areas}", "personne ici ne couvre\u00a0: {areas}"),
    "no_skills": ("no skills declared", "aucune compétence déclarée"),
    "words": ("related words in the profile", "vocabulaire proche dans le profil"),
    "advisor": ("researcher who can advise on {area}", "chercheur·se pouvant conseiller en {area}"),
}


def say(key: str, lang: str, **values: object) -> str:
    english, french = _TEXT[key]
    return (french if lang == "fr" else english).format(**values)


def area_label(area: str, lang: str) -> str:
    return load().areas[area].label(lang)


def language_names(codes: list[str], lang: str) -> str:
    names = [LANGUAGES.get(c, (c, c))[1 if lang == "fr" else 0] for c in codes]
    joiner = " et " if lang == "fr" else " and "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + joiner + names[-1]


def _hours(value: float) -> str:
    return f"{value:g}"


def area_reason(ev: Evidence, lang: str, via: str | None) -> str:
    """ "drinking-water treatment, level 3 (potabilisation)"; "..., in part" when the
    evidence only touches the area (a solar dryer is some solar thermal, not all of it)."""
    label = area_label(ev.area, lang)
    if via:
        reason = say("adjacent", lang, area=label, level=ev.level, other=area_label(via, lang))
    elif ev.source in ("bio", "domain", "programme"):
        reason = say("area_from", lang, area=label, level=ev.level, source=say(ev.source, lang))
    elif ev.source.casefold() != label.casefold():
        reason = say("area_from", lang, area=label, level=ev.level, source=ev.source)
    else:
        reason = say("area", lang, area=label, level=ev.level)
    partial = ev.source not in ("domain", "programme") and ev.value < LEVEL_VALUE[ev.level] - 1e-6
    return say("partial", lang, reason=reason) if partial and not via else reason


def practical_reasons(volunteer: Volunteer, need: Need, lang: str) -> list[str]:
    """Availability, languages, place and status, the facts behind eligibility."""
    out = []
    fitting = [w for w in volunteer.available if window_fits(w, need)]
    if fitting:
        have = max(w.hours_per_week for w in fitting)
        out.append(say("hours", lang, have=_hours(have), need=_hours(need.hours_per_week)))
    shared = [c for c in need.languages if c in volunteer.languages]
    if shared:
        out.append(say("speaks", lang, languages=language_names(shared, lang)))
    if not need.remote:
        place = volunteer.location.city or volunteer.location.country
        out.append(say("based", lang, place=place))
    for busy in volunteer.busy:
        if busy.start <= need.end and need.start <= busy.end:
            out.append(say("busy", lang, start=busy.start.isoformat(), end=busy.end.isoformat()))
    if volunteer.kind == "researcher":
        out.append(say("researcher", lang))
    return out
