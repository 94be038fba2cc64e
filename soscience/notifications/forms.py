from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.notifications.models import Delivery, Kind
from soscience.organisations.models import Organisation


class PreferencesForm(forms.Form):
    """One choice per kind of event: mail now, in a daily digest, or no mail."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect
            )


class NewsFrequencyForm(forms.Form):
    news_frequency = forms.ChoiceField(
        label=_("Progress news by mail"),
        choices=Organisation.NewsFrequency.choices,
        help_text=_(
            "For every member of the organisation: the news mission teams share with you, as "
            "it comes or gathered in one mail a week."
        ),
    )
