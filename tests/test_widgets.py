"""LongSelect writes the same <select> as Django's Select, only faster."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from soscience.core.widgets import LongSelect

CHOICES = [("", "All campuses"), ("lyon", "Lyon <Doua>"), ("a&b", "Élancourt"), ("3", "Dakar")]
GROUPED = [("Europe", [("lyon", "Lyon"), ("paris", "Paris")]), ("dakar", "Dakar")]


def _pair(choices, **field):
    class Form(forms.Form):
        django = forms.ChoiceField(choices=choices, **field)
        ours = forms.ChoiceField(choices=choices, widget=LongSelect, **field)

    return Form


@pytest.mark.parametrize(
    ("choices", "value", "field"),
    [
        (CHOICES, "a&b", {"required": False, "help_text": "Where the mission is offered."}),
        (CHOICES, "", {"required": False}),
        (CHOICES, "not offered", {"required": False}),  # an error, shown next to the field
        (GROUPED, "paris", {}),
        (GROUPED, None, {}),  # unbound below: nothing selected
    ],
)
def test_long_select_writes_what_djangos_select_writes(choices, value, field):
    Form = _pair(choices, **field)
    form = Form({"django": value, "ours": value}) if value is not None else Form()
    form.is_valid()
    ours = str(form["ours"]).replace("ours", "django")
    assert parse_html(ours) == parse_html(str(form["django"]))
    if value and value != "not offered":
        # The chosen option is kept: the page shows the filter the reader picked.
        assert "selected" in str(form["ours"])
    assert "&lt;Doua&gt;" in ours or choices is GROUPED  # labels are escaped
