"""Writes what missions leave when they close: the organisation's and the volunteers'
closing surveys, the supervisor's note, the follow-ups months later, and certificates.

Surveys are answered between the acceptance and the closing (some accepted missions
already have the organisation's); every closed mission has its follow-ups at 6 and 12
months, sent once due and often answered; most closed missions issued a certificate to
each team member with validated hours, snapshotting names, dates, hours and skills.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from soscience.certificates.models import Certificate
from soscience.closing.models import ClosingNote, FollowUp, OrganisationSurvey, VolunteerSurvey
from soscience.core.scale import phrases
from soscience.core.scale.common import add_months, certificate_code, mix
from soscience.core.scale.plan import MissionPlan, S
from soscience.core.scale.texts import display_name
from soscience.core.scale.world import World

FOLLOW_UP_MONTHS = (6, 12)  # PlatformSettings' defaults


def write(world: World) -> None:
    closed = [m for m in world.missions if m.status == S.CLOSED and m.team]
    _organisation_surveys(world)
    _volunteer_surveys(world, closed)
    _closing_notes(world, closed)
    _follow_ups(world, closed)
    _certificates(world, closed)


def _answered(world: World, m: MissionPlan, salt: int) -> int:
    """A day between the acceptance and the closing (or today)."""
    last = m.closed or world.clock.day
    return m.accepted + mix(m.id, salt) % max(1, last - m.accepted)


def _organisation_surveys(world: World) -> None:
    rng, clock = world.rng("organisation-surveys"), world.clock
    applied = [a.value for a in OrganisationSurvey.Applied]
    world.case_consents = consenting = set()  # type: ignore[attr-defined]

    def rows() -> Iterator[tuple]:
        for m in world.missions:
            if not m.team or not (
                (m.status == S.CLOSED and rng.random() < 0.9)
                or (m.status == S.ACCEPTED and rng.random() < 0.5)
            ):
                continue
            answer = rng.choice(applied)
            testimonial = rng.choice(phrases.TESTIMONIALS) if rng.random() < 0.4 else ""
            case_consent = rng.random() < 0.3
            if case_consent:
                consenting.add(m.id)
            yield (
                m.id,
                rng.choice((3, 4, 4, 5, 5, 5, 2)),
                answer,
                "Le financement manque encore." if answer == "no" else "",
                rng.choice(phrases.LOCAL_IMPACT)[1 if m.english else 0],
                rng.randint(10, 3000),
                rng.choice((6, 7, 8, 8, 9, 9, 10, 10, 10)),
                testimonial,
                bool(testimonial) and rng.random() < 0.7,
                case_consent,
                m.org.representative,
                clock.work_time(rng, _answered(world, m, 1)),
            )

    world.sink.write(
        OrganisationSurvey,
        (
            "mission_id",
            "worked",
            "applied",
            "not_applied_why",
            "local_impact",
            "beneficiaries",
            "recommend",
            "testimonial",
            "testimonial_consent",
            "case_consent",
            "answered_by_id",
            "answered_at",
        ),
        rows(),
    )


def used_skills(m: MissionPlan, position: int) -> list[int]:
    """The mission's skills a team member says they used (the first one always)."""
    return [s for j, (s, _level) in enumerate(m.skills) if j == 0 or mix(position + j, m.id) % 3]


def _volunteer_surveys(world: World, closed: list[MissionPlan]) -> None:
    rng, clock = world.rng("volunteer-surveys"), world.clock
    answering = [(m, pos) for m in closed for pos, _seat, _role in m.team if mix(pos, m.id + 9) % 4]
    first = world.sink.ids(VolunteerSurvey, len(answering)).start

    def rows() -> Iterator[tuple]:
        for k, (m, pos) in enumerate(answering):
            before = rng.randint(1, 4)
            yield (
                first + k,
                m.id,
                world.volunteer(m.applicants[pos]),
                before,
                min(5, before + rng.randint(0, 2)),
                "",
                clock.work_time(rng, _answered(world, m, 2)),
            )

    world.sink.write(
        VolunteerSurvey,
        (
            "id",
            "mission_id",
            "volunteer_id",
            "confidence_before",
            "confidence_after",
            "would_change",
            "answered_at",
        ),
        rows(),
    )
    world.sink.write(
        VolunteerSurvey.skills_used.through,
        ("volunteersurvey_id", "skill_id"),
        ((first + k, s) for k, (m, pos) in enumerate(answering) for s in used_skills(m, pos)),
    )
    gained_rng = world.rng("skills-gained")

    def gained() -> Iterator[tuple]:
        for k, (m, _pos) in enumerate(answering):
            if gained_rng.random() < 0.5:
                yield first + k, m.skills[-1][0]

    world.sink.write(
        VolunteerSurvey.skills_gained.through, ("volunteersurvey_id", "skill_id"), gained()
    )
    world.survey_answers = {(m.id, pos) for m, pos in answering}  # type: ignore[attr-defined]


def _closing_notes(world: World, closed: list[MissionPlan]) -> None:
    rng, clock = world.rng("closing-notes"), world.clock
    world.sink.write(
        ClosingNote,
        ("mission_id", "author_id", "body", "written_at"),
        (
            (
                m.id,
                m.supervisor,
                rng.choice(phrases.CLOSING_NOTES),
                clock.work_time(rng, _answered(world, m, 3)),
            )
            for m in closed
            if rng.random() < 0.9
        ),
    )


def _follow_ups(world: World, closed: list[MissionPlan]) -> None:
    rng, clock, today = world.rng("follow-ups"), world.clock, world.clock.today
    in_use = [c.value for c in FollowUp.InUse]

    def rows() -> Iterator[tuple]:
        for m in closed:
            closed_on = clock.date(m.closed)
            for months in FOLLOW_UP_MONTHS:
                due = add_months(closed_on, months)
                sent = due <= today
                answered = sent and rng.random() < 0.6
                sent_at = clock.at(due.toordinal(), 32_000) if sent else None
                reminded = sent and not answered and (today - due).days > 14 and rng.random() < 0.6
                answer_day = min(clock.day, due.toordinal() + rng.randint(1, 20))
                yield (
                    m.id,
                    months,
                    due,
                    sent_at,
                    clock.at(due.toordinal() + 14, 32_000) if reminded else None,
                    clock.work_time(rng, answer_day) if answered else None,
                    rng.choice(in_use) if answered else "",
                    "La solution est toujours utilisée." if answered else "",
                    rng.randint(10, 3000) if answered else None,
                    "",
                    None,
                )

    world.sink.write(
        FollowUp,
        (
            "mission_id",
            "months",
            "due_on",
            "sent_at",
            "reminded_at",
            "answered_at",
            "still_in_use",
            "what_changed",
            "beneficiaries_now",
            "further_needs",
            "new_need_id",
        ),
        rows(),
    )


def _certificates(world: World, closed: list[MissionPlan]) -> None:
    rng, clock = world.rng("certificates"), world.clock
    holders = [
        (m, k)
        for m in closed
        if mix(m.id, 31) % 5
        for k in range(len(m.team))
        if m.team_hours[k] > 0
    ]
    first = world.sink.ids(Certificate, len(holders)).start

    def rows() -> Iterator[tuple]:
        for n, (m, k) in enumerate(holders):
            pos = m.team[k][0]
            v = m.applicants[pos]
            uid = world.volunteer(v)
            language = world.volunteer_language(v)
            # As issued: the skills of the volunteer's survey, else those the mission asked.
            answered = (m.id, pos) in world.survey_answers  # type: ignore[attr-defined]
            ids = used_skills(m, pos) if answered else [s for s, _level in m.skills]
            label = "name_en" if language == "en" else "name_fr"
            skills = sorted(getattr(world.skills[s], label) for s in ids)
            name = display_name(world, uid)
            yield (
                first + n,
                certificate_code(first + n, world.seed),
                m.id,
                uid,
                language,
                name,
                m.title,
                m.org.name,
                display_name(world, m.supervisor),
                clock.date(m.start),
                clock.date(m.end),
                Decimal(m.team_hours[k]) / 100,
                skills,
                clock.work_time(rng, min(clock.day, m.closed + rng.randint(0, 10))),
                m.creator,
                None,
                None,
                "",
                None,
            )

    world.sink.write(
        Certificate,
        (
            "id",
            "code",
            "mission_id",
            "volunteer_id",
            "language",
            "volunteer_name",
            "mission_title",
            "organisation_name",
            "supervisor_name",
            "start_date",
            "end_date",
            "hours",
            "skills",
            "issued_at",
            "issued_by_id",
            "revoked_at",
            "revoked_by_id",
            "revoke_reason",
            "replaces_id",
        ),
        rows(),
    )
