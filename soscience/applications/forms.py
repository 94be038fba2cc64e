"""Forms of the applications pages. Rules live in the services; these parse input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.applications.models import Application, TeamMember


def row_ids(pk: int) -> str:
    """``auto_id`` for a form repeated on each row of a page: unique ids, same names."""
    return f"id_%s_{pk}"


class ApplyForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why this mission, and what would you bring?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("A few lines for the team: your motivation and the skills you would use."),
        error_messages={
            "required": _("Tell the team why you want to join and what you would bring.")
        },
    )
    availability_confirmed = forms.BooleanField(
        label=_("I confirm I am available for the mission's dates and hours"),
        error_messages={
            "required": _("Confirm that you are available for the mission's dates and hours.")
        },
    )


class ReasonForm(forms.Form):
    """A reason from a short list, plus free text (required for "other")."""

    reason_choices: list[tuple[str, Any]] = []
    reason = forms.ChoiceField(
        label=_("Reason"), error_messages={"required": _("Choose a reason from the list.")}
    )
    detail = forms.CharField(
        label=_("In a few words (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("Choose a reason")), *self.reason_choices]


class WithdrawForm(ReasonForm):
    reason_choices = Application.WithdrawReason.choices


class DeclineForm(ReasonForm):
    reason_choices = Application.DeclineReason.choices

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["detail"].label = _("A word for the volunteer (optional)")
        self.fields["detail"].help_text = _("Sent with the reason, in a kind message.")


class SelectForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role in the team"),
        choices=TeamMember.Role.choices,
        initial=TeamMember.Role.MEMBER,
        error_messages={"required": _("Choose a role in the team.")},
    )


class RemoveForm(forms.Form):
    detail = forms.CharField(
        label=_("Why (sent to the volunteer, optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteForm(forms.Form):
    """A volunteer by id (the suggestions page's button) or by email address."""

    volunteer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    email = forms.EmailField(
        label=_("Volunteer's email address"),
        required=False,
        help_text=_("The address the volunteer signed up with."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("volunteer") is None and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Give the volunteer's email address."))
        return data
