from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.certificates.codes import normalise


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=40,
        help_text=_("12 letters and digits, printed under the QR code, e.g. ABCD-EFGH-JK23. "
                    "Dashes, spaces and case do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}),
    )  # fmt: skip

    def clean_code(self) -> str:
        code = normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("This is not a certificate code: it has 12 letters and digits (no 0, O, 1 "
                  "or I), e.g. ABCD-EFGH-JK23.")
            )  # fmt: skip
        return code


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False,
        help_text=_("Kept with the certificate and sent to the volunteer."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
