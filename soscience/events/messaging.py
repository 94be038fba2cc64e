"""Mail about a registration, to a person with an account (inbox line and mail, as they
chose) or to a visitor (a mail only, with signed links since they cannot log in)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from soscience.core.mail import enqueue_message
from soscience.events import tokens
from soscience.events.models import Event, Registration
from soscience.notifications.services import notify

LINE_BREAKS = re.compile(r"[ \t\r\n]+")


def event_context(event: Event, *, with_link: bool) -> dict[str, object]:
    """What every event mail says about the event. The link to join an online event only
    goes to people who hold a place."""
    place = [event.room, event.campus.name if event.campus else "", ""]
    return {
        "event": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "online": event.online,
        "place": ", ".join(p for p in place if p),
        "online_url": event.online_url if with_link and event.online else "",
        "event_path": reverse("events:detail", kwargs={"slug": event.slug}),
    }


def tell(registration: Registration, template: str, *, language: str | None = None) -> None:
    """Render ``events/mail/<template>`` for the registration's person and queue it, in the
    caller's transaction. Visitors get it in ``language`` (the one of their own request),
    else the one they registered in, and a signed link to cancel."""
    event = registration.event
    holds_place = registration.status == Registration.Status.CONFIRMED
    context = event_context(event, with_link=holds_place)
    context.update(status=registration.status, name=registration.name)
    if registration.user is not None:
        notify(registration.user, f"events/mail/{template}", context, url=context["event_path"])
        return
    token = tokens.cancel_token(registration)
    context["cancel_path"] = reverse("events:visitor_cancel", args=[token])
    language = language or registration.language or settings.LANGUAGE_CODE
    _mail_visitor(registration.email, template, context, language)


def send_confirmation_link(registration: Registration, *, language: str) -> None:
    """The visitor's first mail: the link that confirms their address (and takes a place)."""
    context = event_context(registration.event, with_link=False)
    context.update(
        name=registration.name,
        confirm_path=reverse("events:confirm", args=[tokens.confirm_token(registration)]),
        hours=tokens.CONFIRM_MAX_AGE // 3600,
    )
    _mail_visitor(registration.email, "visitor_confirm", context, language)


def _mail_visitor(email: str, template: str, context: dict[str, object], language: str) -> None:
    with translation.override(language):
        ctx = {"site_url": settings.SITE_URL, **context}
        raw = render_to_string(f"events/mail/{template}_subject.txt", ctx, using="text")
        body = render_to_string(f"events/mail/{template}.txt", ctx, using="text")
    subject = LINE_BREAKS.sub(" ", raw).strip()
    enqueue_message(EmailMessage(subject=subject, body=body, to=[email]))
