"""Public endpoints: what the public pages show, to anyone (no token needed)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from soscience.api import selectors, serialise
from soscience.api.auth import optional_token
from soscience.api.pagination import paginate
from soscience.api.schemas import (
    ERRORS,
    NOT_FOUND,
    CaseDetail,
    CaseFilters,
    CasePage,
    EventFilters,
    EventOut,
    EventPage,
    ImpactOut,
    MissionDetail,
    MissionFilters,
    MissionPage,
    Paging,
)
from soscience.impact import cache as impact_cache

router = Router(auth=optional_token, tags=["public"])


@router.get("/missions/", response={200: MissionPage, **ERRORS}, operation_id="missions_list")
def missions_list(
    request: HttpRequest, filters: Query[MissionFilters], paging: Query[Paging]
) -> dict[str, Any]:
    """Open missions, newest published first, with the catalogue's filters."""
    rows = selectors.open_missions(filters.model_dump())
    return paginate(request, rows, paging, lambda m: serialise.mission_summary(request, m))


@router.get(
    "/missions/{int:pk}/", response={200: MissionDetail, **NOT_FOUND},
    operation_id="missions_detail",
)  # fmt: skip
def missions_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    """An open mission as its public page shows it."""
    return serialise.mission_detail(request, selectors.open_mission(pk))


@router.get("/events/", response={200: EventPage, **ERRORS}, operation_id="events_list")
def events_list(
    request: HttpRequest, filters: Query[EventFilters], paging: Query[Paging]
) -> dict[str, Any]:
    """Published events: coming ones, soonest first (``past=true``: past ones)."""
    rows = selectors.published_events(campus=filters.campus, past=filters.past)
    return paginate(request, rows, paging, lambda e: serialise.event(request, e))


@router.get("/events/{slug}/", response={200: EventOut, **NOT_FOUND}, operation_id="events_detail")
def events_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    return serialise.event(request, selectors.published_event(slug))


@router.get("/impact/", response={200: ImpactOut, **ERRORS}, operation_id="impact")
def impact(request: HttpRequest) -> dict[str, Any]:
    """The public impact page's aggregate figures."""
    return serialise.impact(impact_cache.public().value.data)


@router.get("/cases/", response={200: CasePage, **ERRORS}, operation_id="cases_list")
def cases_list(
    request: HttpRequest, filters: Query[CaseFilters], paging: Query[Paging]
) -> dict[str, Any]:
    """Published cases of the solutions library."""
    rows = selectors.published_cases(filters.model_dump())
    return paginate(request, rows, paging, lambda c: serialise.case_summary(request, c))


@router.get("/cases/{slug}/", response={200: CaseDetail, **NOT_FOUND}, operation_id="cases_detail")
def cases_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    return serialise.case_detail(request, selectors.published_case(slug))
