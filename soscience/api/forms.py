from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

VALIDITY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("One year")),
    ("", _("No expiry (revoke it when you no longer need it)")),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100,
        help_text=_("What the token is for, e.g. “school intranet” or “my script”."),
    )  # fmt: skip
    valid_for = forms.ChoiceField(
        label=_("Valid for"), choices=VALIDITY_CHOICES, initial="90", required=False
    )

    def valid_days(self) -> int | None:
        value = self.cleaned_data.get("valid_for")
        return int(value) if value else None


class TokenRevokeForm(forms.Form):
    token = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
