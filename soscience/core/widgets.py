"""Widgets shared by the apps' forms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class LongSelect(forms.Select):
    """A ``<select>`` written in Python, for lists of hundreds of options (campuses, skills).

    Django's Select renders each option through a template of its own: about 0.1 ms an
    option, so a filter form with the 300 campuses and 300 skills of the national network
    took most of the catalogue's time. The HTML means the same as Django's
    (tests/test_widgets.py compares them).
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group, _options(options))
            if group
            else _options(options)
            for group, options, _index in widget["optgroups"]
        ]
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((part,) for part in parts)),
        )


def _options(options: Iterable[dict[str, Any]]) -> SafeString:
    return format_html_join(
        "",
        '\n  <option value="{}"{}>{}</option>',
        ((str(option["value"]), flatatt(option["attrs"]), option["label"]) for option in options),
    )
