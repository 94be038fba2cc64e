from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context as allauth_context
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from soscience.accounts.models import Invitation, User

JOINING_AS = ("organisation", "volunteer")


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    joining_as = forms.ChoiceField(
        label=_("I am joining as"),
        choices=[
            ("organisation", _("A member of an organisation with a scientific need")),
            ("volunteer", _("A student or researcher who wants to volunteer")),
        ],
        widget=forms.RadioSelect,
        initial="organisation",
    )
    field_order = ["joining_as", "full_name", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The same msgid as allauth's and django.contrib.auth's label: having it in our own
        # catalogue (which wins) makes every page say "e-mail", not auth's "Courriel".
        self.fields["email"].label = _("Email")
        for field in self.fields.values():
            # allauth's placeholders repeat the labels, which we always show.
            field.widget.attrs.pop("placeholder", None)
        # allauth's sign-up view does not hand the request to its form; its middleware
        # keeps it in a context variable. "?as=volunteer" comes from the home page.
        request = allauth_context.request
        wanted = request.GET.get("as") if request is not None else None
        if wanted in JOINING_AS:
            self.fields["joining_as"].initial = wanted


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]
        help_texts = {
            "email": _("The invitation link is sent to this address and works only for it."),
        }


class AcceptInvitationForm(forms.Form):
    """A new team member's account: the address is the invitation's, already proved."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        # Rendered now, in the reader's language, from the configured validators.
        self.fields["password"].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            # The similarity check compares with the future account's name and address.
            future = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, future)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}
        help_texts = {"language": _("Pages and mail from SoScience are in this language.")}
