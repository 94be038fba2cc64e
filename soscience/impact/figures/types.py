"""The figures' plain result types: frozen dataclasses, no querysets or model instances."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


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
    # Asked for the top only (the dashboard): were smaller missions / organisations left out?
    more_missions: bool = False
    more_organisations: bool = False
    more_campuses: bool = False


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
