"""The volunteer's profile form: the profile itself, skill rows with their level, a free-text
skills entry matched on submit (and as one types, with htmx), and availability windows."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q
from django.forms import BoundField, formset_factory
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from soscience.core.models import Domain
from soscience.core.text import lazy_percent
from soscience.volunteers.languages import WorkingLanguage
from soscience.volunteers.models import Campus, Skill, SkillLevel, VolunteerProfile
from soscience.volunteers.selectors import skills_by_domain
from soscience.volunteers.services import (
    MAX_HOURS_PER_WEEK,
    MAX_YEAR,
    AvailabilityWindow,
    ProfileInput,
)

# Rows of (skill, level): enough to start; a profile that names more gets two spare rows.
# No JavaScript is needed to add one, and the free-text entry takes any number.
SKILL_ROWS = 5
MAX_SKILL_ROWS = 40
_SKILL_KEY = re.compile(r"^skill_(\d+)$")

CONSENT_LABEL = _(
    "I agree that the team and the matching engine use this profile to propose missions to "
    "me; I can withdraw this consent at any time."
)
YEAR_ERROR = lazy_percent(_("Enter a year of study between 1 and %(max)d."), {"max": MAX_YEAR})
HOURS_ERROR = lazy_percent(_("Between 1 and %(max)d hours a week."), {"max": MAX_HOURS_PER_WEEK})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.ModelForm):
    """The profile's own fields; the view never saves it: ``profile_input`` feeds the
    service."""

    campus = forms.ModelChoiceField(
        label=_("Campus"), queryset=Campus.objects.none(), required=False,
        empty_label=_("(not on a partner campus)"),
        help_text=_("Missions are offered campus by campus: choose yours to see them."),
    )  # fmt: skip
    year = forms.IntegerField(
        label=_("Year of study"), required=False, min_value=1, max_value=MAX_YEAR,
        help_text=lazy_percent(
            _("1 to %(max)d; leave empty if it does not apply."), {"max": MAX_YEAR}
        ),
        error_messages={"min_value": YEAR_ERROR, "max_value": YEAR_ERROR,
                        "invalid": YEAR_ERROR},
    )  # fmt: skip
    domains = forms.ModelMultipleChoiceField(
        label=_("Domains of interest"), queryset=Domain.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    languages = forms.MultipleChoiceField(
        label=_("Languages I work in"), choices=WorkingLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language you work in.")},
    )  # fmt: skip
    skills_text = forms.CharField(
        label=_("Other skills"), required=False, max_length=500,
        help_text=_("Separated by commas, in French or English; abbreviations are fine "
                    "(CAO, SIG, IoT...). Recognised skills are added at the level “practised”: "
                    "adjust it in the rows after saving."),
        widget=forms.TextInput(attrs={
            "autocomplete": "off",
            "hx-get": reverse_lazy("volunteers:skill_suggest"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#skill-suggestions",
            "hx-swap": "innerHTML",
            # The live region below the field lists what the typed words match.
            "aria-controls": "skill-suggestions",
            "aria-describedby": "id_skills_text_helptext skill-suggestions",
        }),
    )  # fmt: skip
    consent_matching = forms.BooleanField(label=CONSENT_LABEL, required=False)

    class Meta:
        model = VolunteerProfile
        fields = ["kind", "campus", "programme", "year", "bio", "domains", "country", "city",
                  "notify", "campus_digest"]  # fmt: skip
        labels = {
            "kind": _("I am"),
            "programme": _("Programme or laboratory"),
            "bio": _("About me"),
            "country": _("Country where I am based"),
            "city": _("City"),
            "notify": _("Tell me about missions"),
            "campus_digest": _("Send me a weekly mail of the new missions open to my campus"),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "notify": forms.RadioSelect,
            "bio": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "bio": _("A few lines on what you study and like doing. Markdown is allowed."),
            "campus_digest": _("Every mission offered to your campus, whatever your skills."),
        }

    def __init__(self, *args: Any, skills: list[tuple[Skill, int]] | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        current = self.instance.campus_id
        # A campus that stopped being a partner stays selectable for who is already there.
        self.fields["campus"].queryset = Campus.objects.filter(Q(is_active=True) | Q(pk=current))
        self.fields["year"].widget.attrs.update(min="1", max=str(MAX_YEAR))
        self.fields["consent_matching"].help_text = _(
            "Without it you do not appear in the team's suggestions; you can still apply."
        )
        if not self.is_bound:
            self.initial.setdefault("languages", self.instance.languages)
            self.initial.setdefault("consent_matching", self.instance.is_matchable)
        self._add_skill_rows(skills or [])

    def _add_skill_rows(self, initial: list[tuple[Skill, int]]) -> None:
        groups = skills_by_domain()  # one query, shared by every row's select
        self._skills = {pk for _label, options in groups for pk, _name in options}
        choices = [("", _("(none)")), *groups]
        posted = [int(m.group(1)) for key in self.data if (m := _SKILL_KEY.match(key))]
        rows = max(SKILL_ROWS, len(initial) + 2, max(posted, default=-1) + 1)
        self.skill_row_count = min(rows, MAX_SKILL_ROWS)
        for i in range(self.skill_row_count):
            skill, level = initial[i] if i < len(initial) else (None, SkillLevel.PRACTISED)
            self.fields[f"skill_{i}"] = forms.TypedChoiceField(
                label=_("Skill %(n)d") % {"n": i + 1}, choices=choices, coerce=int,
                required=False, initial=skill.pk if skill else "",
            )  # fmt: skip
            self.fields[f"level_{i}"] = forms.TypedChoiceField(
                label=_("Level of skill %(n)d") % {"n": i + 1}, choices=SkillLevel.choices,
                coerce=int, initial=level, required=False,
            )  # fmt: skip

    @property
    def skill_rows(self) -> list[tuple[BoundField, BoundField]]:
        return [(self[f"skill_{i}"], self[f"level_{i}"]) for i in range(self.skill_row_count)]

    def main_fields(self) -> list[BoundField]:
        names = ["kind", "campus", "programme", "year", "bio", "domains", "languages",
                 "country", "city"]  # fmt: skip
        return [self[name] for name in names]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        seen: set[int] = set()
        for i in range(self.skill_row_count):
            pk = cleaned.get(f"skill_{i}")
            if pk in (None, ""):
                continue
            if pk in seen:
                self.add_error(f"skill_{i}", _("This skill is already in the list."))
            seen.add(pk)
        return cleaned

    def skill_levels(self) -> list[tuple[Skill, int]]:
        """The (skill, level) pairs of the rows, in row order."""
        pks = []
        for i in range(self.skill_row_count):
            pk = self.cleaned_data.get(f"skill_{i}")
            if pk not in (None, "") and pk in self._skills:
                pks.append((pk, self.cleaned_data.get(f"level_{i}") or SkillLevel.PRACTISED))
        skills = Skill.objects.in_bulk([pk for pk, _level in pks])
        return [(skills[pk], level) for pk, level in pks if pk in skills]

    def error_field(self, field: str | None) -> str | None:
        """Where a service's error belongs on this form (None: above the form)."""
        if field == "skills":
            return "skill_0"
        return field if field in self.fields else None


class AvailabilityForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=_date_input())
    end = forms.DateField(label=_("To"), widget=_date_input())
    hours_per_week = forms.IntegerField(
        label=_("Hours per week"), min_value=1, max_value=MAX_HOURS_PER_WEEK,
        widget=forms.NumberInput(attrs={"min": "1", "max": str(MAX_HOURS_PER_WEEK)}),
        error_messages={"min_value": HOURS_ERROR, "max_value": HOURS_ERROR},
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end date must be after the start date."))
        return cleaned


AVAILABILITY_PREFIX = "availability"


def availability_formset(data: Any, profile: VolunteerProfile | None) -> forms.BaseFormSet:
    """The windows already given, with a spare row (two when there is none yet); a window
    is removed by ticking its box."""
    windows = list(profile.availabilities.all()) if profile else []
    formset_class = formset_factory(
        AvailabilityForm,
        extra=1 if windows else 2,
        can_delete=True,
        can_delete_extra=False,
        max_num=20,
    )
    initial = [
        {"start": w.start, "end": w.end, "hours_per_week": w.hours_per_week} for w in windows
    ]
    formset = formset_class(data, initial=initial, prefix=AVAILABILITY_PREFIX)
    for form in formset.forms:
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this window")
    return formset


_TAKES_DIGEST = "campus_digest" in getattr(ProfileInput, "__dataclass_fields__", {})


def availability_windows(formset: forms.BaseFormSet) -> list[AvailabilityWindow]:
    windows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        windows.append(AvailabilityWindow(data["start"], data["end"], data["hours_per_week"]))
    return windows


def profile_input(form: ProfileForm, formset: forms.BaseFormSet) -> ProfileInput:
    """What the service takes from a valid form and formset."""
    data = form.cleaned_data
    # The campus digest choice reaches the service once ProfileInput carries it.
    digest = {"campus_digest": data["campus_digest"]} if _TAKES_DIGEST else {}
    return ProfileInput(
        **digest,
        kind=data["kind"], campus=data["campus"], programme=data["programme"],
        year=data["year"], bio=data["bio"], domains=list(data["domains"]),
        languages=data["languages"], country=str(data["country"]), city=data["city"],
        notify=data["notify"], consent_matching=data["consent_matching"],
        skills=form.skill_levels(), skills_text=data["skills_text"],
        availabilities=availability_windows(formset),
    )  # fmt: skip
