"""Forms of the team's and the organisation's working pages for mission orders."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.models import Domain, PlatformSettings
from soscience.missions.models import ORDER_FIELDS, Mission
from soscience.missions.rules import order_errors
from soscience.needs.models import Need
from soscience.volunteers.models import Campus, Skill, SkillLevel

# Rows of (skill, level) offered on the order form: enough for a short mission; an order
# that already names more gets two spare rows. No JavaScript is needed to add one.
SKILL_ROWS = 5
MAX_SKILL_ROWS = 20
_SKILL_KEY = re.compile(r"^skill_(\d+)$")


SECTIONS = (
    (_("The problem"), ("title", "context", "problem")),
    (_("What the mission delivers"), ("objectives", "deliverables", "out_of_scope", "domains")),
    (_("Team and time"), ("team_size", "hours_per_week", "start_date", "end_date")),
    (_("Place and languages"), ("work_mode", "country", "city", "languages")),
    (_("Terms and follow-up"),
     ("equipment_budget", "results_licence", "confidentiality", "supervisor")),
)  # fmt: skip


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MissionOrderForm(forms.ModelForm):
    """The mission order as the team writes it, with the skills it needs and their level."""

    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=Mission.Language.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one working language.")},
    )
    domains = forms.ModelMultipleChoiceField(
        label=_("Domains"),
        queryset=Domain.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one domain.")},
    )
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor"),
        queryset=User.objects.with_role(Role.SUPERVISOR).order_by("full_name"),
        required=False,
        help_text=_("A team member who follows the mission. Needed before sending the order."),
    )

    class Meta:
        model = Mission
        fields = [*ORDER_FIELDS, "domains", "supervisor"]
        widgets = {
            "start_date": _date_input(),
            "end_date": _date_input(),
            "context": forms.Textarea(attrs={"rows": 5}),
            "problem": forms.Textarea(attrs={"rows": 5}),
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "deliverables": forms.Textarea(attrs={"rows": 4}),
            "out_of_scope": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "context": _("Markdown is allowed."),
            "problem": _("Markdown is allowed."),
            "objectives": _("What the volunteers will achieve. Markdown is allowed."),
            "deliverables": _("What the organisation receives at the end. Markdown is allowed."),
            "out_of_scope": _("What the mission will not do. Markdown is allowed."),
        }

    def __init__(self, *args: Any, skills: list[tuple[Skill, int]] | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        weeks = PlatformSettings.load().max_mission_weeks
        self.fields["end_date"].help_text = _(
            "After the start date; a mission lasts at most %(weeks)d weeks."
        ) % {"weeks": weeks}
        self.fields["team_size"].help_text = _("Between 1 and %(max)d volunteers.") % {
            "max": settings.SOSCIENCE_MAX_TEAM_SIZE
        }
        self.fields["hours_per_week"].help_text = _("Between 1 and %(max)d hours.") % {
            "max": settings.SOSCIENCE_MAX_HOURS_PER_WEEK
        }
        # Hints for the browser; the rules above are what is enforced.
        self.fields["team_size"].widget.attrs.update(min="1", max=settings.SOSCIENCE_MAX_TEAM_SIZE)
        self.fields["hours_per_week"].widget.attrs.update(
            min="1", max=settings.SOSCIENCE_MAX_HOURS_PER_WEEK
        )
        self.fields["equipment_budget"].min_value = 0
        self.fields["equipment_budget"].widget.attrs["min"] = "0"
        self._add_skill_rows(skills or [])

    def _add_skill_rows(self, initial: list[tuple[Skill, int]]) -> None:
        # One query for the taxonomy, shared by every row's select.
        self._skills = {skill.pk: skill for skill in Skill.objects.all()}
        named = sorted(((pk, s.name) for pk, s in self._skills.items()), key=lambda c: c[1])
        choices = [("", _("(none)")), *named]
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

    @property
    def sections(self) -> list[tuple[str, list[BoundField]]]:
        """The order's fields in titled groups, for a page that reads top to bottom."""
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        errors = order_errors(
            start_date=cleaned.get("start_date"), end_date=cleaned.get("end_date"),
            team_size=cleaned.get("team_size"), hours_per_week=cleaned.get("hours_per_week"),
        )  # fmt: skip
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field, message)
        self._clean_skills(cleaned)
        return cleaned

    def _clean_skills(self, cleaned: dict[str, Any]) -> None:
        seen: set[int] = set()
        for i in range(self.skill_row_count):
            pk = cleaned.get(f"skill_{i}")
            if pk in (None, ""):
                continue
            if pk in seen:
                self.add_error(f"skill_{i}", _("This skill is already in the list."))
            seen.add(pk)
        if not seen and not any(f"skill_{i}" in self.errors for i in range(self.skill_row_count)):
            self.add_error("skill_0", _("Name at least one skill the mission needs."))

    def skill_needs(self) -> list[tuple[Skill, int]]:
        """The (skill, level) pairs typed in, in row order, for the service."""
        needs = []
        for i in range(self.skill_row_count):
            pk = self.cleaned_data.get(f"skill_{i}")
            if pk not in (None, "") and pk in self._skills:
                level = self.cleaned_data.get(f"level_{i}") or SkillLevel.PRACTISED
                needs.append((self._skills[pk], level))
        return needs

    def service_kwargs(self) -> dict[str, Any]:
        """What mission_create_from_need and mission_update take from the form."""
        return {
            "data": {field: self.cleaned_data[field] for field in ORDER_FIELDS},
            "domains": self.cleaned_data["domains"],
            "skills": self.skill_needs(),
            "supervisor": self.cleaned_data["supervisor"],
        }

    def error_field(self, field: str | None) -> str | None:
        """Where a service's error belongs on this form (None: above the form)."""
        if field == "skills":
            return "skill_0"
        return field if field in self.fields else None


def initial_from_need(need: Need) -> dict[str, Any]:
    """Start the order from the organisation's own words."""
    return {
        "title": need.title,
        "context": need.context,
        "problem": need.problem,
        "country": need.country.code,
        "city": need.city,
        "domains": list(need.domains.all()),
    }


class PublishForm(forms.Form):
    campuses = forms.ModelMultipleChoiceField(
        label=_("Campuses where the mission is offered"),
        queryset=Campus.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one campus.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        home = [c.pk for c in self.fields["campuses"].queryset if c.is_home]
        self.fields["campuses"].initial = home


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ChangesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("What should change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("Say what should change.")},
    )


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the mission leave the catalogue?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say why the mission leaves the catalogue.")},
    )
