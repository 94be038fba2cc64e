"""The sessions page: a browser's User-Agent said in words a person recognises."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from soscience.accounts.sessions import UNKNOWN_IP

register = template.Library()

# First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS = (
    ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"), ("Safari/", "Safari"),
)  # fmt: skip
# Android and iOS before Linux and macOS, which their User-Agents also name.
SYSTEMS = (
    ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
    ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
)  # fmt: skip


def _first(agent: str, names: tuple[tuple[str, str], ...]) -> str | None:
    return next((name for token, name in names if token in agent), None)


@register.filter
def device(agent: str) -> str:
    """ "Firefox on Linux"; the raw string (shortened) when neither is recognised."""
    browser, system = _first(agent, BROWSERS), _first(agent, SYSTEMS)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if browser or system:
        return browser or system or ""
    agent = agent.strip()
    if not agent:
        return _("Unknown browser")
    return agent if len(agent) <= 60 else agent[:59] + "…"


@register.filter
def address(ip: str) -> str:
    return _("unknown") if ip == UNKNOWN_IP else ip
