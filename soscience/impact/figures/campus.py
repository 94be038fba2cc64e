"""The value of volunteering per volunteer's campus, reading the sums of hours once and the
volunteers' profiles once, and never the user table.

Through the ORM, ``volunteer__volunteer_profile__campus`` joins each row of hours to its user
before its profile: at the national size (then 2 million validated entries read directly,
500,000 users) that join alone cost about 0.5 s of the 1.7 s. A profile points to its user's
id, which the hours already carry: joined on it directly, the same figures took 1.2 s. The
ORM cannot leave out the user join, so this one statement is written in SQL around the ORM's
own SQL for the filtered hours (the filters stay in one place:
:func:`soscience.impact.figures.people.hours_sums`, the sums per mission, volunteer and year).
"""

from __future__ import annotations

from decimal import Context, Decimal

from django.db import connections
from django.db.models import F, QuerySet

from soscience.impact.figures.selection import CENTS, value_of
from soscience.impact.figures.types import ValueRow
from soscience.impact.models import ValidatedHours
from soscience.volunteers.models import Campus, VolunteerProfile

# As Django's own converter reads a sum SQLite returns as a float.
FLOATS = Context(prec=15)


def hours_of(value: Decimal | float | int | None) -> Decimal:
    """A sum read from the database, in hours with two decimals."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, float):
        return FLOATS.create_decimal_from_float(value).quantize(CENTS)
    return Decimal(value).quantize(CENTS)


def _statement(inner: str, alias: str) -> str:
    quote = connections[alias].ops.quote_name
    profile, campus = VolunteerProfile._meta, Campus._meta
    slug, name = (quote(campus.get_field(f).column) for f in ("slug", "name"))
    user_id = quote(profile.get_field("user").column)
    campus_id = quote(profile.get_field("campus").column)
    # Only table and column names from the models' metadata are written in; every value is
    # a parameter of the ORM's inner query.
    return (
        f"SELECT c.{slug}, c.{name}, SUM(v.hours) AS h FROM ({inner}) v "  # noqa: S608  # nosec B608
        f"LEFT JOIN {quote(profile.db_table)} p ON p.{user_id} = v.person "
        f"LEFT JOIN {quote(campus.db_table)} c ON c.{quote(campus.pk.column)} = p.{campus_id} "
        f"GROUP BY c.{slug}, c.{name} ORDER BY h DESC, c.{name}, c.{slug}"
    )


def campus_totals(qs: QuerySet[ValidatedHours]) -> list[tuple[str | None, str | None, Decimal]]:
    """(campus slug, campus name, hours) for the hours of ``qs``, largest first, then by
    name and slug; the volunteers without a campus (or without a profile) in one row whose
    slug and name are ``None``."""
    entries = qs.order_by().values("hours", person=F("volunteer_id"))
    inner, params = entries.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(_statement(inner, qs.db), params)
        return [(slug, name, hours_of(h)) for slug, name, h in cursor.fetchall()]


def per_campus(qs: QuerySet[ValidatedHours], rate: Decimal) -> tuple[ValueRow, ...]:
    """The value rows per campus of :func:`campus_totals` (the caller names the row of the
    volunteers without a campus)."""
    return tuple(
        ValueRow(slug or "", name or "", hours, value_of(hours, rate))
        for slug, name, hours in campus_totals(qs)
    )
