from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soscience.core.widgets import LongSelect
from soscience.impact import cache
from soscience.impact.figures import Filters
from soscience.impact.pages import FilterChoices


class FiltersForm(forms.Form):
    """The dashboard's filters, read from the query string (a GET form: works without JS).

    The options come from the figures cache (years and countries of missions, campuses,
    domains), so showing and checking them reads no table while nothing changed."""

    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    campus = forms.ChoiceField(label=_("Campus"), required=False, widget=LongSelect)
    domain = forms.ChoiceField(label=_("Domain"), required=False, widget=LongSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=LongSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Callables: Django reads them only when the options are shown or a value is checked
        # (an export without filters reads none), and then once (_choices).
        self._known: FilterChoices | None = None
        self.fields["year"].choices = lambda: [("", _("All years")), *self._years()]
        self.fields["campus"].choices = lambda: [("", _("All campuses")), *self._choices().campuses]
        self.fields["domain"].choices = lambda: [("", _("All domains")), *self._choices().domains]
        self.fields["country"].choices = lambda: [
            ("", _("All countries")), *self._choices().countries
        ]  # fmt: skip

    def _choices(self) -> FilterChoices:
        if self._known is None:
            self._known = cache.filter_choices()
        return self._known

    def _years(self) -> list[tuple[int, int]]:
        # This year is offered before any mission is published in it.
        years = {*self._choices().years, timezone.localdate().year}
        return [(year, year) for year in sorted(years, reverse=True)]

    def filters(self) -> Filters:
        """The valid filters; one that does not validate is shown with its error and
        ignored."""
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            year=data.get("year"),
            campus=data.get("campus") or None,
            domain=data.get("domain") or None,
            country=data.get("country") or None,
        )
