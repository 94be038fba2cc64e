"""Exports of the survey answers: the organisations' closing surveys, the volunteers' closing
surveys and the follow-ups months later."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from soscience.closing.models import FollowUp, VolunteerSurvey
from soscience.impact import figures
from soscience.impact.exports.tables import Row, Table, chunk_size, names
from soscience.impact.figures import Filters
from soscience.impact.figures.selection import missions, without_year, year_bounds


def _organisation_survey_rows(filters: Filters) -> Iterator[Row]:
    qs = (
        figures.surveys(filters)
        .select_related("mission__organisation", "answered_by")
        .order_by("answered_at", "pk")
    )
    for s in qs.iterator(chunk_size=chunk_size()):
        yield (
            s.mission_id, s.mission.title, s.mission.organisation.name, s.answered_at,
            s.answered_by.full_name, s.worked, s.get_applied_display(), s.not_applied_why,
            s.local_impact, s.beneficiaries, s.recommend, s.testimonial,
            s.testimonial_consent, s.case_consent,
        )  # fmt: skip


ORGANISATION_SURVEYS = Table(
    slug="surveys",
    title=_("Organisations' closing surveys"),
    year_means=_("surveys answered during the year"),
    headers=(
        _("Mission number"), _("Mission"), _("Organisation"), _("Answered on"),
        _("Answered by"), _("Did the solution work? (1 to 5)"), _("Is it applied?"),
        _("Why not (yet)?"), _("Local impact"), _("People who benefit (estimate)"),
        _("Would recommend (0 to 10)"), _("Testimonial"),
        _("Testimonial may be published with the name"),
        _("Mission may become a public case"),
    ),
    rows=_organisation_survey_rows,
)  # fmt: skip


def _volunteer_survey_rows(filters: Filters) -> Iterator[Row]:
    """Like the figures about people: the campus filter keeps volunteers of that campus."""
    qs = VolunteerSurvey.objects.filter(
        mission__in=missions(without_year(filters), by_campus=False)
    )
    if filters.campus:
        qs = qs.filter(volunteer__volunteer_profile__campus__slug=filters.campus)
    if filters.year:
        start, end = year_bounds(filters.year)
        qs = qs.filter(answered_at__gte=start, answered_at__lt=end)
    qs = (
        qs.select_related("mission__organisation", "volunteer__volunteer_profile__campus")
        .prefetch_related("skills_used", "skills_gained")
        .order_by("answered_at", "pk")
    )
    for s in qs.iterator(chunk_size=chunk_size()):
        profile = getattr(s.volunteer, "volunteer_profile", None)
        yield (
            s.mission_id, s.mission.title, s.mission.organisation.name, s.volunteer.full_name,
            profile.campus.name if profile and profile.campus else "", s.answered_at,
            names(s.skills_used.all()), names(s.skills_gained.all()),
            s.confidence_before, s.confidence_after, s.would_change,
        )  # fmt: skip


VOLUNTEER_SURVEYS = Table(
    slug="volunteer-surveys",
    title=_("Volunteers' closing surveys"),
    year_means=_("surveys answered during the year; the campus is the volunteer's"),
    headers=(
        _("Mission number"), _("Mission"), _("Organisation"), _("Volunteer"),
        _("Volunteer's campus"), _("Answered on"), _("Skills used"), _("Skills gained"),
        _("Confidence before (1 to 5)"), _("Confidence after (1 to 5)"),
        _("What they would change"),
    ),
    rows=_volunteer_survey_rows,
)  # fmt: skip


def _follow_up_rows(filters: Filters) -> Iterator[Row]:
    qs = FollowUp.objects.filter(mission__in=missions(without_year(filters)))
    if filters.year:
        qs = qs.filter(due_on__year=filters.year)
    qs = qs.select_related("mission__organisation").order_by("due_on", "pk")
    for f in qs.iterator(chunk_size=chunk_size()):
        yield (
            f.mission_id, f.mission.title, f.mission.organisation.name, f.months, f.due_on,
            f.sent_at, f.reminded_at, f.answered_at, f.get_still_in_use_display(),
            f.what_changed, f.beneficiaries_now, f.further_needs, f.new_need_id,
        )  # fmt: skip


FOLLOW_UPS = Table(
    slug="follow-ups",
    title=_("Follow-up surveys"),
    year_means=_("follow-ups due during the year, answered or not"),
    headers=(
        _("Mission number"), _("Mission"), _("Organisation"), _("Months after closing"),
        _("Due on"), _("Sent on"), _("Reminded on"), _("Answered on"),
        _("Is the solution still in use?"), _("What changed locally"),
        _("People who benefit now (estimate)"), _("Further needs"), _("New need number"),
    ),
    rows=_follow_up_rows,
)  # fmt: skip
