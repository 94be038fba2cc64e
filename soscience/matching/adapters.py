"""From the database to the engine's plain dataclasses (the engine imports no Django).

Ids are strings: ``str(user.pk)`` for volunteers, ``str(mission.pk)`` for needs. Many
volunteers are read in a fixed number of queries (one per table, joined on the same
filter, streamed as tuples): building the index of 100,000 profiles costs five queries,
not one per profile.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from soscience.applications.models import TeamMember
from soscience.matching import engine
from soscience.missions.models import Mission, MissionSkill
from soscience.volunteers.models import Availability, VolunteerProfile, VolunteerSkill


def _labels(*names: str) -> tuple[str, ...]:
    """Both names of a taxonomy entry, once each (``Python`` is the same in both)."""
    return tuple(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def with_need_relations(missions: QuerySet[Mission]) -> QuerySet[Mission]:
    """``missions`` with what ``mission_to_need`` reads of them: the organisation, the
    skills (most needed first) and the domains (three queries in all)."""
    skills = MissionSkill.objects.select_related("skill").order_by("-level", "skill__slug")
    return missions.select_related("organisation").prefetch_related(
        Prefetch("skill_needs", queryset=skills), "domains"
    )


def mission_to_need(mission: Mission) -> engine.Need:
    """A mission as the engine reads it. Prefetch ``skill_needs__skill`` and ``domains``
    when converting many missions."""
    skills: tuple[str, ...] = ()
    for need in mission.skill_needs.all():
        skills += _labels(need.skill.name_fr, need.skill.name_en)
    text = (mission.context, mission.problem, mission.objectives, mission.deliverables)
    return engine.Need(
        id=str(mission.pk),
        title=mission.title,
        description="\n\n".join(part.strip() for part in text if part and part.strip()),
        languages=tuple(mission.languages or ()),
        start=mission.start_date,
        end=mission.end_date,
        hours_per_week=float(mission.hours_per_week),
        skills=tuple(dict.fromkeys(skills)),
        remote=mission.work_mode != Mission.WorkMode.ON_SITE,
        location=engine.Location(str(mission.country.code or "").upper(), mission.city),
        team_size=mission.team_size,
        # One label per domain: both would count the same field twice in what the need asks.
        domains=tuple(d.name_en for d in mission.domains.all()),
        organisation=mission.organisation.name if mission.organisation_id else "",
    )


NEED_FIELDS = (
    "pk", "title", "context", "problem", "objectives", "deliverables", "languages",
    "start_date", "end_date", "hours_per_week", "work_mode", "country", "city", "team_size",
)  # fmt: skip


def needs_where(mission_filter: Q, *extra: str) -> list[tuple[engine.Need, dict[str, Any]]]:
    """The missions matching ``mission_filter`` as ``mission_to_need`` reads them, ordered
    by id, each with its ``extra`` fields: three queries whatever their number, streamed
    as tuples (no model instances: 10,000 missions are read in a second, not ten)."""
    skills: defaultdict[int, tuple[str, ...]] = defaultdict(tuple)
    rows = (
        MissionSkill.objects.filter(_on("mission__", mission_filter))
        .order_by("mission_id", "-level", "skill__slug")
        .values_list("mission_id", "skill__name_fr", "skill__name_en")
    )
    for mission_id, name_fr, name_en in rows.iterator(chunk_size=5000):
        skills[mission_id] += _labels(name_fr, name_en)
    domains: defaultdict[int, list[str]] = defaultdict(list)
    links = (
        Mission.domains.through.objects.filter(_on("mission__", mission_filter))
        .order_by("mission_id", "domain__position", "domain__slug")  # Domain's own order
        .values_list("mission_id", "domain__name_en")
    )
    for mission_id, name_en in links.iterator(chunk_size=5000):
        domains[mission_id].append(name_en)
    missions = (
        Mission.objects.filter(mission_filter)
        .order_by("pk")
        .values(*NEED_FIELDS, *extra, organisation_name=F("organisation__name"))
    )
    return [
        (_need(row, skills.get(row["pk"], ()), domains.get(row["pk"], [])), row)
        for row in missions.iterator(chunk_size=2000)
    ]


def _need(row: dict[str, Any], skills: tuple[str, ...], domains: list[str]) -> engine.Need:
    """``mission_to_need`` from a mission's NEED_FIELDS and ``organisation_name``."""
    text = (row["context"], row["problem"], row["objectives"], row["deliverables"])
    return engine.Need(
        id=str(row["pk"]),
        title=row["title"],
        description="\n\n".join(part.strip() for part in text if part and part.strip()),
        languages=tuple(row["languages"] or ()),
        start=row["start_date"],
        end=row["end_date"],
        hours_per_week=float(row["hours_per_week"]),
        skills=tuple(dict.fromkeys(skills)),
        remote=row["work_mode"] != Mission.WorkMode.ON_SITE,
        location=engine.Location(str(row["country"] or "").upper(), row["city"]),
        team_size=row["team_size"],
        domains=tuple(domains),
        organisation=row["organisation_name"] or "",
    )


# Volunteers.


def matchable() -> Q:
    """Profiles the engine may read: consent to matching given (GDPR), account active."""
    return Q(consent_matching_at__isnull=False, user__is_active=True)


@dataclass
class _Parts:
    """What the related tables say about one volunteer, gathered before building it."""

    skills: list[engine.Skill] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    available: list[engine.Window] = field(default_factory=list)
    busy: list[engine.Window] = field(default_factory=list)


def _skill(name_fr: str, name_en: str, slug: str, level: int) -> list[engine.Skill]:
    # Both names, the same level: the engine keeps the better evidence per area.
    return [engine.Skill(label, int(level), slug) for label in _labels(name_fr, name_en)]


def _busy_places(user_filter: Q) -> Iterator[tuple[int, dt.date, dt.date, int]]:
    """(user id, start, end, hours) of the teams these users are on, current or future."""
    return (
        TeamMember.objects.filter(user_filter, mission__end_date__gte=timezone.localdate())
        .exclude(mission__status=Mission.Status.CANCELLED)
        .order_by("mission__start_date", "pk")
        .values_list(
            "volunteer_id", "mission__start_date", "mission__end_date", "mission__hours_per_week"
        )
        .iterator(chunk_size=5000)
    )


def volunteers_where(profile_filter: Q) -> list[engine.Volunteer]:
    """The volunteers whose profile matches ``profile_filter``, in five queries whatever
    their number, ordered by user id (a stable pool)."""
    parts: defaultdict[int, _Parts] = defaultdict(_Parts)
    skills = (
        VolunteerSkill.objects.filter(_on("profile__", profile_filter))
        .order_by("profile_id", "-level", "skill__slug")
        .values_list("profile_id", "skill__name_fr", "skill__name_en", "skill__slug", "level")
    )
    for profile_id, name_fr, name_en, slug, level in skills.iterator(chunk_size=5000):
        parts[profile_id].skills += _skill(name_fr, name_en, slug, level)
    through = VolunteerProfile.domains.through
    domains = (
        through.objects.filter(_on("volunteerprofile__", profile_filter))
        .order_by("volunteerprofile_id", "domain__position", "domain__slug")
        .values_list("volunteerprofile_id", "domain__name_fr", "domain__name_en")
    )
    for profile_id, name_fr, name_en in domains.iterator(chunk_size=5000):
        parts[profile_id].domains += _labels(name_fr, name_en)
    windows = (
        Availability.objects.filter(_on("profile__", profile_filter))
        .order_by("profile_id", "start")
        .values_list("profile_id", "start", "end", "hours_per_week")
    )
    for profile_id, start, end, hours in windows.iterator(chunk_size=5000):
        parts[profile_id].available.append(engine.Window(start, end, float(hours)))
    busy: defaultdict[int, list[engine.Window]] = defaultdict(list)
    for user_id, start, end, hours in _busy_places(
        _on("volunteer__volunteer_profile__", profile_filter)
    ):
        busy[user_id].append(engine.Window(start, end, float(hours)))
    rows = (
        VolunteerProfile.objects.filter(profile_filter)
        .order_by("user_id")
        .values(*PROFILE_FIELDS, name=F("user__full_name"), campus_name=F("campus__name"))
    )
    out = []
    for row in rows.iterator(chunk_size=5000):
        found = parts.pop(row["pk"], _Parts())
        found.busy = busy.get(row["user_id"], [])
        out.append(_volunteer(row, found))
    return out


def _on(prefix: str, profile_filter: Q) -> Q:
    """``profile_filter`` (written for VolunteerProfile) applied through a relation."""
    q = Q.create([], connector=profile_filter.connector, negated=profile_filter.negated)
    for child in profile_filter.children:
        if isinstance(child, Q):
            q.children.append(_on(prefix, child))
        else:
            key, value = child
            q.children.append((prefix + key, value))
    return q


PROFILE_FIELDS = (
    "pk", "user_id", "kind", "programme", "year", "bio", "languages", "country", "city",
)  # fmt: skip


def _volunteer(row: dict[str, Any], parts: _Parts) -> engine.Volunteer:
    """``row``: the profile's PROFILE_FIELDS, plus ``name`` and ``campus_name``."""
    kind = row["kind"]
    return engine.Volunteer(
        id=str(row["user_id"]),
        kind=kind if kind in ("student", "researcher") else "student",
        campus=row["campus_name"] or "",
        program=row["programme"],
        year=row["year"],
        bio=row["bio"],
        skills=tuple(parts.skills),
        domains=tuple(parts.domains),
        languages=tuple(row["languages"] or ()),
        location=engine.Location(str(row["country"] or "").upper(), row["city"]),
        available=tuple(parts.available),
        active_missions=len(parts.busy),
        name=row["name"],
        busy=tuple(parts.busy),
    )


def profile_to_volunteer(profile: VolunteerProfile) -> engine.Volunteer:
    """One profile as the engine reads it (prefetch ``skills__skill``, ``domains`` and
    ``availabilities``, select ``user`` and ``campus``; the busy periods cost one query)."""
    parts = _Parts()
    # The same order as ``volunteers_where``: on equal evidence the engine names the first.
    for vs in sorted(profile.skills.all(), key=lambda vs: (-vs.level, vs.skill.slug)):
        parts.skills += _skill(vs.skill.name_fr, vs.skill.name_en, vs.skill.slug, vs.level)
    for domain in profile.domains.all():
        parts.domains += _labels(domain.name_fr, domain.name_en)
    for window in profile.availabilities.all():
        parts.available.append(
            engine.Window(window.start, window.end, float(window.hours_per_week))
        )
    parts.busy = [
        engine.Window(start, end, float(hours))
        for _user, start, end, hours in _busy_places(Q(volunteer_id=profile.user_id))
    ]
    row = {
        "pk": profile.pk, "user_id": profile.user_id, "kind": profile.kind,
        "programme": profile.programme, "year": profile.year, "bio": profile.bio,
        "languages": profile.languages, "country": str(profile.country.code or ""),
        "city": profile.city, "name": profile.user.full_name,
        "campus_name": profile.campus.name if profile.campus else "",
    }  # fmt: skip
    return _volunteer(row, parts)
