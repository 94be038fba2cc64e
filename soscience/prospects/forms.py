"""Forms of prospecting: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.organisations.models import Organisation
from soscience.prospects.models import ContactLog, Prospect

DETAILS = ["name", "country", "city", "website", "contact_name", "contact_email"]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProspectForm(forms.ModelForm):
    """What the team knows of an organisation it approaches (the stage changes apart)."""

    class Meta:
        model = Prospect
        fields = [*DETAILS, "source", "source_detail", "ambassador", "event", "owner",
                  "next_action", "next_action_on"]  # fmt: skip
        widgets = {"next_action_on": DATE}
        help_texts = {
            "source_detail": _("E.g. the incubator's or the event's name, or who told us."),
            "owner": _("Who in the team follows it; nobody: every coordinator is reminded."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["ambassador"].queryset = User.objects.with_role(Role.AMBASSADOR).order_by(
            "full_name"
        )
        self.fields["owner"].queryset = User.objects.with_role(Role.COORDINATOR).order_by(
            "full_name"
        )
        self.fields["event"].queryset = self.fields["event"].queryset.order_by("-starts_at")


class SuggestForm(forms.ModelForm):
    """An ambassador's suggestion: who, and what they know."""

    what_i_know = forms.CharField(
        label=_("What you know about them"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How you met them, what they do, what problem they might bring us."),
    )  # fmt: skip

    class Meta:
        model = Prospect
        fields = [*DETAILS, "source_detail"]
        labels = {"source_detail": _("Where you found them")}


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("New stage"),
        choices=[c for c in Prospect.Stage.choices if c[0] != Prospect.Stage.REGISTERED],
    )
    reason = forms.CharField(
        label=_("Why they declined"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when they declined."),
    )  # fmt: skip


class ContactForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactLog.Kind.choices)
    summary = forms.CharField(
        label=_("What was said"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_action = forms.CharField(label=_("Next action"), max_length=300, required=False)
    next_action_on = forms.DateField(label=_("Next action due on"), required=False, widget=DATE)


class LinkForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Registered organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("Organisations not yet linked to a prospect whose name contains the text "
                    "searched."),
    )  # fmt: skip

    def __init__(self, *args: object, search: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        unlinked = Organisation.objects.filter(prospect__isnull=True).order_by("name")
        # The choices offered are those matching the search; any unlinked one is accepted.
        self.fields["organisation"].queryset = (
            unlinked if self.is_bound else unlinked.filter(name__icontains=search)
        )


class PipelineFilter(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All")), *Prospect.Stage.choices]
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All")), *Prospect.Source.choices]
    )
    due = forms.BooleanField(label=_("Actions due only"), required=False)
