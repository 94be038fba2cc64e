"""Forms of the solutions library: its public filters, editing a case, reusing a mission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.cases.models import Case
from soscience.core.models import Domain
from soscience.execution.models_deliverables import Deliverable
from soscience.needs.models import Need


class LibraryFilterForm(forms.Form):
    """GET filters; a value not offered is reported next to its field and ignored."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words from the title, the problem, the solution or the results."),
    )  # fmt: skip
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, domains: list[Domain], countries: list[tuple[str, str]],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", _("All domains"))] + [
            (domain.slug, domain.name) for domain in domains
        ]
        self.fields["country"].choices = [("", _("All countries")), *countries]


class DeliverableChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Deliverable) -> str:
        return f"{obj.title} ({obj.original_name})"


class CaseForm(forms.ModelForm):
    files = DeliverableChoiceField(
        label=_("Deliverables offered for download"),
        queryset=Deliverable.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Anyone may download the files you tick, under the mission's licence, "
                    "while the case is published."),
    )  # fmt: skip

    class Meta:
        model = Case
        fields = ["title", "problem", "solution", "results", "files"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 6}),
            "solution": forms.Textarea(attrs={"rows": 8}),
            "results": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "problem": _("Markdown is allowed."),
            "solution": _("What the team did and delivered. Markdown is allowed."),
            "results": _("What changed for the organisation and the people it serves. "
                         "Markdown is allowed."),
        }  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].queryset = Deliverable.objects.filter(
            mission_id=self.instance.mission_id
        )

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReuseForm(forms.Form):
    """Which need in scoping gets a new order modelled on a past mission. Only needs in
    scoping are offered; the number itself is checked by the service, which says why a need
    in another status cannot (a page left open while someone else declined it)."""

    need = forms.IntegerField(
        label=_("Need in scoping"),
        widget=forms.Select,
        error_messages={"required": _("Choose the need that gets the new order.")},
        help_text=_("The new order is for this need's organisation: its title, problem and "
                    "place come from the need; the rest from the past mission."),
    )  # fmt: skip

    def __init__(self, *args: Any, needs: list[Need], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].widget.choices = [("", _("Choose a need")), *(
            (need.pk, f"#{need.pk} {need.title} ({need.organisation.name})") for need in needs
        )]  # fmt: skip
