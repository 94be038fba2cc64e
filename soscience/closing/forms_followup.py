"""The follow-up survey form the organisation fills in through its signed link."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.closing.models import FollowUp


class FollowUpAnswerForm(forms.ModelForm):
    create_need = forms.BooleanField(
        label=_("Turn our further needs into a new need for the SoScience team"),
        required=False,
        help_text=_(
            "The team triages it like any need your organisation submits; you can complete "
            "it from your space until then."
        ),
    )

    class Meta:
        model = FollowUp
        fields = ["still_in_use", "what_changed", "beneficiaries_now", "further_needs"]
        widgets = {
            "still_in_use": forms.RadioSelect,
            "what_changed": forms.Textarea(attrs={"rows": 5}),
            "further_needs": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "what_changed": _("In your own words: for the people you serve, for your team."),
            "further_needs": _("A new problem the programme could help with, if any."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Blank in the model (an unanswered row), required of an answer.
        for name in ("still_in_use", "what_changed"):
            self.fields[name].required = True
        # RadioSelect of a blank-able field offers an empty "---------" choice: not an answer.
        self.fields["still_in_use"].choices = FollowUp.InUse.choices
