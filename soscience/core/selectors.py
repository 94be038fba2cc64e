from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from soscience.core.models import InternalNote


def notes_for(subject: models.Model) -> models.QuerySet[InternalNote]:
    """Internal notes on one object, newest first. Callers check the reader is a coordinator."""
    return InternalNote.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("author")


def home_figures() -> dict[str, object]:
    """A few public figures and the latest published missions for the home page."""
    from soscience.missions.models import Mission
    from soscience.organisations.models import Organisation

    latest = (
        Mission.objects.published()
        .select_related("organisation")
        .prefetch_related("domains")
        .order_by("-published_at")[:3]
    )
    return {
        "latest_missions": latest,
        "open_count": Mission.objects.published().count(),
        "organisation_count": Organisation.objects.verified().count(),
    }


def dashboard_for(user: object) -> dict[str, object]:
    """What each role needs first on its starting page."""
    from soscience.missions.models import Mission
    from soscience.needs.models import Need
    from soscience.organisations.models import Organisation

    roles = user.roles  # type: ignore[attr-defined]
    context: dict[str, object] = {}
    if "coordinator" in roles:
        context["coordinator"] = {
            "organisations_to_review": Organisation.objects.awaiting_review().count(),
            "needs_to_triage": Need.objects.triage_queue().count(),
            "needs_in_scoping": Need.objects.filter(status=Need.Status.SCOPING).count(),
            "orders_awaiting": Mission.objects.filter(
                status=Mission.Status.AWAITING_APPROVAL
            ).count(),
            "orders_to_publish": Mission.objects.filter(status=Mission.Status.APPROVED).count(),
        }
    if "supervisor" in roles:
        context["supervised"] = (
            Mission.objects.filter(supervisor=user)
            .select_related("organisation")
            .order_by("-created_at")
        )
    if "volunteer" in roles:
        context["team_missions"] = (
            Mission.objects.filter(
                team__volunteer=user, status__in=[Mission.Status.OPEN, Mission.Status.IN_PROGRESS]
            )
            .select_related("organisation")
            .order_by("end_date")
        )
    if "organisation_member" in roles:
        organisations = Organisation.objects.of_member(user).order_by("name")
        context["organisations"] = organisations
        context["my_needs"] = (
            Need.objects.filter(organisation__in=organisations)
            .select_related("organisation")
            .order_by("-submitted_at")[:20]
        )
        context["my_missions"] = (
            Mission.objects.filter(organisation__in=organisations)
            .exclude(status=Mission.Status.DRAFT)
            .select_related("organisation")
            .order_by("-updated_at")[:20]
        )
    return context
