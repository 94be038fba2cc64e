"""Needs and volunteers as the engine sees them, with strict parsing of the JSON formats of
the benchmark (`../shared/matching/README.md`) plus the few fields the platform adds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class InputError(ValueError):
    """A need or a volunteer that cannot be read; the message says which field and why."""


@dataclass(frozen=True, slots=True)
class Window:
    """A period of availability (or, in `Volunteer.busy`, of an accepted mission)."""

    start: dt.date
    end: dt.date
    hours_per_week: float


@dataclass(frozen=True, slots=True)
class Location:
    country: str = ""  # ISO 3166-1 alpha-2, upper case
    city: str = ""


@dataclass(frozen=True, slots=True)
class Skill:
    label: str
    level: int  # 1 notions, 2 practised, 3 expert
    slug: str = ""  # the platform's taxonomy entry, when known


@dataclass(frozen=True, slots=True)
class Need:
    id: str
    title: str
    description: str
    languages: tuple[str, ...]
    start: dt.date
    end: dt.date
    hours_per_week: float
    skills: tuple[str, ...] = ()
    remote: bool = True
    location: Location = field(default_factory=Location)
    team_size: int = 1
    domains: tuple[str, ...] = ()  # platform extra: the mission's domains
    organisation: str = ""  # platform extra


@dataclass(frozen=True, slots=True)
class Volunteer:
    id: str
    kind: str = "student"  # "student" or "researcher"
    campus: str = ""
    program: str = ""
    year: int | None = None
    bio: str = ""
    skills: tuple[Skill, ...] = ()
    domains: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    location: Location = field(default_factory=Location)
    available: tuple[Window, ...] = ()
    active_missions: int = 0
    name: str = ""  # platform extra
    busy: tuple[Window, ...] = ()  # platform extra: periods of missions already accepted


NEED_FIELDS = {
    "id", "title", "description", "skills", "languages", "remote", "location", "start", "end",
    "hours_per_week", "team_size", "domains", "organisation",
}  # fmt: skip
VOLUNTEER_FIELDS = {
    "id", "kind", "campus", "program", "year", "bio", "skills", "domains", "languages",
    "location", "available", "active_missions", "name", "busy",
}  # fmt: skip


def _fail(what: str, message: str) -> InputError:
    return InputError(f"{what}: {message}")


def _str(data: Mapping[str, Any], key: str, what: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if value is None and default is None:
        raise _fail(what, f"field {key!r} is required")
    if not isinstance(value, str):
        raise _fail(what, f"field {key!r} must be a string")
    return value


def _strings(data: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(what, f"field {key!r} must be a list of strings")
    return tuple(value)


def _number(value: Any, key: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _fail(what, f"field {key!r} must be a number >= 0")
    return float(value)


def _date(value: Any, key: str, what: str) -> dt.date:
    if not isinstance(value, str):
        raise _fail(what, f"field {key!r} must be a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(what, f"field {key!r} is not a date YYYY-MM-DD: {value!r}") from None


def _location(value: Any, what: str) -> Location:
    if value is None:
        return Location()
    if not isinstance(value, dict) or set(value) - {"country", "city"}:
        raise _fail(what, "field 'location' must be {'country': ..., 'city': ...}")
    country, city = value.get("country") or "", value.get("city") or ""
    if not isinstance(country, str) or not isinstance(city, str):
        raise _fail(what, "location country and city must be strings")
    return Location(country.upper(), city)


def _windows(data: Mapping[str, Any], key: str, what: str) -> tuple[Window, ...]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise _fail(what, f"field {key!r} must be a list of windows")
    out = []
    for i, w in enumerate(value):
        where = f"{what}, {key}[{i}]"
        if not isinstance(w, dict):
            raise _fail(where, "must be {'start', 'end', 'hours_per_week'}")
        unknown = set(w) - {"start", "end", "hours_per_week"}
        if unknown:
            raise _fail(where, f"unknown field(s) {sorted(unknown)}")
        start, end = _date(w.get("start"), "start", where), _date(w.get("end"), "end", where)
        if end < start:
            raise _fail(where, "ends before it starts")
        out.append(Window(start, end, _number(w.get("hours_per_week", 0), "hours_per_week", where)))
    return tuple(out)


def _check_fields(data: Any, allowed: set[str], kind: str) -> str:
    """The object's name for messages ("need 'n01'"), once it is known to be an object
    with only known fields."""
    if not isinstance(data, dict):
        raise InputError(f"{kind}: expected a JSON object")
    what = f"{kind} {data['id']!r}" if isinstance(data.get("id"), str) else kind
    unknown = set(data) - allowed
    if unknown:
        raise _fail(what, f"unknown field(s) {sorted(unknown)}")
    return what


def need_from_dict(data: Any) -> Need:
    """A Need from its JSON object; InputError on unknown fields or wrong types."""
    what = _check_fields(data, NEED_FIELDS, "need")
    start, end = _date(data.get("start"), "start", what), _date(data.get("end"), "end", what)
    if end < start:
        raise _fail(what, "ends before it starts")
    team_size = data.get("team_size", 1)
    if isinstance(team_size, bool) or not isinstance(team_size, int) or team_size < 1:
        raise _fail(what, "field 'team_size' must be an integer >= 1")
    remote = data.get("remote", True)
    if not isinstance(remote, bool):
        raise _fail(what, "field 'remote' must be true or false")
    return Need(
        id=_str(data, "id", what),
        title=_str(data, "title", what, ""),
        description=_str(data, "description", what, ""),
        languages=_strings(data, "languages", what),
        start=start,
        end=end,
        hours_per_week=_number(data.get("hours_per_week", 0), "hours_per_week", what),
        skills=_strings(data, "skills", what),
        remote=remote,
        location=_location(data.get("location"), what),
        team_size=team_size,
        domains=_strings(data, "domains", what),
        organisation=_str(data, "organisation", what, ""),
    )


def _skills(data: Mapping[str, Any], what: str) -> tuple[Skill, ...]:
    value = data.get("skills") or []
    if not isinstance(value, list):
        raise _fail(what, "field 'skills' must be a list")
    out = []
    for i, s in enumerate(value):
        where = f"{what}, skills[{i}]"
        if not isinstance(s, dict) or set(s) - {"label", "level", "slug"}:
            raise _fail(where, "must be {'label': ..., 'level': 1|2|3}")
        level = s.get("level", 1)
        if isinstance(level, bool) or level not in (1, 2, 3):
            raise _fail(where, "level must be 1, 2 or 3")
        out.append(Skill(_str(s, "label", where), level, _str(s, "slug", where, "")))
    return tuple(out)


def volunteer_from_dict(data: Any) -> Volunteer:
    """A Volunteer from its JSON object; InputError on unknown fields or wrong types."""
    what = _check_fields(data, VOLUNTEER_FIELDS, "volunteer")
    kind = _str(data, "kind", what, "student")
    if kind not in ("student", "researcher"):
        raise _fail(what, "field 'kind' must be 'student' or 'researcher'")
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise _fail(what, "field 'year' must be an integer or null")
    return Volunteer(
        id=_str(data, "id", what),
        kind=kind,
        campus=_str(data, "campus", what, ""),
        program=_str(data, "program", what, ""),
        year=year,
        bio=_str(data, "bio", what, ""),
        skills=_skills(data, what),
        domains=_strings(data, "domains", what),
        languages=_strings(data, "languages", what),
        location=_location(data.get("location"), what),
        available=_windows(data, "available", what),
        active_missions=int(_number(data.get("active_missions", 0), "active_missions", what)),
        name=_str(data, "name", what, ""),
        busy=_windows(data, "busy", what),
    )
