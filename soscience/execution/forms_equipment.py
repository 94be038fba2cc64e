from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.accounts.models import User
from soscience.execution.models import EquipmentRequest, HoursEntry
from soscience.missions.models import Mission


class EquipmentRequestForm(forms.ModelForm):
    class Meta:
        model = EquipmentRequest
        fields = ["item", "quantity", "reason", "estimated_cost", "link"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (required to refuse)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class ReceivedForm(forms.Form):
    real_cost = forms.DecimalField(
        label=_("Real cost (EUR)"), min_value=0, max_digits=9, decimal_places=2
    )


class HoursForm(forms.ModelForm):
    class Meta:
        model = HoursEntry
        fields = ["worked_on", "hours", "description"]
        widgets = {"worked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The service checks the range with a message of its own, next to the field.
        self.fields["hours"].validators = []
        self.fields["hours"].widget.attrs.update({"min": "0.25", "max": "24", "step": "0.25"})

    def _post_clean(self) -> None:
        # Model validation is the service's job (one message, one place).
        pass


class LoanForm(forms.Form):
    item = forms.CharField(label=_("What"), max_length=200)
    lent_to = forms.ModelChoiceField(label=_("Lent to"), queryset=None)
    lent_on = forms.DateField(label=_("Lent on"), widget=forms.DateInput(attrs={"type": "date"}))
    due_back_on = forms.DateField(
        label=_("Due back on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, mission: Mission, **kwargs: object) -> None:
        # Its own ids: the request form on the same page has an "item" field too, and two
        # id_item would tie the request's label to this form's box.
        kwargs.setdefault("auto_id", "loan_%s")
        super().__init__(*args, **kwargs)
        team = User.objects.filter(team_memberships__mission=mission).order_by("full_name")
        self.fields["lent_to"].queryset = team
        self.fields["lent_to"].label_from_instance = lambda user: user.full_name


class UnvalidateForm(forms.Form):
    # Not required here: the service says why, next to the field, like every other rule.
    reason = forms.CharField(
        label=_("Why is the validation withdrawn?"), required=False, max_length=1000,
        help_text=_("Sent to the volunteer, so they know what to correct."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
