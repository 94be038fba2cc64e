from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.core.models import PlatformSettings

# The rules coordinators change on the platform settings page, in the order shown.
PLATFORM_RULES = (
    "max_mission_weeks",
    "answer_within_days",
    "stall_after_days",
    "hourly_rate",
    "followup_first_months",
    "followup_second_months",
    "inactive_years_before_anonymising",
)


class PlatformSettingsForm(forms.ModelForm):
    class Meta:
        model = PlatformSettings
        fields = list(PLATFORM_RULES)
        help_texts = {
            "hourly_rate": _(
                "Validated hours times this rate give the value of volunteering that "
                "associations report as contributions in kind (impact dashboard, exports)."
            ),
            "followup_first_months": _(
                "The organisation is asked how the solution is doing this many months after "
                "the mission closed, then again at the second delay."
            ),
        }
