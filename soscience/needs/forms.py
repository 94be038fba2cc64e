"""Forms for needs: the guided need form, triage decisions and the triage queue filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from soscience.core.models import Domain
from soscience.core.uploads import validate_document
from soscience.needs.models import Need
from soscience.needs.services import MAX_ATTACHMENTS
from soscience.organisations.models import Organisation


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_file_clean = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        cleaned = [single_file_clean(item, initial) for item in items]
        return [upload for upload in cleaned if upload]


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        if obj.status == Organisation.Status.VERIFIED:
            return obj.name
        return f"{obj.name} ({obj.get_status_display()})"


HELP_TEXTS = {
    "title": _(
        "One sentence that names the problem, not the solution. Example: “The well water "
        "at our school in Thiès turns cloudy after every rain”."
    ),
    "problem": _(
        "What goes wrong, for whom, how often, and what it costs them. Facts and rough "
        "figures help; technical words are not needed. Example: “After each heavy rain "
        "the well turns brown. 300 pupils drink it or go without, and absences rise in "
        "the rainy season.” Markdown is allowed."
    ),
    "context": _(
        "Who you serve, where, and with what means (people, budget, equipment, "
        "electricity, internet). Example: “A primary school in a village without mains "
        "electricity; two teachers can do simple maintenance.”"
    ),
    "already_tried": _(
        "What you or others tried, and what happened. Failures are useful to know. "
        "Example: “Cloth filters: they clog within a week.”"
    ),
    "desired_outcome": _(
        "What a good result would be for you, concretely. Example: “A filter the "
        "teachers can build with local materials for under 200 euros, with a maintenance "
        "sheet.” Volunteers give a few hours a week for up to three months: a result "
        "that fits in that time works best."
    ),
    "domains": _("Tick every domain that applies; the team can adjust them."),
    "country": _("Where the problem is, which may not be where your office is."),
    "city": _("The town, village or area concerned."),
    "deadline": _(
        "Only if a date really matters (a funding call, a season, an event). Leave empty otherwise."
    ),
}


class NeedForm(forms.ModelForm):
    """The guided need form. ``organisations`` lists those the user may submit for; the
    organisation field appears only when there is a choice to make."""

    attachments = MultipleFileField(label=_("Attachments"), required=False)

    class Meta:
        model = Need
        fields = [
            "title", "problem", "context", "already_tried", "desired_outcome", "domains",
            "country", "city", "deadline",
        ]  # fmt: skip
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 8}),
            "context": forms.Textarea(attrs={"rows": 5}),
            "already_tried": forms.Textarea(attrs={"rows": 4}),
            "desired_outcome": forms.Textarea(attrs={"rows": 5}),
            "domains": forms.CheckboxSelectMultiple,
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = HELP_TEXTS
        error_messages = {"domains": {"required": _("Tick at least one domain.")}}

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = Domain.objects.all()
        self.fields["attachments"].help_text = _(
            "Optional: photos, plans, reports, measurements. PDF or images (PNG, JPEG, "
            "WebP), %(size)s at most each, %(count)d files at most. You can select "
            "several files at once."
        ) % {"size": filesizeformat(settings.SOSCIENCE_MAX_UPLOAD_BYTES), "count": MAX_ATTACHMENTS}
        if organisations is not None:
            field = OrganisationChoiceField(
                queryset=organisations,
                label=_("Organisation"),
                help_text=_("The organisation this need comes from."),
            )
            # First in the form: it frames everything that follows.
            self.fields = {"organisation": field, **self.fields}

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data.get("deadline")
        unchanged = self.instance.pk is not None and deadline == self.instance.deadline
        # An old deadline kept as it was must not block fixing a typo elsewhere.
        if deadline and deadline < timezone.localdate() and not unchanged:
            raise ValidationError(_("The deadline is in the past."), code="past")
        return deadline

    def clean_attachments(self) -> list[UploadedFile]:
        files = self.cleaned_data.get("attachments") or []
        errors = []
        for upload in files:
            try:
                validate_document(upload)
            except ValidationError as error:
                errors.extend(f"{upload.name}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def need_data(self) -> dict[str, Any]:
        """The values the services expect, without the many-to-many and the files."""
        skip = {"domains", "attachments", "organisation"}
        return {name: value for name, value in self.cleaned_data.items() if name not in skip}


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=Need.DeclineReason.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )  # fmt: skip
    detail = forms.CharField(
        label=_("Explanation for the organisation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "The organisation reads this. Say why, and where they might find help instead."
        ),
        error_messages={"required": _("Explain the decision to the organisation.")},
    )


class DuplicateForm(forms.Form):
    """The original is chosen among the same organisation's other needs: a duplicate is
    usually the same request sent twice, and the organisation can then follow the link."""

    original = forms.ModelChoiceField(
        label=_("Original need"),
        queryset=Need.objects.none(),
        empty_label=_("Choose a need"),
        error_messages={
            "required": _("Choose the original need."),
            "invalid_choice": _("Choose another need of the same organisation."),
        },
    )

    def __init__(self, *args: Any, need: Need, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["original"]
        field.queryset = (
            Need.objects.filter(organisation_id=need.organisation_id)
            .exclude(pk=need.pk)
            .order_by("-submitted_at", "-pk")
        )
        field.label_from_instance = _original_label

    @property
    def has_choices(self) -> bool:
        return self.fields["original"].queryset.exists()


def _original_label(need: Need) -> str:
    return f"#{need.pk} · {need.title} · {need.get_status_display()}"


STATUS_ALL = "all"


class TriageFilterForm(forms.Form):
    """Filters of the triage queue, read from the query string."""

    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[*Need.Status.choices, (STATUS_ALL, _("All statuses"))],
    )  # fmt: skip
    domain = forms.ModelChoiceField(
        label=_("Domain"), required=False, queryset=Domain.objects.all(),
        empty_label=_("All domains"), to_field_name="slug",
    )  # fmt: skip
    country = forms.ChoiceField(label=_("Country"), required=False)
    q = forms.CharField(label=_("Organisation name"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the countries the listed needs come from: a short list beats the world's 250,
        # read from the chosen status (its index), not from every need ever sent. The country
        # already chosen stays offered when the status changes, so it is not refused.
        status = self.data.get("status") or Need.Status.SUBMITTED
        needs = Need.objects.order_by()
        if status != STATUS_ALL:
            needs = needs.filter(status=status if status in Need.Status.values else "submitted")
        codes = set(needs.values_list("country", flat=True).distinct())
        if (chosen := self.data.get("country")) and chosen in countries:
            codes.add(chosen)
        present = sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])
        self.fields["country"].choices = [("", _("All countries")), *present]

    def apply(self, queryset: QuerySet[Need]) -> QuerySet[Need]:
        """Filter ``queryset``. A filter with an invalid value is left out, not the others."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or Need.Status.SUBMITTED
        if status != STATUS_ALL:
            queryset = queryset.filter(status=status)
        if data.get("domain"):
            queryset = queryset.filter(domains=data["domain"])
        if data.get("country"):
            queryset = queryset.filter(country=data["country"])
        if data.get("q"):
            queryset = queryset.filter(organisation__name__icontains=data["q"].strip())
        return queryset.order_by("submitted_at", "pk")
