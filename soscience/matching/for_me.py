"""Missions for a volunteer: the published missions offered to them, ranked for their
profile with the reasons, in a fixed number of queries whatever the number of missions.

With the missions index (``missions_index``) the page reads from the database only the
volunteer's profile and applications, the missions published since the index was built,
and the missions it shows. The ranking is exactly the engine's ``rank_needs`` over the
missions offered now:

* a mission published since the build is read live, ranked with the others;
* a mission the index holds is ranked on its indexed profile, which is the profile of its
  text as published (a published mission's order cannot be edited: the coordinator
  withdraws it first, and publishes it again);
* every mission kept for the page is checked live (still published, still offered to
  this volunteer, still taking applications); one that is not any more gives its place
  to the next.

Without an index (the worker has not built it yet, or it cannot be read) the page ranks
the missions as read from the database, as it always did, and asks the worker for one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from soscience.accounts.models import User
from soscience.applications.models import Application
from soscience.matching import engine
from soscience.matching.adapters import mission_to_need, profile_to_volunteer, with_need_relations
from soscience.matching.engine.needs import Hit, NeedRanker, build_need_index
from soscience.matching.explained import MIN_SCORE, Explained
from soscience.matching.missions_index import (
    FRESH_MARGIN,
    MissionIndex,
    missions_changed,
    missions_index_load,
)
from soscience.matching.models import MatchingIndexState
from soscience.missions.models import Mission
from soscience.volunteers.models import VolunteerProfile, VolunteerSkill

MISSIONS_FOR_ME = 20
# Ranked beyond the page, so that missions closed since the index was built leave no hole.
SPARE = 10
INVITED = Application.Status.INVITED


@dataclass(kw_only=True)
class MissionForMe(Explained):
    mission: Mission
    application: Application | None = None


@dataclass
class ForMe:
    profile: VolunteerProfile | None
    missions: list[MissionForMe] = field(default_factory=list)
    offered: int = 0  # published missions offered to this volunteer, ranked or not

    @property
    def matchable(self) -> bool:
        return self.profile is not None and self.profile.is_matchable


def _offered_to(user: User, profile: VolunteerProfile) -> Q:
    """Published missions still taking applications that are offered to ``user``: on
    their campus, to every campus (no campus chosen), or to them by invitation."""
    campuses = Mission.campuses.through.objects.filter(mission_id=OuterRef("pk"))
    offered = ~Exists(campuses) | Exists(
        Application.objects.filter(mission_id=OuterRef("pk"), volunteer=user, status=INVITED)
    )
    if profile.campus_id:
        offered |= Exists(campuses.filter(campus_id=profile.campus_id))
    today = timezone.localdate()
    still_open = Q(applications_close_on__isnull=True) | Q(applications_close_on__gte=today)
    return Q(status=Mission.Status.OPEN) & still_open & offered


def missions_offered(user: User, profile: VolunteerProfile) -> QuerySet[Mission]:
    """The missions offered to ``user``, ready for the engine (three queries)."""
    return with_need_relations(Mission.objects.filter(_offered_to(user, profile))).order_by(
        "-published_at", "pk"
    )


def _profile(user: User) -> VolunteerProfile | None:
    """The volunteer's profile with what the engine reads (four queries), and the file of
    the missions index as ``missions_index`` (riding on the profile's query: the page
    reads the state row without a query of its own)."""
    index_file = MatchingIndexState.objects.filter(pk=MatchingIndexState.MISSIONS)
    return (
        VolunteerProfile.objects.filter(user=user)
        .annotate(missions_index=Subquery(index_file.values("file")[:1]))
        .select_related("user", "campus")
        .prefetch_related(
            Prefetch("skills", VolunteerSkill.objects.select_related("skill")),
            "domains",
            "availabilities",
        )
        .first()
    )


def missions_for(user: User, language: str, *, tags: bool = True) -> ForMe:
    """The missions offered to ``user``, ranked for their profile with the reasons in
    ``language`` (only with their consent to matching). ``tags``: the missions shown come
    with their skills and domains (the API lists them; the page does not)."""
    profile = _profile(user)
    if profile is None or not profile.is_matchable:
        return ForMe(profile=profile)
    volunteer = profile_to_volunteer(profile)
    index = missions_index_load(profile.missions_index or "")  # type: ignore[attr-defined]
    if index is None:
        missions_changed()  # the worker builds one
        return _ranked_live(user, profile, volunteer, language)
    return _ranked_with(index, user, profile, volunteer, language, tags)


def _rows(
    ranked: list[engine.Ranked], missions: dict[str, Mission], mine: dict[int, Application],
    language: str,
) -> list[MissionForMe]:  # fmt: skip
    rows = []
    for r in ranked:
        row = MissionForMe(mission=missions[r.id], application=mine.get(int(r.id)))
        row.explain(r, language)
        rows.append(row)
    return rows


def _ranked_live(
    user: User, profile: VolunteerProfile, volunteer: engine.Volunteer, language: str
) -> ForMe:
    """Every offered mission read and profiled now: the way without an index."""
    missions = {str(m.pk): m for m in missions_offered(user, profile)}
    needs = [mission_to_need(m) for m in missions.values()]
    ranked = engine.rank_needs(
        volunteer, needs, top=MISSIONS_FOR_ME, min_score=MIN_SCORE, language=language
    )
    mine = {
        a.mission_id: a
        for a in Application.objects.filter(
            volunteer=user, mission_id__in=[int(r.id) for r in ranked]
        )
    }
    return ForMe(profile, _rows(ranked, missions, mine, language), offered=len(missions))


def _fresh(index: MissionIndex, user: User, profile: VolunteerProfile) -> list[Mission]:
    """The missions offered to ``user`` published since the index was built (one query,
    three when there are some): those the index does not hold as published."""
    known = Q()
    for mission_id, published_at in index.recent:
        known |= Q(pk=mission_id, published_at=published_at)
    since = index.built_at - FRESH_MARGIN
    fresh = Mission.objects.filter(_offered_to(user, profile), published_at__gte=since)
    return list(with_need_relations(fresh.exclude(known) if known else fresh).order_by("pk"))


def _still_offered(
    ids: list[int], user: User, profile: VolunteerProfile, tags: bool
) -> dict[str, Mission]:
    """Those of ``ids`` offered to ``user`` now, as the page shows them (one query,
    three with ``tags``)."""
    missions = Mission.objects.filter(_offered_to(user, profile), pk__in=ids)
    missions = with_need_relations(missions) if tags else missions.select_related("organisation")
    return {str(m.pk): m for m in missions}


def _ranked_with(
    index: MissionIndex, user: User, profile: VolunteerProfile, volunteer: engine.Volunteer,
    language: str, tags: bool,
) -> ForMe:  # fmt: skip
    mine = {
        a.mission_id: a
        for a in Application.objects.filter(volunteer=user, mission__status=Mission.Status.OPEN)
    }
    invited = [mission_id for mission_id, a in mine.items() if a.status == INVITED]
    fresh = {str(m.pk): m for m in _fresh(index, user, profile)}
    allowed = index.offered(profile.campus_id, invited, timezone.localdate())
    for mission_id in fresh:  # read again: the live one counts
        row = index.needs.position.get(mission_id)
        if row is not None:
            allowed[row] = False
    added = build_need_index(mission_to_need(m) for m in fresh.values())
    ranker = NeedRanker(volunteer)
    shown = _checked(ranker, [(index.needs, allowed), (added, None)], fresh, user, profile, tags)
    ranked = [ranker.explain(hit, language) for hit, _mission in shown]
    missions = {hit.id: mission for hit, mission in shown}
    offered = int(allowed.sum()) + len(fresh)
    return ForMe(profile, _rows(ranked, missions, mine, language), offered=offered)


def _checked(
    ranker: NeedRanker, sources: list, fresh: dict[str, Mission], user: User,
    profile: VolunteerProfile, tags: bool,
) -> list[tuple[Hit, Mission]]:  # fmt: skip
    """The best missions still offered now, best first: the engine's ranking, checked
    live. A mission no longer offered (closed, withdrawn, its campuses changed since the
    build) gives its place to the next; more are ranked only if the spare ones run out."""
    top = MISSIONS_FOR_ME + SPARE
    live: dict[str, Mission | None] = dict(fresh)
    while True:
        hits = ranker.best(sources, top, MIN_SCORE)
        unknown = [int(h.id) for h in hits if h.id not in live]
        if unknown:
            found = _still_offered(unknown, user, profile, tags)
            live.update({str(i): found.get(str(i)) for i in unknown})
        kept = [(h, m) for h in hits if (m := live[h.id]) is not None]
        if len(kept) >= MISSIONS_FOR_ME or len(hits) < top:
            return kept[:MISSIONS_FOR_ME]
        top *= 4
