"""Writes events with their registrations, and the inbox notifications people received.

Events: most in the past (with attendance), some coming (registrations still open), on a
campus or online, a few cancelled or still drafts. Registrations: the campus' volunteers
(anyone for an online event) and visitors without an account; over capacity, a waiting
list. Notifications: what applying and the teams' shared news told people, in each
person's language; older ones read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.text import slugify

from soscience.core.scale import phrases, staffing
from soscience.core.scale.common import HISTORY_DAYS, growth_day
from soscience.core.scale.plan import MissionPlan
from soscience.core.scale.world import VOLUNTEER, World
from soscience.events.models import Event, Registration
from soscience.notifications.models import Kind, Notification

RS = Registration.Status
ES = Event.Status


def write(world: World) -> None:
    _events(world)
    _notifications(world)


def _event_plan(world: World) -> list[tuple[int, int, int, str, int]]:
    """(id, campus index or -1 online, day, status, capacity) per event."""
    rng, today = world.rng("events"), world.clock.day
    ids = world.sink.ids(Event, world.sizes.events)
    plans = []
    for event_id in ids:
        upcoming = rng.random() < 0.1
        day = (
            today + rng.randint(1, 90)
            if upcoming
            else growth_day(rng, world.clock, newest=1, span=HISTORY_DAYS)
        )
        roll = rng.random()
        status = (
            ES.CANCELLED if roll < 0.08 else (ES.DRAFT if upcoming and roll < 0.2 else ES.PUBLISHED)
        )
        online = rng.random() < 0.2
        campus = -1 if online else world.weighted_campus(rng)
        plans.append((event_id, campus, day, status, rng.choice((30, 40, 60, 80, 120, 200, 300))))
    return plans


def _events(world: World) -> None:
    rng, clock = world.rng("event-rows"), world.clock
    plans = _event_plan(world)
    coordinators = world.coordinators

    def rows() -> Iterator[tuple]:
        for event_id, campus, day, status, capacity in plans:
            title = phrases.EVENT_TITLES[event_id % len(phrases.EVENT_TITLES)][0]
            starts = clock.midnight + dt.timedelta(days=day - clock.day, hours=17)
            place = world.campuses[campus] if campus >= 0 else None
            created = clock.work_time(rng, min(clock.day, day - rng.randint(10, 40)))
            yield (
                event_id,
                title,
                f"{slugify(title)[:90]}-{event_id}",
                "Une soirée pour découvrir les missions et rencontrer les structures.",
                "Des bénévoles et des structures partenaires.",
                place.id if place else None,
                place is None,
                "https://visio.example.org/soscience" if place is None else "",
                "" if place is None else "Amphithéâtre A",
                starts,
                starts + dt.timedelta(hours=2),
                capacity,
                "everyone",
                status,
                coordinators[event_id % len(coordinators)],
                created,
                created,
            )

    world.sink.write(
        Event,
        (
            "id",
            "title",
            "slug",
            "description",
            "speakers",
            "campus_id",
            "online",
            "online_url",
            "room",
            "starts_at",
            "ends_at",
            "capacity",
            "audience",
            "status",
            "created_by_id",
            "created_at",
            "updated_at",
        ),
        rows(),
    )
    world.sink.write(
        Registration,
        (
            "event_id",
            "user_id",
            "name",
            "email",
            "language",
            "status",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "reminded_at",
            "attended",
            "referral_id",
        ),
        _registrations(world, plans),
    )


def _registrations(world: World, plans: list[tuple[int, int, int, str, int]]) -> Iterator[tuple]:
    from soscience.core.scale.common import person_email, person_name

    rng, clock, today = world.rng("registrations"), world.clock, world.clock.day
    everyone = range(world.sizes.volunteers)
    for event_id, campus, day, status, capacity in plans:
        if status == ES.DRAFT:
            continue
        pool = world.pools[campus] if campus >= 0 and len(world.pools[campus]) else everyone
        high = staffing._window(world, pool, day)[1]
        wanted = int(capacity * rng.uniform(0.3, 1.15))
        if day > today:  # registrations still coming in
            wanted = int(wanted * rng.uniform(0.2, 0.8))
        taken: set[int] = {0}  # not the named volunteer: their name is their own
        confirmed = 0
        for k in range(wanted):
            registered = min(today, day - rng.randint(1, 30))
            created = clock.work_time(rng, registered)
            if rng.random() < 0.15:  # a visitor without an account
                name, email, uid, language = (
                    f"Visiteur {k}",
                    f"visitor.{event_id}.{k}@example.net",
                    None,
                    "fr",
                )
            else:
                v = pool[rng.randrange(high)] if high else None
                if v is None or v in taken:
                    continue
                taken.add(v)
                uid = world.volunteer(v)
                name, email = (
                    person_name(uid, world.seed),
                    person_email(uid, world.seed, "etu.example.org"),
                )
                language = ""
            if status == ES.CANCELLED or rng.random() < 0.08:
                state = RS.CANCELLED
            elif confirmed >= capacity:
                state = RS.WAITING
            elif uid is None and day > today and rng.random() < 0.3:
                state = RS.UNCONFIRMED
            else:
                state = RS.CONFIRMED
                confirmed += 1
            past = day < today and state == RS.CONFIRMED
            yield (
                event_id,
                uid,
                name,
                email,
                language,
                state,
                created,
                created if state == RS.CONFIRMED else None,
                clock.work_time(rng, registered) if state == RS.CANCELLED else None,
                clock.at(day - 1, 36_000) if past else None,
                (rng.random() < 0.75) if past else None,
                None,
            )


NOTIFICATION_TEXTS = {
    # code -> (kind, French, English) of the volunteer's inbox line
    staffing.APPLIED: (Kind.APPLICATIONS, "Candidature reçue :", "Application received:"),
    staffing.SELECTED: (Kind.APPLICATIONS, "Vous êtes sélectionné·e :", "You are selected:"),
    staffing.DECLINED: (
        Kind.APPLICATIONS,
        "À propos de votre candidature :",
        "About your application:",
    ),
    staffing.SHORTLISTED: (
        Kind.APPLICATIONS,
        "Vous êtes présélectionné·e :",
        "You are on the shortlist:",
    ),
    staffing.INVITED: (
        Kind.APPLICATIONS,
        "Vous êtes invité·e à candidater :",
        "You are invited to apply:",
    ),
}


def _steps_count(code: int) -> int:
    """How many inbox lines an application in state ``code`` gave (see steps() below)."""
    if code in (staffing.INVITED, staffing.APPLIED, staffing.WITHDRAWN):
        return 1
    return 2


def _notifications(world: World) -> None:
    rng, clock, today = world.rng("notifications"), world.clock, world.clock.day
    _first, working, log_mission, log_day, log_shared = world.update_log  # type: ignore[attr-defined]
    shared = sum(log_shared)
    target = world.sizes.notifications
    # About two thirds about applications, a third the news the teams shared.
    told = sum(_steps_count(code) for m in world.missions for code in m.statuses)
    p_application = min(1.0, 0.65 * target / max(1, told))
    p_news = min(1.0, max(0.0, target - told * p_application) / max(1, shared))
    mine = reverse("applications:mine")
    space = reverse("execution:space", kwargs={"pk": 1})[:-2]  # "/execution/missions/"
    named_volunteer = world.named.get(VOLUNTEER)

    def line(code: int, m: MissionPlan, v: int) -> tuple[str, str]:
        kind, french, english = NOTIFICATION_TEXTS[code]
        english_reader = world.volunteer_language(v) == "en"
        return kind, f"{english if english_reader else french} {m.title}"[:300]

    def read(day: int) -> object:
        old = day < today - 30
        return (
            clock.at(min(today, day + rng.randint(0, 5)), 60_000)
            if old or rng.random() < 0.5
            else None
        )

    def steps(m: MissionPlan, position: int, code: int) -> Iterator[tuple[int, int]]:
        """(what the volunteer was told, on which day) about application ``position``."""
        applied = m.applied[position]
        if code != staffing.INVITED:
            yield staffing.APPLIED, applied  # "application received"
        if code in (staffing.SELECTED, staffing.DECLINED):
            yield code, staffing.decided_day(m, position, code, today)
        elif code == staffing.SHORTLISTED:
            yield code, min(today, applied + 2)
        elif code == staffing.INVITED:
            yield code, applied

    def rows() -> Iterator[tuple]:
        for m in world.missions:
            for position, code in enumerate(m.statuses):
                v = m.applicants[position]
                for step, day in steps(m, position, code):
                    if world.volunteer(v) != named_volunteer and rng.random() > p_application:
                        continue
                    kind, text = line(step, m, v)
                    moment = clock.at(day, staffing.seconds(m, position, 3 if step == code else 0))
                    yield world.volunteer(v), kind, text, "", mine, moment, read(day), "", None
        for k, is_shared in enumerate(log_shared):
            if not is_shared or rng.random() > p_news:
                continue
            m = working[log_mission[k]]
            day = log_day[k]
            text = (f"News: {m.title}" if m.english else f"Des nouvelles : {m.title}")[:300]
            yield (
                m.org.representative,
                Kind.NEWS,
                text,
                "",
                f"{space}{m.id}/",
                clock.work_time(rng, day),
                read(day),
                "",
                None,
            )

    world.sink.write(
        Notification,
        (
            "user_id",
            "kind",
            "text",
            "body",
            "url",
            "created_at",
            "read_at",
            "held_for",
            "digested_at",
        ),
        rows(),
    )
