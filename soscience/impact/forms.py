from __future__ import annotations

from typing import Any

from django import forms
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from soscience.core.models import Domain
from soscience.impact.figures import Filters
from soscience.missions.models import Mission
from soscience.volunteers.models import Campus


class FiltersForm(forms.Form):
    """The dashboard's filters, read from the query string (a GET form: works without JS)."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    campus = forms.ModelChoiceField(
        label=_("Campus"), required=False, queryset=Campus.objects.all(), to_field_name="slug",
        empty_label=_("All campuses"),
    )  # fmt: skip
    domain = forms.ModelChoiceField(
        label=_("Domain"), required=False, queryset=Domain.objects.all(), to_field_name="slug",
        empty_label=_("All domains"),
    )  # fmt: skip
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *self._years()]
        self.fields["country"].choices = [("", _("All countries")), *self._countries()]

    @staticmethod
    def _years() -> list[tuple[int, int]]:
        published = (
            Mission.objects.filter(published_at__isnull=False)
            .annotate(y=ExtractYear("published_at"))
            .order_by()
            .values_list("y", flat=True)
            .distinct()
        )
        years = {*published, timezone.localdate().year}
        return [(y, y) for y in sorted(years, reverse=True)]

    @staticmethod
    def _countries() -> list[tuple[str, str]]:
        codes = Mission.objects.order_by().values_list("country", flat=True).distinct()
        return sorted(((c, str(countries.name(c)) or c) for c in codes), key=lambda c: c[1])

    def filters(self) -> Filters:
        """The valid filters; one that does not validate is shown with its error and
        ignored."""
        self.is_valid()
        data = self.cleaned_data
        campus, domain = data.get("campus"), data.get("domain")
        return Filters(
            year=data.get("year"),
            campus=campus.slug if campus else None,
            domain=domain.slug if domain else None,
            country=data.get("country") or None,
        )
