"""Prospecting: organisations the team is approaching, until they register (or decline)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField


class Prospect(models.Model):
    class Stage(models.TextChoices):
        # A context of their own: in French a prospect is a "structure" (feminine).
        IDENTIFIED = "identified", pgettext_lazy("prospect stage", "Identified")
        CONTACTED = "contacted", pgettext_lazy("prospect stage", "Contacted")
        INTERESTED = "interested", pgettext_lazy("prospect stage", "Interested")
        REGISTERED = "registered", pgettext_lazy("prospect stage", "Registered")
        DECLINED = "declined", pgettext_lazy("prospect stage", "Declined")

    class Source(models.TextChoices):
        AMBASSADOR = "ambassador", _("Ambassador")
        INCUBATOR = "incubator", _("Partner incubator")
        EVENT = "event", _("Event")
        INBOUND = "inbound", _("Came to us")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"), default="FR")
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact's email"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.IDENTIFIED
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    source_detail = models.CharField(_("which one"), max_length=200, blank=True)
    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("ambassador"),
    )  # fmt: skip
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("event"),
    )  # fmt: skip
    organisation = models.OneToOneField(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="prospect",
    )  # fmt: skip
    next_action = models.CharField(_("next action"), max_length=300, blank=True)
    next_action_on = models.DateField(_("next action due on"), null=True, blank=True)
    # The due date its owner was last reminded of: one reminder per action due.
    reminded_for = models.DateField(null=True, blank=True)
    decline_reason = models.TextField(_("why they declined"), blank=True, max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("followed by"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["next_action_on", "name"]
        verbose_name = _("prospect")
        indexes = [models.Index(fields=["stage", "next_action_on"])]

    def __str__(self) -> str:
        return self.name


class ContactLog(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        MEETING = "meeting", _("Meeting")
        EVENT = "event", _("At an event")
        NOTE = "note", _("Note")

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    summary = models.TextField(_("what was said"), max_length=4000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.prospect_id} {self.on}"
