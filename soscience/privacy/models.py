"""The audit log of sensitive actions, and consents with the version of the text agreed to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Who did what, when, from where. Append-only: rows are never changed or deleted by the
    application (the queryset and the model refuse it); the actor is kept as a name so that an
    erased account does not erase the trace of what it did."""

    action = models.CharField(_("action"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    actor_label = models.CharField(max_length=254, blank=True)
    # What it was about: "app.model:pk" and a human-readable label at the time.
    target = models.CharField(max_length=120, blank=True, db_index=True)
    target_label = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


class Consent(models.Model):
    """A consent given (or withdrawn) by a person, with the version of the text they saw."""

    class Purpose(models.TextChoices):
        MATCHING = "matching", _("Use of my profile to suggest missions")
        CAMPUS_DIGEST = "campus_digest", _("Weekly campus digest")
        TESTIMONIAL = "testimonial", _("Publication of a testimonial")
        CASE = "case", _("Publication of a mission as a public case")
        PRIVACY = "privacy", _("Privacy notice read at sign-up")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="consents",
    )  # fmt: skip
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    text_version = models.CharField(max_length=32)
    given = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "purpose", "-at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {self.given}"
