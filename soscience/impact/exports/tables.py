"""What each export holds: its columns (headers in the reader's language) and its rows, read
in chunks from the figures API's filtered sets.

Nothing a coordinator could not already read on the site is exported, and never a secret
(passwords, tokens, signed links); people appear by name, without their address or phone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from soscience.applications.models import TeamMember
from soscience.execution.models import HoursEntry
from soscience.impact import figures
from soscience.impact.exports.cells import Cell
from soscience.impact.figures import Filters
from soscience.impact.figures.selection import missions
from soscience.organisations.models import Organisation

Row = Sequence[Cell]
HOURS = DecimalField(max_digits=12, decimal_places=2)
ZERO = Decimal("0.00")
CENTS = Decimal("0.01")


def chunk_size() -> int:
    """Rows read per query (and per prefetch); a setting so a test can make it small."""
    return getattr(settings, "SOSCIENCE_EXPORT_CHUNK_SIZE", 500)


def two_places(amount: Decimal) -> Decimal:
    """Hours with two decimals whatever the database returns (SQLite drops trailing zeros)."""
    return Decimal(amount).quantize(CENTS, rounding=ROUND_HALF_UP)


def value_of(hours: Decimal, rate: Decimal) -> Decimal:
    """What validated hours are worth (EUR), rounded like the dashboard's figures."""
    return two_places(hours * rate)


@dataclass(frozen=True)
class Table:
    """One export: ``rows`` yields one sequence of cells per line, in ``headers``' order."""

    slug: str
    title: Promise
    year_means: Promise  # what the year filter keeps, said on the exports page
    headers: tuple[Promise, ...]
    rows: Callable[[Filters], Iterator[Row]]


def _sum_of_hours(qs: QuerySet[HoursEntry], outer: str) -> Coalesce:
    total = qs.filter(**{outer: OuterRef("pk")}).order_by().values(outer)
    total = total.annotate(s=Sum("hours")).values("s")
    return Coalesce(Subquery(total, output_field=HOURS), ZERO, output_field=HOURS)


def names(objects: Sequence[object]) -> str:
    return ", ".join(sorted(str(o) for o in objects))


# --- missions ----------------------------------------------------------------------------


def _mission_rows(filters: Filters) -> Iterator[Row]:
    rate = figures.hourly_rate()
    validated = HoursEntry.objects.filter(validated_at__isnull=False)
    team = TeamMember.objects.filter(mission=OuterRef("pk")).order_by().values("mission")
    qs = (
        missions(filters)
        .select_related("organisation", "supervisor")
        .prefetch_related("domains", "campuses")
        .annotate(
            validated_hours=_sum_of_hours(validated, "mission"),
            team_count=Coalesce(Subquery(team.annotate(n=Count("pk")).values("n")), 0),
        )
        .order_by("pk")
    )
    for m in qs.iterator(chunk_size=chunk_size()):
        yield (
            m.pk, m.title, m.organisation.name, m.get_status_display(), m.country.name, m.city,
            names(m.domains.all()), names(m.campuses.all()),
            m.supervisor.full_name if m.supervisor else "", m.team_size, m.team_count,
            m.start_date, m.end_date, m.published_at, m.kicked_off_on, m.delivered_at,
            m.accepted_at, m.closed_at, m.cancelled_at, m.cancel_reason,
            two_places(m.validated_hours), value_of(m.validated_hours, rate),
        )  # fmt: skip


MISSIONS = Table(
    slug="missions",
    title=_("Missions"),
    year_means=_("missions active during the year (published before its end, not closed or "
                 "cancelled before its start); hours are the mission's total to date"),
    headers=(
        _("Mission number"), _("Title"), _("Organisation"), _("Status"), _("Country"),
        _("City"), _("Domains"), _("Campuses"), _("Supervisor"), _("Team size planned"),
        _("Volunteers on the team"), _("Start date"), _("End date"), _("Published on"),
        _("Kick-off"), _("Delivered on"), _("Accepted on"), _("Closed on"),
        _("Cancelled on"), _("Reason for cancelling"), _("Validated hours"),
        _("Value (EUR)"),
    ),
    rows=_mission_rows,
)  # fmt: skip


# --- organisations -----------------------------------------------------------------------


def _organisation_rows(filters: Filters) -> Iterator[Row]:
    """Every organisation when nothing is filtered (the directory); with filters, those with
    at least one mission the filters keep. Counts and hours follow the filters."""
    rate = figures.hourly_rate()
    kept = missions(filters)
    per_org = kept.filter(organisation=OuterRef("pk")).order_by().values("organisation")
    served = per_org.filter(status__in=figures.SERVED_STATUSES)
    qs = Organisation.objects.all()
    if not filters.is_empty:
        qs = qs.filter(pk__in=kept.values("organisation"))
    qs = qs.annotate(
        mission_count=Coalesce(Subquery(per_org.annotate(n=Count("pk")).values("n")), 0),
        served_count=Coalesce(Subquery(served.annotate(n=Count("pk")).values("n")), 0),
        validated_hours=_sum_of_hours(figures.validated_hours(filters), "mission__organisation"),
    ).order_by("name", "pk")
    for o in qs.iterator(chunk_size=chunk_size()):
        yield (
            o.pk, o.name, o.get_legal_form_display(), o.country.name, o.city,
            o.get_status_display(), o.siren, o.siret, o.rna, o.website, o.submitted_at,
            o.mission_count, o.served_count, two_places(o.validated_hours),
            value_of(o.validated_hours, rate),
        )  # fmt: skip


ORGANISATIONS = Table(
    slug="organisations",
    title=_("Organisations"),
    year_means=_("organisations with a mission active during the year; hours worked that "
                 "year. Without any filter: every organisation"),
    headers=(
        _("Organisation number"), _("Name"), _("Legal form"), _("Country"), _("City"),
        _("Status"), _("SIREN"), _("SIRET"), _("RNA number"), _("Website"),
        _("Registered on"), _("Missions"), _("Missions started"), _("Validated hours"),
        _("Value (EUR)"),
    ),
    rows=_organisation_rows,
)  # fmt: skip


# --- validated hours ---------------------------------------------------------------------


def _hours_rows(filters: Filters) -> Iterator[Row]:
    rate = figures.hourly_rate()
    qs = (
        figures.validated_hours(filters)
        .select_related(
            "mission__organisation", "volunteer__volunteer_profile__campus", "validated_by"
        )
        .order_by("worked_on", "pk")
    )
    for h in qs.iterator(chunk_size=chunk_size()):
        profile = getattr(h.volunteer, "volunteer_profile", None)
        campus = profile.campus.name if profile and profile.campus else ""
        yield (
            h.worked_on, h.volunteer.full_name, campus, h.mission_id, h.mission.title,
            h.mission.organisation.name, two_places(h.hours), value_of(h.hours, rate),
            h.description, h.validated_at, h.validated_by.full_name if h.validated_by else "",
        )  # fmt: skip


HOURS_TABLE = Table(
    slug="hours",
    title=_("Validated hours"),
    year_means=_("hours worked during the year; the campus is the volunteer's"),
    headers=(
        _("Date worked"), _("Volunteer"), _("Volunteer's campus"), _("Mission number"),
        _("Mission"), _("Organisation"), _("Hours"), _("Value (EUR)"), _("What was done"),
        _("Validated on"), _("Validated by"),
    ),
    rows=_hours_rows,
)  # fmt: skip
