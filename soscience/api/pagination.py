"""Page-number pagination with links, the same for every list of the API."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from soscience.api.schemas import Paging


def _link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], paging: Paging,
    serialise: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    """One page of ``rows``. A page past the end is empty (with the count), not an error,
    so a poller walking the pages stops cleanly."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    size = paging.page_size
    pages = max(1, math.ceil(count / size))
    start = (paging.page - 1) * size
    items = list(rows[start : start + size]) if start < count else []
    return {
        "count": count,
        "page": paging.page,
        "pages": pages,
        "page_size": size,
        "next": _link(request, paging.page + 1) if paging.page < pages else None,
        "previous": _link(request, min(paging.page - 1, pages)) if paging.page > 1 else None,
        "items": [serialise(item) for item in items],
    }
