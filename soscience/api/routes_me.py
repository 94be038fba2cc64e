"""Endpoints for the token's owner: exactly what their own pages show them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Query, Router

from soscience.api import selectors, serialise
from soscience.api.auth import TokenAuth, caller
from soscience.api.pagination import paginate
from soscience.api.schemas import (
    ERRORS,
    NOT_FOUND,
    ApplicationPage,
    Me,
    MissionsForMe,
    NeedPage,
    NewsFilters,
    NewsPage,
    Paging,
    Profile,
)
from soscience.matching.selectors import missions_for

router = Router(auth=TokenAuth(), tags=["me"])


@router.get("/", response={200: Me, **ERRORS}, operation_id="me")
def me(request: HttpRequest) -> dict[str, Any]:
    """Who the token belongs to."""
    user = caller(request).user
    return {
        "name": str(user),
        "email": user.email,  # type: ignore[union-attr]
        "roles": sorted(str(role) for role in user.roles),  # type: ignore[union-attr]
        "language": user.language,  # type: ignore[union-attr]
    }


@router.get("/profile/", response={200: Profile, **NOT_FOUND}, operation_id="me_profile")
def profile(request: HttpRequest) -> dict[str, Any]:
    """My volunteer profile (404 while I have none)."""
    return serialise.profile(selectors.own_profile(caller(request).user))  # type: ignore[arg-type]


@router.get(
    "/applications/", response={200: ApplicationPage, **ERRORS},
    operation_id="me_applications",
)  # fmt: skip
def applications(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """My applications, those waiting for something first."""
    rows = selectors.own_applications(caller(request).user)  # type: ignore[arg-type]
    return paginate(request, rows, paging, lambda a: serialise.application(request, a))


@router.get("/missions/", response={200: MissionsForMe, **ERRORS}, operation_id="me_missions")
def missions(request: HttpRequest) -> dict[str, Any]:
    """Missions for me: the open missions offered to me, ranked for my profile, with the
    reasons (only with my consent to matching, as on the page)."""
    language = "fr" if (get_language() or "fr").startswith("fr") else "en"
    data = missions_for(caller(request).user, language)  # type: ignore[arg-type]
    rows = [
        {
            "mission": serialise.mission_summary(request, row.mission),
            "fit": row.fit,
            "fit_label": row.fit_label,
            "reasons": list(row.reasons),
            "gaps": list(row.gaps),
            "application_status": row.application.status if row.application else None,
        }
        for row in data.missions
    ]
    return {
        "has_profile": data.profile is not None,
        "matchable": data.matchable,
        "offered": data.offered,
        "language": language,
        "missions": rows,
    }


@router.get("/needs/", response={200: NeedPage, **ERRORS}, operation_id="me_needs")
def needs(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """The needs of my organisations, newest first."""
    rows = selectors.member_needs(caller(request).user)  # type: ignore[arg-type]
    return paginate(request, rows, paging, lambda n: serialise.need(request, n))


@router.get("/news/", response={200: NewsPage, **ERRORS}, operation_id="me_news")
def news(
    request: HttpRequest, filters: Query[NewsFilters], paging: Query[Paging]
) -> dict[str, Any]:
    """News the teams shared with my organisations about their missions (never the team's
    internal news)."""
    rows = selectors.member_news(caller(request).user, mission=filters.mission)  # type: ignore[arg-type]
    return paginate(request, rows, paging, lambda u: serialise.news(request, u))
