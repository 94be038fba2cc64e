"""The validated hours added up per mission, volunteer and year (``ValidatedHours``), kept in
step with the entries.

Every change to validated hours computes its missions' rows again from their entries, in the
same transaction (a mission has tens of entries): after the mission's row lock, so two
validations of one mission at once write one after the other, the second seeing the first's.
Saves and deletes of validated entries do it through signals (``impact.signals``);
``hours_validate``, whose ``update()`` sends none, calls :func:`refresh` itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import ExtractYear

from soscience.execution.models import HoursEntry
from soscience.impact.figures.campus import hours_of
from soscience.impact.figures.selection import HOURS_FIELD
from soscience.impact.models import ValidatedHours
from soscience.missions.models import Mission

Key = tuple[int, int, int]  # mission, volunteer, year


def _sums(entries: QuerySet[HoursEntry]) -> QuerySet[HoursEntry]:
    """The rollup's rows, as one SELECT over ``entries`` (columns in the table's order)."""
    return (
        entries.filter(validated_at__isnull=False)
        .annotate(y=ExtractYear("worked_on"))
        .order_by()
        .values("mission_id", "volunteer_id", "y")
        .annotate(h=Sum("hours", output_field=HOURS_FIELD))
    )


def _insert(entries: QuerySet[HoursEntry]) -> None:
    """INSERT ... SELECT: the sums never travel through Python (212,588 rows in a rebuild at
    the national size)."""
    select, params = _sums(entries).query.sql_with_params()
    table = ValidatedHours._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (mission_id, volunteer_id, year, hours) {select}",  # nosec B608
            params,
        )


def refresh(mission_ids: Iterable[int]) -> None:
    """The rows of these missions computed again from their validated entries."""
    ids = sorted(set(mission_ids))
    if not ids:
        return
    with transaction.atomic():
        # Locked in id order: two refreshes never wait on each other in a cycle.
        locked = Mission.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        list(locked.values_list("pk"))
        ValidatedHours.objects.filter(mission_id__in=ids).delete()
        _insert(HoursEntry.objects.filter(mission_id__in=ids))


def rebuild() -> int:
    """Every row computed again (after a bulk load, or to repair); returns how many rows."""
    with transaction.atomic():
        ValidatedHours.objects.all().delete()
        _insert(HoursEntry.objects.all())
        return ValidatedHours.objects.count()


def differences() -> dict[Key, tuple[Decimal | None, Decimal | None]]:
    """Where the rollup and the entries disagree: key -> (rollup, entries), in hours with two
    decimals (None: no row). Empty: in step."""
    kept = {
        (m, v, y): hours_of(h)
        for m, v, y, h in ValidatedHours.objects.values_list(
            "mission_id", "volunteer_id", "year", "hours"
        )
    }
    live = {
        (m, v, int(y)): hours_of(h)
        for m, v, y, h in _sums(HoursEntry.objects.all()).values_list(
            "mission_id", "volunteer_id", "y", "h"
        )
    }
    return {
        key: (kept.get(key), live.get(key))
        for key in kept.keys() | live.keys()
        if kept.get(key) != live.get(key)
    }
