"""Forms of the mission space: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.execution.models import ProgressUpdate


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class UpdateForm(forms.Form):
    body = forms.CharField(
        label=_("News"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000,
        help_text=_("What was done, what comes next, what blocks. Markdown is accepted."),
    )  # fmt: skip
    visibility = forms.ChoiceField(
        label=_("Who can read it"), choices=ProgressUpdate.Visibility.choices,
        initial=ProgressUpdate.Visibility.SHARED, widget=forms.RadioSelect,
    )  # fmt: skip
    attachments = MultipleFileField(
        label=_("Photos or PDF files"), required=False,
        help_text=_("Optional: PDF, PNG, JPEG or WebP files."),
    )  # fmt: skip


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply or question"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )  # fmt: skip


class ExtendForm(forms.Form):
    new_end = forms.DateField(
        label=_("New end date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Why the mission is extended"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )  # fmt: skip


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    planned_on = forms.DateField(
        label=_("Planned for"), widget=forms.DateInput(attrs={"type": "date"})
    )
