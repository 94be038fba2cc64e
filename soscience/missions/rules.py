"""Rules on a mission order's dates, size and effort (principle 2: time-limited)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from soscience.core.models import PlatformSettings


def order_errors(
    *, start_date: dt.date | None, end_date: dt.date | None, team_size: int | None,
    hours_per_week: int | None,
) -> dict[str, str]:  # fmt: skip
    """Field name -> message for every rule the values break; empty when all is well."""
    errors: dict[str, str] = {}
    if start_date and end_date:
        if end_date <= start_date:
            errors["end_date"] = _("The end date must be after the start date.")
        else:
            limit = PlatformSettings.load().max_mission_weeks
            if (end_date - start_date).days > limit * 7:
                errors["end_date"] = _(
                    "A mission lasts at most %(weeks)d weeks; this one lasts %(days)d days."
                ) % {"weeks": limit, "days": (end_date - start_date).days}
    if team_size is not None and not 1 <= team_size <= settings.SOSCIENCE_MAX_TEAM_SIZE:
        errors["team_size"] = _("A team has between 1 and %(max)d volunteers.") % {
            "max": settings.SOSCIENCE_MAX_TEAM_SIZE
        }
    if (
        hours_per_week is not None
        and not 1 <= hours_per_week <= settings.SOSCIENCE_MAX_HOURS_PER_WEEK
    ):
        errors["hours_per_week"] = _("Volunteers give between 1 and %(max)d hours a week.") % {
            "max": settings.SOSCIENCE_MAX_HOURS_PER_WEEK
        }
    return errors
