"""Events: conferences on campus, workshops; registrations with a waiting list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from soscience.volunteers.models import Campus


class Event(models.Model):
    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        STUDENTS = "students", _("Students and researchers")
        ORGANISATIONS = "organisations", _("Organisations")

    class Status(models.TextChoices):
        # A context of their own: in French an event is masculine (publié, annulé).
        DRAFT = "draft", pgettext_lazy("event status", "Draft")
        PUBLISHED = "published", pgettext_lazy("event status", "Published")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(_("description"), max_length=8000)
    speakers = models.TextField(_("speakers"), blank=True, max_length=2000)
    campus = models.ForeignKey(
        Campus, null=True, blank=True, on_delete=models.PROTECT, related_name="events",
        verbose_name=_("campus"),
    )  # fmt: skip
    online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(_("link to join"), blank=True)
    room = models.CharField(_("room or address"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.EVERYONE
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        # Events to come (and the calendar feed) are found by their end, past ones newest
        # first by their start: the public lists read only what they show.
        indexes = [
            models.Index(fields=["status", "ends_at"], name="event_status_ends"),
            models.Index(fields=["status", "-starts_at"], name="event_status_starts_desc"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_min"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    """A place at an event, for a person with an account or a visitor (who confirms by mail).
    ``waiting`` registrations are promoted in order of ``created_at`` when a place frees."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Waiting for the email confirmation")
        CONFIRMED = "confirmed", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="event_registrations",
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    # A visitor's language (of the request that registered them), for the later mails.
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    # Whether the person holds a place once confirmed (visitors): decided at registration.
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    referral = models.ForeignKey(
        "network.ShareLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"], condition=~Q(status="cancelled"),
                name="one_live_registration_per_email",
            )
        ]  # fmt: skip
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.email} @ {self.event_id}"
