from django import forms

from soscience.core.models import PlatformSettings


class PlatformSettingsForm(forms.ModelForm):
    class Meta:
        model = PlatformSettings
        fields = ["max_mission_weeks", "answer_within_days", "stall_after_days"]
