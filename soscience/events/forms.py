"""Forms of the events: an event (the team's), a visitor's registration, the attendance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from soscience.events.models import Event, Registration
from soscience.events.services import EVENT_FIELDS
from soscience.volunteers.models import Campus

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class EventForm(forms.ModelForm):
    campus = forms.ModelChoiceField(
        label=_("Campus"), queryset=Campus.objects.none(), required=False,
        help_text=_("Leave empty for an online event or one elsewhere (give the address)."),
    )  # fmt: skip

    class Meta:
        model = Event
        fields = list(EVENT_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "speakers": forms.Textarea(attrs={"rows": 3}),
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
        }
        help_texts = {
            "description": _("Markdown is allowed."),
            "speakers": _("Names and what they do, one per line."),
            "online_url": _("Sent to the people who hold a place (not shown publicly)."),
            "starts_at": _("Local time (Paris)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.filter(is_active=True)
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["capacity"].validators.append(MinValueValidator(1))

    def clean(self) -> dict[str, Any]:
        # Said next to the field here: the model's check constraint would only give a
        # generic message above the form.
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EVENT_FIELDS}


class VisitorRegistrationForm(forms.Form):
    """A visitor without an account: a name and an address to confirm."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send you a link to confirm your registration."),
    )


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Attended"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, registrations: list[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(r.pk), r.name) for r in registrations]
        if not self.is_bound:
            self.initial["attended"] = [str(r.pk) for r in registrations if r.attended]

    def attended_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["attended"]]
