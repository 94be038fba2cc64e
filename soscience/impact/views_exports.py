"""The coordinators' exports page, the table exports (CSV, XLSX) and the annual report PDF."""

from __future__ import annotations

from dataclasses import replace

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_GET

from soscience.accounts.sudo import sudo_required
from soscience.impact import exports, figures
from soscience.impact.access import dashboard_access
from soscience.impact.forms import FiltersForm
from soscience.impact.report import annual_report, report_pdf
from soscience.privacy.audit import Action, audit


def _filters(request: HttpRequest) -> tuple[FiltersForm, figures.Filters]:
    """The dashboard's filters from the query string (an invalid one is ignored)."""
    form = FiltersForm(request.GET or None)
    return form, form.filters() if request.GET else figures.Filters()


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Links to every export and to the annual reports, carrying the chosen filters."""
    dashboard_access(request.user)
    form, filters = _filters(request)
    query = _query(filters)
    years = [year for year, _label in form.fields["year"].choices if year != ""]
    context = {
        "form": form,
        "filters": filters,
        "tables": exports.TABLES.values(),
        "query": query,
        "report_query": _query(replace(filters, year=None)),
        "years": years,
    }
    return render(request, "impact/exports.html", context)


def _query(filters: figures.Filters) -> str:
    """The filters as a query string (slugs and codes only: nothing to escape but &)."""
    params = QueryDict(mutable=True)
    for key in ("year", "campus", "domain", "country"):
        if value := getattr(filters, key):
            params[key] = str(value)
    return params.urlencode()


@require_GET
@sudo_required
def table(request: HttpRequest, table: str, fmt: str) -> StreamingHttpResponse | FileResponse:
    """One table in one format, with the dashboard's filters."""
    dashboard_access(request.user)
    if table not in exports.TABLES or fmt not in exports.FORMATS:
        raise Http404
    _form, filters = _filters(request)
    chosen = exports.TABLES[table]
    detail = {"table": table, "format": fmt, "filters": _query(filters)}
    audit(Action.EXPORT_DOWNLOADED, actor=request.user, detail=detail, request=request)
    if fmt == "csv":
        return exports.csv_response(chosen, filters)
    return exports.xlsx_response(chosen, filters)


@require_GET
@sudo_required
def report(request: HttpRequest, year: str) -> HttpResponse:
    """The annual impact report of ``year`` as a PDF, within the other filters if given."""
    dashboard_access(request.user)
    _form, filters = _filters(request)
    pdf = report_pdf(annual_report(replace(filters, year=int(year))))
    detail = {"report": year, "filters": _query(filters)}
    audit(Action.EXPORT_DOWNLOADED, actor=request.user, detail=detail, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="soscience-impact-{year}.pdf"'
    return response
