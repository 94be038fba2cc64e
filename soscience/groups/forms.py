"""Forms of the working groups: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from soscience.missions.models import Mission
from soscience.volunteers.models import Skill

# A group gathers around a mission that is still being worked on (or about to be).
LIVE_MISSIONS = (
    Mission.Status.APPROVED,
    Mission.Status.OPEN,
    Mission.Status.IN_PROGRESS,
    Mission.Status.DELIVERED,
)


class GroupForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.CharField(
        label=_("Theme"), max_length=200, required=False,
        help_text=_("Optional: a field or a question, e.g. “low-cost water treatment”."),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the group works on and how. Markdown is accepted."),
    )  # fmt: skip
    mission = forms.ModelChoiceField(
        label=_("Mission"), required=False,
        queryset=Mission.objects.filter(status__in=LIVE_MISSIONS).order_by("title"),
        help_text=_("Optional: the mission the group helps with."),
    )  # fmt: skip
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills the group needs"), required=False,
        queryset=Skill.objects.order_by("name_en"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (or Cmd) to choose several. They are compared with the "
                    "members' skills to show what the group lacks."),
    )  # fmt: skip
    is_open = forms.BooleanField(
        label=_("Open (members can post, share files and invite)"), required=False, initial=True
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person to add"),
        help_text=_("They need an account on the platform; they are told by a notification."),
    )
    expertise = forms.CharField(
        label=_("Their expertise"), max_length=300, required=False,
        help_text=_("Optional: what they bring, e.g. “membrane filtration, PhD student”."),
    )  # fmt: skip


class ExpertiseForm(forms.Form):
    expertise = forms.CharField(label=_("My expertise"), max_length=300, required=False)


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is accepted."),
    )  # fmt: skip


class FileForm(forms.Form):
    # Empty files pass the form: the service refuses them with its own message.
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["file"].help_text = _(
            "PDF, images, office documents, archives or text data; at most %(limit)s. "
            "Only the group's members and the coordination team can open it."
        ) % {"limit": filesizeformat(settings.SOSCIENCE_MAX_DELIVERABLE_BYTES)}
