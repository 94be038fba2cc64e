"""Forms of the volunteers app: campuses and ambassadors, the skills taxonomy, and the
volunteer's profile (profile_forms.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.core.models import Domain
from soscience.volunteers.models import Campus, Skill, UnmatchedTerm
from soscience.volunteers.search import EXACT, SkillIndex
from soscience.volunteers.selectors import skills_by_domain

HOME_TAKEN = _("%(campus)s is already the home campus: untick “home campus” there first.")


def _campus_date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampusForm(forms.ModelForm):
    class Meta:
        model = Campus
        fields = [
            "name", "short_name", "slug", "city", "country", "is_home", "is_active",
            "contact_name", "contact_email", "partnership_start", "partnership_end",
        ]  # fmt: skip
        help_texts = {
            "short_name": _("As students say it, e.g. ESPCI."),
            "slug": _("Lower-case letters, digits and hyphens, used in addresses."),
            "contact_name": _("The person the team calls at the school about the partnership."),
            "partnership_end": _("Leave empty for a partnership with no end date."),
        }
        widgets = {"partnership_start": _campus_date(), "partnership_end": _campus_date()}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("partnership_start"), cleaned.get("partnership_end")
        if start and end and end <= start:
            self.add_error(
                "partnership_end", _("The end of the partnership must be after its start.")
            )
        return cleaned

    def clean_is_home(self) -> bool:
        is_home = self.cleaned_data["is_home"]
        if is_home:
            # Only one home campus (a database constraint): say which one holds the role.
            current = Campus.objects.filter(is_home=True).exclude(pk=self.instance.pk).first()
            if current is not None:
                raise forms.ValidationError(HOME_TAKEN % {"campus": current.name})
        return is_home

    def home_taken_error(self) -> None:
        """The same message when another home campus was saved at the same moment."""
        current = Campus.objects.filter(is_home=True).exclude(pk=self.instance.pk).first()
        self.add_error("is_home", HOME_TAKEN % {"campus": current.name if current else "?"})


class AmbassadorForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the ambassador's account"),
        help_text=_("The student must have signed up already."),
        error_messages={"required": _("Give the email address of the student's account.")},
    )


class SkillFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=120,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("A name or a synonym, in French or English."),
    )  # fmt: skip
    domain = forms.ModelChoiceField(
        label=_("Domain"), queryset=Domain.objects.all(), required=False,
        empty_label=_("All domains"), to_field_name="slug",
    )  # fmt: skip


class SkillForm(forms.Form):
    name_fr = forms.CharField(label=_("Name in French"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120)
    domain = forms.ModelChoiceField(
        label=_("Domain"), queryset=Domain.objects.all(),
        error_messages={"required": _("Choose the skill's domain.")},
    )  # fmt: skip
    synonyms = forms.CharField(
        label=_("Synonyms and abbreviations"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Comma-separated, in any language (e.g. CAO, CAD). What people type is "
                    "matched against the names and these synonyms."),
    )  # fmt: skip
    term = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SkillMergeForm(forms.Form):
    target = forms.TypedChoiceField(
        label=_("Merge into"), coerce=int,
        help_text=_("The skill that stays. Volunteers and missions that named the other one "
                    "get this one, at the higher of the two levels."),
        error_messages={"required": _("Choose the skill that stays.")},
    )  # fmt: skip

    def __init__(self, *args: Any, source: Skill, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = [
            (label, [(pk, name) for pk, name in options if pk != source.pk])
            for label, options in skills_by_domain()
        ]
        self.fields["target"].choices = [("", _("(choose a skill)")), *groups]


class TermMapForm(forms.Form):
    """Map one unmatched term: the skill is typed by name (a datalist offers them)."""

    skill = forms.CharField(
        label=_("Skill"), max_length=120,
        widget=forms.TextInput(attrs={"list": "skill-names", "autocomplete": "off"}),
        error_messages={"required": _("Type the name of a skill.")},
    )  # fmt: skip

    def __init__(self, *args: Any, term: UnmatchedTerm, index: SkillIndex | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        kwargs.setdefault("prefix", f"term-{term.pk}")
        super().__init__(*args, **kwargs)
        self.fields["skill"].label = _("Skill for “%(term)s”") % {"term": term.text}
        self._index = index

    def clean_skill(self) -> Skill:
        text = self.cleaned_data["skill"]
        index = self._index or SkillIndex.load()
        exact = [m.skill for m in index.matches(text) if m.score == EXACT]
        if len(exact) != 1:
            raise forms.ValidationError(_("No skill has this name: choose one from the list."))
        return exact[0]
