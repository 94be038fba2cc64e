"""The closing surveys (the organisation's, each volunteer's) and the supervisor's note.

Surveys open once the organisation has accepted the deliverables, and stay open after the
mission is closed (a coordinator may close before everyone answered); each is answered once.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.closing.models import ClosingNote, OrganisationSurvey, VolunteerSurvey
from soscience.core.errors import DomainError, TransitionRefused
from soscience.execution.access import is_supervisor, is_team_member
from soscience.missions.models import Mission
from soscience.organisations.access import is_member
from soscience.privacy.consents import survey_consents_record
from soscience.volunteers.models import Skill, VolunteerSkill

SURVEY_OPEN = (Mission.Status.ACCEPTED, Mission.Status.CLOSED)
# The supervisor writes the note while the mission runs to its end, not once it is closed.
NOTE_OPEN = (Mission.Status.IN_PROGRESS, Mission.Status.DELIVERED, Mission.Status.ACCEPTED)
# Answers that call for an explanation of why the solution is not (fully) applied.
APPLIED_NEEDS_WHY = (OrganisationSurvey.Applied.NO, OrganisationSurvey.Applied.PARTLY)


def _lock(mission: Mission) -> Mission:
    return (
        Mission.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=mission.pk)
    )


def survey_refusal(mission: Mission) -> str | None:
    """Why the closing surveys cannot be answered now, or None when they can."""
    if mission.status in SURVEY_OPEN:
        return None
    if mission.status == Mission.Status.CANCELLED:
        return _("The mission was cancelled: there is no closing survey.")
    return _("The closing survey opens once the organisation has accepted the deliverables.")


def note_refusal(mission: Mission) -> str | None:
    """Why the closing note cannot be written now, or None when it can."""
    if mission.status in NOTE_OPEN:
        return None
    if mission.status == Mission.Status.CLOSED:
        return _("The mission is closed: its closing note can no longer be changed.")
    if mission.status == Mission.Status.CANCELLED:
        return _("The mission was cancelled: there is no closing note.")
    return _("The closing note can be written once the mission has started.")


def _check_open(mission: Mission) -> None:
    refusal = survey_refusal(mission)
    if refusal is not None:
        raise TransitionRefused(refusal)


@transaction.atomic
def organisation_survey_answer(
    *, mission: Mission, by: User, worked: int, applied: str, not_applied_why: str,
    local_impact: str, beneficiaries: int, recommend: int, testimonial: str,
    testimonial_consent: bool, case_consent: bool,
) -> OrganisationSurvey:  # fmt: skip
    """The organisation's closing survey, answered once per mission by one of its members."""
    mission = _lock(mission)
    if not is_member(by, mission.organisation):
        raise DomainError(_("Only the organisation's members answer its closing survey."))
    _check_open(mission)
    if OrganisationSurvey.objects.filter(mission=mission).exists():
        raise TransitionRefused(_("Your organisation has already answered this survey."))
    _check_org_answers(worked, applied, not_applied_why, local_impact, beneficiaries,
                       recommend, testimonial, testimonial_consent)  # fmt: skip
    survey_consents_record(user=by, testimonial=testimonial_consent, case=case_consent)
    try:
        with transaction.atomic():  # two members answering at once: the database says no
            return OrganisationSurvey.objects.create(
                mission=mission, answered_by=by, worked=worked, applied=applied,
                not_applied_why=not_applied_why.strip(), local_impact=local_impact.strip(),
                beneficiaries=beneficiaries, recommend=recommend,
                testimonial=testimonial.strip(), testimonial_consent=testimonial_consent,
                case_consent=case_consent,
            )  # fmt: skip
    except IntegrityError as exc:
        raise TransitionRefused(_("Your organisation has already answered this survey.")) from exc


def _check_org_answers(
    worked: int, applied: str, not_applied_why: str, local_impact: str, beneficiaries: int,
    recommend: int, testimonial: str, testimonial_consent: bool,
) -> None:  # fmt: skip
    if not 1 <= worked <= 5:
        raise DomainError(_("Choose a mark from 1 to 5."), field="worked")
    if applied not in OrganisationSurvey.Applied.values:
        raise DomainError(_("Say whether the solution is applied."), field="applied")
    if applied in APPLIED_NEEDS_WHY and not not_applied_why.strip():
        raise DomainError(
            _("Say in a few words why it is not (fully) applied."), field="not_applied_why"
        )
    if not local_impact.strip():
        raise DomainError(_("Describe the local impact in your own words."), field="local_impact")
    if beneficiaries < 0:
        raise DomainError(_("Give a number of people, 0 or more."), field="beneficiaries")
    if not 0 <= recommend <= 10:
        raise DomainError(_("Choose a mark from 0 to 10."), field="recommend")
    if testimonial_consent and not testimonial.strip():
        raise DomainError(
            _("Write the testimonial you agree to publish, or untick the consent box."),
            field="testimonial",
        )


def survey_skills(mission: Mission, volunteer: User) -> QuerySet[Skill]:
    """The skills a volunteer chooses from: the mission's and those of their profile."""
    return Skill.objects.filter(
        Q(pk__in=mission.skill_needs.values("skill"))
        | Q(pk__in=VolunteerSkill.objects.filter(profile__user=volunteer).values("skill"))
    )


@transaction.atomic
def volunteer_survey_answer(
    *, mission: Mission, by: User, skills_used: Collection[Skill],
    skills_gained: Collection[Skill], confidence_before: int, confidence_after: int,
    would_change: str,
) -> VolunteerSurvey:  # fmt: skip
    """A volunteer's closing survey, once per mission and volunteer on its team."""
    mission = _lock(mission)
    if not is_team_member(by, mission):
        raise DomainError(_("Only the volunteers on the team answer the volunteers' survey."))
    _check_open(mission)
    if VolunteerSurvey.objects.filter(mission=mission, volunteer=by).exists():
        raise TransitionRefused(_("You have already answered this survey."))
    allowed = set(survey_skills(mission, by).values_list("pk", flat=True))
    if not skills_used:
        raise DomainError(_("Choose at least one skill you used."), field="skills_used")
    for field, skills in (("skills_used", skills_used), ("skills_gained", skills_gained)):
        if any(skill.pk not in allowed for skill in skills):
            raise DomainError(_("Choose among the skills listed."), field=field)
    for field, value in (("confidence_before", confidence_before),
                         ("confidence_after", confidence_after)):  # fmt: skip
        if not 1 <= value <= 5:
            raise DomainError(_("Choose a mark from 1 to 5."), field=field)
    try:
        with transaction.atomic():  # a double submit: the unique constraint says no
            survey = VolunteerSurvey.objects.create(
                mission=mission, volunteer=by, confidence_before=confidence_before,
                confidence_after=confidence_after, would_change=would_change.strip(),
            )  # fmt: skip
    except IntegrityError as exc:
        raise TransitionRefused(_("You have already answered this survey.")) from exc
    survey.skills_used.set(skills_used)
    survey.skills_gained.set(skills_gained)
    return survey


@transaction.atomic
def closing_note_save(*, mission: Mission, by: User, body: str) -> ClosingNote:
    """The supervisor writes or rewrites the mission's closing note, until it is closed."""
    mission = _lock(mission)
    if not is_supervisor(by, mission):
        raise DomainError(_("Only the mission's supervisor writes the closing note."))
    refusal = note_refusal(mission)
    if refusal is not None:
        raise TransitionRefused(refusal)
    body = body.strip()
    if not body:
        raise DomainError(_("Write the closing note."), field="body")
    note, _created = ClosingNote.objects.update_or_create(
        mission=mission, defaults={"author": by, "body": body}
    )
    return note
