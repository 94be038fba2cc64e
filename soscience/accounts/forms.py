from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.accounts.models import Invitation, User


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    joining_as = forms.ChoiceField(
        label=_("I am joining as"),
        choices=[
            ("organisation", _("A member of an organisation with a scientific need")),
            ("volunteer", _("A student or researcher who wants to volunteer")),
        ],
        widget=forms.RadioSelect,
        initial="organisation",
    )
    field_order = ["full_name", "email", "password1", "password2", "joining_as"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = kwargs.get("request") or getattr(self, "request", None)
        wanted = request.GET.get("as") if request is not None else None
        if wanted in {"organisation", "volunteer"}:
            self.fields["joining_as"].initial = wanted


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]
