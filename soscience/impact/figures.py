"""The impact figures: one documented API for the dashboard, the public page, and the exports
and annual report built on top of it.

Every function takes a :class:`Filters` and returns plain frozen dataclasses (no querysets,
no model instances), computed with a bounded number of SQL queries (aggregates, never one
query per row). Empty data gives zeros, empty tuples or ``None`` ("no data"), never an error.

Which date a figure is counted by (the year filter):
- mission counts, organisations served and volunteers engaged: missions *active* during the
  year (published before its end, and not closed or cancelled before its start; a mission
  never published is in no year);
- missions launched / closed per year: the year of ``published_at`` / ``closed_at``;
- validated hours and their value: the year the hours were worked (``worked_on``), which is
  what an association reports in that year's accounts;
- surveys (satisfaction, solutions applied, beneficiaries): the year of the answer;
- lead times: the year the mission was published.

The campus filter keeps missions offered at that campus (``Mission.campuses``) for figures
about missions, and volunteers of that campus (their profile's campus) for figures about
people and their hours; the value of volunteering per campus is by the volunteer's campus,
so a mission offered at two campuses is never counted twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from soscience.applications.models import TeamMember
from soscience.closing.models import OrganisationSurvey
from soscience.core.models import PlatformSettings
from soscience.execution.models import HoursEntry
from soscience.missions.models import Mission

ZERO = Decimal("0.00")
CENTS = Decimal("0.01")
HOURS_FIELD = DecimalField(max_digits=12, decimal_places=2)

# An organisation is "served" once one of its missions has started.
SERVED_STATUSES = (
    Mission.Status.IN_PROGRESS, Mission.Status.DELIVERED, Mission.Status.ACCEPTED,
    Mission.Status.CLOSED,
)  # fmt: skip
# Publicly visible missions: launched and not cancelled.
LAUNCHED_STATUSES = (Mission.Status.OPEN, *SERVED_STATUSES)


@dataclass(frozen=True)
class Filters:
    """What the figures are restricted to; ``None`` means no restriction.

    ``campus`` and ``domain`` are slugs, ``country`` an ISO 3166-1 alpha-2 code.
    """

    year: int | None = None
    campus: str | None = None
    domain: str | None = None
    country: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.year or self.campus or self.domain or self.country)


@dataclass(frozen=True)
class Tally:
    """One labelled count (or amount) of a breakdown: ``key`` is stable, ``label`` is in
    the reader's language."""

    key: str
    label: str
    value: int | Decimal


@dataclass(frozen=True)
class CountryCount:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class Hours:
    """Validated hours and what they are worth at the platform's hourly rate (EUR)."""

    hours: Decimal
    rate: Decimal
    value: Decimal


@dataclass(frozen=True)
class ValueRow:
    """One line of the value of volunteering: validated hours and their value (EUR)."""

    key: str
    label: str
    hours: Decimal
    value: Decimal


@dataclass(frozen=True)
class VolunteerValue:
    rate: Decimal
    by_mission: tuple[ValueRow, ...]
    by_organisation: tuple[ValueRow, ...]
    by_campus: tuple[ValueRow, ...]
    by_year: tuple[ValueRow, ...]


@dataclass(frozen=True)
class Volunteers:
    engaged: int  # on the team of at least one (not cancelled) mission
    returning: int  # on the teams of two or more


@dataclass(frozen=True)
class Satisfaction:
    """The organisations' closing surveys. Averages and rates are ``None`` without answers.

    ``nps`` is the share of 9-10 minus the share of 0-6 answers to "would you recommend",
    in points from -100 to 100; ``applied_rate`` is the percentage of answers "yes" or
    "partly" to "is the solution applied?".
    """

    answered: int
    worked_average: Decimal | None
    promoters: int
    passives: int
    detractors: int
    nps: int | None
    applied: tuple[Tally, ...]
    applied_rate: Decimal | None
    beneficiaries: int


@dataclass(frozen=True)
class LeadTimes:
    """Average days, with how many missions each average is over (``None`` without any)."""

    need_to_publication: Decimal | None
    need_to_publication_missions: int
    publication_to_selection: Decimal | None
    publication_to_selection_missions: int


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    by_status: tuple[Tally, ...]
    launched_per_year: tuple[Tally, ...]
    closed_per_year: tuple[Tally, ...]
    by_domain: tuple[Tally, ...]
    by_country: tuple[CountryCount, ...]
    by_campus: tuple[Tally, ...]
    organisations_served: int
    volunteers: Volunteers
    hours: Hours
    value: VolunteerValue
    satisfaction: Satisfaction
    lead_times: LeadTimes


# --- the filtered sets -------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def missions(filters: Filters, *, by_campus: bool = True) -> QuerySet[Mission]:
    """The missions the filters keep (campus: where the mission is offered, unless
    ``by_campus`` is False because the caller filters people by their own campus)."""
    qs = Mission.objects.all()
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.domain:
        qs = qs.filter(pk__in=Mission.domains.through.objects.filter(
            domain__slug=filters.domain).values("mission_id"))  # fmt: skip
    if filters.campus and by_campus:
        qs = qs.filter(pk__in=Mission.campuses.through.objects.filter(
            campus__slug=filters.campus).values("mission_id"))  # fmt: skip
    if filters.year:
        start, end = _year_bounds(filters.year)
        qs = qs.filter(published_at__lt=end)
        qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        qs = qs.filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=start))
    return qs


def _without_year(filters: Filters) -> Filters:
    return replace(filters, year=None)


# --- missions ----------------------------------------------------------------------------


def missions_by_status(filters: Filters) -> tuple[Tally, ...]:
    """Every status, in the order of a mission's life, with zeros kept."""
    counts = dict(missions(filters).order_by().values_list("status").annotate(n=Count("pk")))
    return tuple(Tally(s.value, str(s.label), counts.get(s.value, 0)) for s in Mission.Status)


def _per_year(filters: Filters, field: str) -> tuple[Tally, ...]:
    qs = missions(_without_year(filters)).filter(**{f"{field}__isnull": False})
    qs = qs.annotate(y=ExtractYear(field))
    if filters.year:
        qs = qs.filter(y=filters.year)
    rows = qs.order_by("y").values_list("y").annotate(n=Count("pk"))
    return tuple(Tally(str(year), str(year), n) for year, n in rows)


def launched_per_year(filters: Filters) -> tuple[Tally, ...]:
    """Missions published, per year of publication."""
    return _per_year(filters, "published_at")


def closed_per_year(filters: Filters) -> tuple[Tally, ...]:
    """Missions closed, per year of closing."""
    return _per_year(filters, "closed_at")


def _name_field() -> str:
    return "name_en" if (get_language() or "fr").startswith("en") else "name_fr"


def missions_by_domain(filters: Filters) -> tuple[Tally, ...]:
    """Missions per domain (a mission in two domains counts in each), largest first."""
    name = f"domain__{_name_field()}"
    rows = (
        Mission.domains.through.objects.filter(mission__in=missions(filters))
        .values_list("domain__slug", name)
        .annotate(n=Count("mission_id"))
        .order_by("-n", name)
    )
    return tuple(Tally(slug, label, n) for slug, label, n in rows)


def missions_by_country(filters: Filters) -> tuple[CountryCount, ...]:
    """Missions per country, largest first, with the country's name in the reader's
    language."""
    return _by_country(missions(filters))


def _by_country(qs: QuerySet[Mission]) -> tuple[CountryCount, ...]:
    rows = qs.order_by().values_list("country").annotate(n=Count("pk"))
    result = [CountryCount(code, str(countries.name(code)) or code, n) for code, n in rows]
    return tuple(sorted(result, key=lambda c: (-c.count, c.name)))


def missions_by_campus(filters: Filters) -> tuple[Tally, ...]:
    """Missions per campus where they are offered (a mission offered at two campuses counts
    in each), largest first."""
    rows = (
        Mission.campuses.through.objects.filter(mission__in=missions(filters))
        .values_list("campus__slug", "campus__name")
        .annotate(n=Count("mission_id"))
        .order_by("-n", "campus__name")
    )
    return tuple(Tally(slug, label, n) for slug, label, n in rows)


def organisations_served(filters: Filters) -> int:
    """Organisations with at least one mission in progress or later (not cancelled)."""
    qs = missions(filters).filter(status__in=SERVED_STATUSES)
    return qs.aggregate(n=Count("organisation", distinct=True))["n"]


# --- people and hours --------------------------------------------------------------------


def _team(filters: Filters) -> QuerySet[TeamMember]:
    kept = missions(filters, by_campus=False).exclude(status=Mission.Status.CANCELLED)
    qs = TeamMember.objects.filter(mission__in=kept)
    if filters.campus:
        qs = qs.filter(volunteer__volunteer_profile__campus__slug=filters.campus)
    return qs


def volunteers(filters: Filters) -> Volunteers:
    """Volunteers on at least one team, and those on two or more (one query)."""
    per_volunteer = _team(filters).order_by().values("volunteer").annotate(n=Count("mission"))
    totals = per_volunteer.aggregate(
        engaged=Count("volunteer"), returning=Count("volunteer", filter=Q(n__gte=2))
    )
    return Volunteers(engaged=totals["engaged"], returning=totals["returning"])


def hourly_rate() -> Decimal:
    """The platform's value of one hour, read without creating the settings row (a GET
    never writes)."""
    rate = PlatformSettings.objects.filter(pk=1).values_list("hourly_rate", flat=True).first()
    if rate is None:
        return Decimal(PlatformSettings._meta.get_field("hourly_rate").default)
    return rate


def _value(hours: Decimal, rate: Decimal) -> Decimal:
    return (hours * rate).quantize(CENTS, rounding=ROUND_HALF_UP)


def validated_hours(filters: Filters) -> QuerySet[HoursEntry]:
    """Validated hours the filters keep (for the exports too)."""
    qs = HoursEntry.objects.filter(
        validated_at__isnull=False, mission__in=missions(_without_year(filters), by_campus=False)
    )
    if filters.campus:
        qs = qs.filter(volunteer__volunteer_profile__campus__slug=filters.campus)
    if filters.year:
        qs = qs.filter(worked_on__year=filters.year)
    return qs


def hours(filters: Filters, rate: Decimal | None = None) -> Hours:
    """Validated hours and their value at the hourly rate."""
    rate = hourly_rate() if rate is None else rate
    total = validated_hours(filters).aggregate(
        h=Coalesce(Sum("hours"), ZERO, output_field=HOURS_FIELD)
    )["h"]
    return Hours(hours=total, rate=rate, value=_value(total, rate))


def _value_rows(qs: QuerySet, key: str, label: str, rate: Decimal) -> tuple[ValueRow, ...]:
    rows = (
        qs.order_by()
        .values_list(key, label)
        .annotate(h=Sum("hours", output_field=HOURS_FIELD))
        .order_by("-h", label)
    )
    return tuple(
        ValueRow(str(k if k is not None else ""), str(lab) if lab is not None else "",
                 h, _value(h, rate))
        for k, lab, h in rows
    )  # fmt: skip


def volunteer_value(filters: Filters, rate: Decimal | None = None) -> VolunteerValue:
    """The value of volunteering per mission, organisation, volunteer's campus and year:
    the figure associations report as volunteer contributions (four queries)."""
    rate = hourly_rate() if rate is None else rate
    qs = validated_hours(filters)
    campus_key = "volunteer__volunteer_profile__campus__slug"
    by_campus = tuple(
        row if row.key else replace(row, label=_("No campus given"))
        for row in _value_rows(qs, campus_key, "volunteer__volunteer_profile__campus__name", rate)
    )
    by_year = _value_rows(qs.annotate(y=ExtractYear("worked_on")), "y", "y", rate)
    return VolunteerValue(
        rate=rate,
        by_mission=_value_rows(qs, "mission_id", "mission__title", rate),
        by_organisation=_value_rows(
            qs, "mission__organisation_id", "mission__organisation__name", rate
        ),
        by_campus=by_campus,
        by_year=tuple(sorted(by_year, key=lambda r: r.key)),
    )


# --- surveys and lead times --------------------------------------------------------------


def surveys(filters: Filters) -> QuerySet[OrganisationSurvey]:
    """Organisations' closing surveys the filters keep (year: of the answer)."""
    qs = OrganisationSurvey.objects.filter(mission__in=missions(_without_year(filters)))
    if filters.year:
        start, end = _year_bounds(filters.year)
        qs = qs.filter(answered_at__gte=start, answered_at__lt=end)
    return qs


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def satisfaction(filters: Filters) -> Satisfaction:
    """Averages and counts from the closing surveys, in one query."""
    Applied = OrganisationSurvey.Applied
    totals = surveys(filters).aggregate(
        answered=Count("pk"),
        worked=Avg("worked"),
        promoters=Count("pk", filter=Q(recommend__gte=9)),
        passives=Count("pk", filter=Q(recommend__gte=7, recommend__lte=8)),
        detractors=Count("pk", filter=Q(recommend__lte=6)),
        beneficiaries=Coalesce(Sum("beneficiaries"), 0),
        **{f"applied_{a.value}": Count("pk", filter=Q(applied=a.value)) for a in Applied},
    )
    answered = totals["answered"]
    worked = totals["worked"]
    nps = None
    if answered:
        share = Decimal(100) * (totals["promoters"] - totals["detractors"]) / answered
        nps = int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    applied = tuple(Tally(a.value, str(a.label), totals[f"applied_{a.value}"]) for a in Applied)
    used = totals[f"applied_{Applied.YES}"] + totals[f"applied_{Applied.PARTLY}"]
    return Satisfaction(
        answered=answered,
        worked_average=None if worked is None else Decimal(str(worked)).quantize(Decimal("0.1")),
        promoters=totals["promoters"], passives=totals["passives"],
        detractors=totals["detractors"], nps=nps, applied=applied,
        applied_rate=_percent(used, answered), beneficiaries=totals["beneficiaries"],
    )  # fmt: skip


def _days(duration: dt.timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / 86400).quantize(Decimal("0.1"))


def lead_times(filters: Filters) -> LeadTimes:
    """Average days from the need's submission to the mission's publication, and from
    publication to the first volunteer selected (one query)."""
    qs = missions(_without_year(filters)).filter(published_at__isnull=False)
    if filters.year:
        start, end = _year_bounds(filters.year)
        qs = qs.filter(published_at__gte=start, published_at__lt=end)
    first_selected = (
        TeamMember.objects.filter(mission=OuterRef("pk")).order_by("joined_at").values("joined_at")
    )
    qs = qs.annotate(first_selected=Subquery(first_selected[:1]))
    totals = qs.aggregate(
        to_publication=Avg(F("published_at") - F("need__submitted_at")),
        to_publication_n=Count("pk", filter=Q(need__isnull=False)),
        to_selection=Avg(F("first_selected") - F("published_at")),
        to_selection_n=Count("pk", filter=Q(first_selected__isnull=False)),
    )
    return LeadTimes(
        need_to_publication=_days(totals["to_publication"]),
        need_to_publication_missions=totals["to_publication_n"],
        publication_to_selection=_days(totals["to_selection"]),
        publication_to_selection_missions=totals["to_selection_n"],
    )


def dashboard(filters: Filters) -> Dashboard:
    """Every figure of the coordinators' dashboard."""
    rate = hourly_rate()
    return Dashboard(
        filters=filters,
        by_status=missions_by_status(filters),
        launched_per_year=launched_per_year(filters),
        closed_per_year=closed_per_year(filters),
        by_domain=missions_by_domain(filters),
        by_country=missions_by_country(filters),
        by_campus=missions_by_campus(filters),
        organisations_served=organisations_served(filters),
        volunteers=volunteers(filters),
        hours=hours(filters, rate),
        value=volunteer_value(filters, rate),
        satisfaction=satisfaction(filters),
        lead_times=lead_times(filters),
    )


# --- the public page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Testimonial:
    text: str
    organisation: str
    answered_on: dt.date


@dataclass(frozen=True)
class PublicFigures:
    """Aggregates only: no person is named, no discreet organisation either (testimonials
    are published with the organisation's name because it consented to exactly that)."""

    missions_launched: int  # published and not cancelled
    missions_closed: int
    organisations_served: int
    volunteers_engaged: int
    hours: Hours
    beneficiaries: int
    by_country: tuple[CountryCount, ...]
    testimonials: tuple[Testimonial, ...]


def published_testimonials(limit: int = 12) -> tuple[Testimonial, ...]:
    """The latest testimonials whose authors agreed to their publication with their name."""
    rows = (
        OrganisationSurvey.objects.filter(testimonial_consent=True)
        .exclude(testimonial="")
        .order_by("-answered_at", "-pk")
        .values_list("testimonial", "mission__organisation__name", "answered_at")[:limit]
    )
    return tuple(Testimonial(text, name, timezone.localdate(at)) for text, name, at in rows)


def public_figures() -> PublicFigures:
    """The public impact page's figures, the same for every visitor."""
    everything = Filters()
    launched = missions(everything).filter(status__in=LAUNCHED_STATUSES)
    counts = launched.aggregate(
        launched=Count("pk"), closed=Count("pk", filter=Q(status=Mission.Status.CLOSED))
    )
    return PublicFigures(
        missions_launched=counts["launched"],
        missions_closed=counts["closed"],
        organisations_served=organisations_served(everything),
        volunteers_engaged=volunteers(everything).engaged,
        hours=hours(everything),
        beneficiaries=surveys(everything).aggregate(n=Coalesce(Sum("beneficiaries"), 0))["n"],
        by_country=_by_country(launched),
        testimonials=published_testimonials(),
    )
