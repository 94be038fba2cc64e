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

from soscience.impact.figures.missions import (
    closed_per_year,
    country_tallies,
    counts,
    launched_per_year,
    missions_by_campus,
    missions_by_country,
    missions_by_domain,
    missions_by_status,
    organisations_served,
    status_tallies,
)
from soscience.impact.figures.people import (
    hourly_rate,
    hours,
    total_of,
    validated_hours,
    volunteer_value,
    volunteers,
)
from soscience.impact.figures.public import public_figures, published_testimonials
from soscience.impact.figures.selection import LAUNCHED_STATUSES, SERVED_STATUSES, missions
from soscience.impact.figures.surveys import lead_times, satisfaction, surveys
from soscience.impact.figures.types import (
    CountryCount,
    Dashboard,
    Filters,
    Hours,
    LeadTimes,
    PublicFigures,
    Satisfaction,
    Tally,
    Testimonial,
    ValueRow,
    Volunteers,
    VolunteerValue,
)

__all__ = [
    "LAUNCHED_STATUSES",
    "SERVED_STATUSES",
    "CountryCount",
    "Dashboard",
    "Filters",
    "Hours",
    "LeadTimes",
    "PublicFigures",
    "Satisfaction",
    "Tally",
    "Testimonial",
    "ValueRow",
    "VolunteerValue",
    "Volunteers",
    "closed_per_year",
    "dashboard",
    "hourly_rate",
    "hours",
    "launched_per_year",
    "lead_times",
    "missions",
    "missions_by_campus",
    "missions_by_country",
    "missions_by_domain",
    "missions_by_status",
    "organisations_served",
    "public_figures",
    "published_testimonials",
    "satisfaction",
    "surveys",
    "validated_hours",
    "volunteer_value",
    "volunteers",
]


def dashboard(filters: Filters, top: int | None = None) -> Dashboard:
    """Every figure of the coordinators' dashboard; ``top``: only the largest missions and
    organisations in the value of volunteering (all of them without it: the report).
    Status, years and countries come from one read of the missions, the total of the hours
    from the value per year."""
    rate = hourly_rate()
    groups = counts(filters)
    value = volunteer_value(filters, rate, top)
    return Dashboard(
        filters=filters,
        by_status=status_tallies(groups),
        launched_per_year=launched_per_year(filters, groups),
        closed_per_year=closed_per_year(filters, groups),
        by_domain=missions_by_domain(filters),
        by_country=country_tallies(groups),
        by_campus=missions_by_campus(filters),
        organisations_served=organisations_served(filters),
        volunteers=volunteers(filters),
        hours=total_of(value),
        value=value,
        satisfaction=satisfaction(filters),
        lead_times=lead_times(filters),
    )
