"""Forms for the campuses (partner schools) managed by the coordination team."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soscience.volunteers.models import Campus

HOME_TAKEN = _("%(campus)s is already the home campus: untick “home campus” there first.")


class CampusForm(forms.ModelForm):
    class Meta:
        model = Campus
        fields = ["name", "short_name", "slug", "city", "country", "is_home", "is_active"]
        help_texts = {
            "short_name": _("As students say it, e.g. ESPCI."),
            "slug": _("Lower-case letters, digits and hyphens, used in addresses."),
        }

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
