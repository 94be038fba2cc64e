from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """Kinds of event a person chooses how to hear about (notifications/kinds.py maps
    each mail template to one)."""

    APPLICATIONS = "applications", _("Applications and mission teams")
    NEWS = "news", _("Progress updates, replies and deliverables")
    EQUIPMENT = "equipment", _("Equipment, loans and hours")
    ALERTS = "alerts", _("Alerts about quiet missions")
    MISSIONS = "missions", _("Missions that fit your profile")
    CLOSING = "closing", _("Closing, surveys, follow-ups and certificates")
    NETWORK = "network", _("Events, working groups and the campus network")
    ROLES = "roles", _("Your roles on the platform")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("By mail, immediately")
    DAILY = "daily", _("By mail, in a daily digest")
    OFF = "off", _("No mail (the inbox only)")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A line in a person's inbox on the platform; the same news goes by mail, at once or
    in a digest, as the person (or their organisation) chose."""

    class Held(models.TextChoices):
        NO = "", _("Not held")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, blank=True)
    # Rendered in the recipient's language when created, like the mail.
    text = models.CharField(_("text"), max_length=300)
    # The mail's body, kept for the digest that will carry it.
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Waiting for a digest until ``digested_at`` is set (in the digest's transaction).
    held_for = models.CharField(max_length=8, choices=Held.choices, blank=True, default="")
    digested_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"]),
            models.Index(
                fields=["held_for", "user"],
                condition=models.Q(digested_at__isnull=True) & ~models.Q(held_for=""),
                name="notification_awaiting_digest",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class NotificationPreference(models.Model):
    """How a person hears about one kind of event; no row means immediately."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.delivery}"
