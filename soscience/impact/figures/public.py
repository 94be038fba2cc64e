"""The public impact page's figures: aggregates only."""

from __future__ import annotations

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from soscience.closing.models import OrganisationSurvey
from soscience.impact.figures.missions import country_tallies, counts, organisations_served
from soscience.impact.figures.people import hours, volunteers
from soscience.impact.figures.selection import LAUNCHED_STATUSES
from soscience.impact.figures.surveys import surveys
from soscience.impact.figures.types import Filters, PublicFigures, Testimonial
from soscience.missions.models import Mission


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
    # Missions launched: published and not cancelled, from the grouped read of missions.
    launched = [g for g in counts(everything) if g.status in LAUNCHED_STATUSES]
    return PublicFigures(
        missions_launched=sum(g.count for g in launched),
        missions_closed=sum(g.count for g in launched if g.status == Mission.Status.CLOSED),
        organisations_served=organisations_served(everything),
        volunteers_engaged=volunteers(everything).engaged,
        hours=hours(everything),
        beneficiaries=surveys(everything).aggregate(n=Coalesce(Sum("beneficiaries"), 0))["n"],
        by_country=country_tallies(launched),
        testimonials=published_testimonials(),
    )
