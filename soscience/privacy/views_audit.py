"""The audit log's page: coordinators read who did what, when and from where."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from soscience.core.access import require_coordinator
from soscience.privacy.audit import PAGE_SIZE, Action, audit_events


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilter(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *Action.choices]
    )
    actor = forms.CharField(
        label=_("Actor's email contains"), required=False, max_length=254,
        widget=forms.TextInput(attrs={"type": "search"}),
    )  # fmt: skip
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date comes after the start date."))
        return data


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first; an invalid filter is shown with its error and ignored."""
    require_coordinator(request.user)
    filters = AuditFilter(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    events = audit_events(
        action=chosen.get("action", ""), actor=chosen.get("actor", ""),
        date_from=chosen.get("date_from"), date_to=chosen.get("date_to"),
    )  # fmt: skip
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Action.choices)
    # An action the code no longer knows is shown as recorded.
    rows = [(event, labels.get(event.action, event.action)) for event in page]
    context = {"filters": filters, "page": page, "rows": rows}
    return render(request, "privacy/audit.html", context)
