"""iCalendar (RFC 5545) for events, written by hand: a few properties do not justify a
dependency. Lines end in CRLF, are folded at 75 octets without splitting a UTF-8 character,
text values are escaped, and times are in UTC with a Z."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from soscience.events.models import Event

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//SoScience//Events//EN"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks
    as \\n (a CR alone or before LF is dropped)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into chunks of at most 75 octets (the continuation's leading
    space counts), cut between characters, never inside one."""
    chunks: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            chunks.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += char
        size += octets
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "soscience"


def _location(event: Event) -> str:
    if event.online:
        return "Online"
    parts = [event.room]
    if event.campus is not None:
        parts += [event.campus.name, event.campus.city]
    return ", ".join(p for p in parts if p)


def _description(event: Event, url: str) -> str:
    text = event.description.strip()
    if event.speakers.strip():
        text += "\n\n" + event.speakers.strip()
    return f"{text}\n\n{url}"


def vevent(event: Event) -> list[str]:
    """The VEVENT lines of one event (unfolded). Only what the public page shows: the link
    to join an online event is for registered people, so it is not here."""
    url = settings.SITE_URL + reverse("events:detail", kwargs={"slug": event.slug})
    status = "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED"
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{_host()}",
        # Without a METHOD, DTSTAMP is the last change of the event (RFC 5545 3.8.7.2).
        f"DTSTAMP:{utc(event.updated_at)}",
        f"LAST-MODIFIED:{utc(event.updated_at)}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(_description(event, url))}",
        f"URL:{url}",
        f"STATUS:{status}",
    ]
    location = _location(event)
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[Event], *, name: str = "") -> str:
    """A whole VCALENDAR with one VEVENT per event, folded, CRLF-terminated."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines += vevent(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
