"""Forms of delivery, closing and the closing surveys. They parse input; the rules live in
the services, which say no next to the field concerned."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from soscience.closing.models import OrganisationSurvey
from soscience.volunteers.models import Skill

FIVE = [
    (1, _("1: not at all")), (2, "2"), (3, "3"), (4, "4"), (5, _("5: completely")),
]  # fmt: skip
CONFIDENCE = [
    (1, _("1: not confident")), (2, "2"), (3, "3"), (4, "4"), (5, _("5: very confident")),
]  # fmt: skip


class AskChangesForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change in the deliverables?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("The team reads it on the mission's timeline."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the mission cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The team, its supervisor and the organisation read it."),
    )


class OrganisationSurveyForm(forms.Form):
    worked = forms.TypedChoiceField(
        label=_("Did the solution work? (1 to 5)"), choices=FIVE, coerce=int,
        widget=forms.RadioSelect,
    )  # fmt: skip
    applied = forms.ChoiceField(
        label=_("Is the solution applied?"), choices=OrganisationSurvey.Applied.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    not_applied_why = forms.CharField(
        label=_("If not, or only partly: why not (yet)?"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the answer is “Partly” or “No”."),
    )  # fmt: skip
    local_impact = forms.CharField(
        label=_("The local impact, in your own words"), max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What changed for the people you serve?"),
    )  # fmt: skip
    beneficiaries = forms.IntegerField(
        label=_("How many people benefit? (an estimate)"), min_value=0
    )
    recommend = forms.IntegerField(
        label=_("Would you recommend the programme to another organisation? (0 to 10)"),
        min_value=0, max_value=10, help_text=_("0: certainly not, 10: certainly."),
    )  # fmt: skip
    testimonial = forms.CharField(
        label=_("A testimonial (optional)"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    testimonial_consent = forms.BooleanField(
        label=_("We agree that our testimonial is published with our organisation's name."),
        required=False,
    )
    case_consent = forms.BooleanField(
        label=_(
            "We agree that the mission becomes a public case in the solutions library, so "
            "that other organisations can reuse it."
        ),
        required=False,
    )


class VolunteerSurveyForm(forms.Form):
    skills_used = forms.ModelMultipleChoiceField(
        label=_("Skills you used"), queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("At least one."),
    )  # fmt: skip
    skills_gained = forms.ModelMultipleChoiceField(
        label=_("Skills you gained or strengthened"), queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple, required=False,
    )  # fmt: skip
    confidence_before = forms.TypedChoiceField(
        label=_("Your confidence in these skills before the mission"), choices=CONFIDENCE,
        coerce=int, widget=forms.RadioSelect,
    )  # fmt: skip
    confidence_after = forms.TypedChoiceField(
        label=_("Your confidence in these skills after the mission"), choices=CONFIDENCE,
        coerce=int, widget=forms.RadioSelect,
    )  # fmt: skip
    would_change = forms.CharField(
        label=_("What would you change? (optional)"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip

    def __init__(self, *args: Any, skills: QuerySet[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills_used"].queryset = skills  # type: ignore[attr-defined]
        self.fields["skills_gained"].queryset = skills  # type: ignore[attr-defined]


class ClosingNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Your closing note"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "A few lines on how the mission went: the team's work, what was delivered, what "
            "to remember. You can change it until the mission is closed."
        ),
    )  # fmt: skip
