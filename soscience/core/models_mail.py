"""The outbox: every mail the platform sends is first a row, written in the same
transaction as the action that causes it, then sent by the worker (``send_queued_mail``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutgoingMail(models.Model):
    """One mail to send. Retries reuse the row (and its Message-ID): one event, one mail."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", pgettext_lazy("mail status", "Sent")
        # Gave up after the last attempt; an operator can queue it again.
        FAILED = "failed", _("Failed")

    to = models.JSONField()
    from_email = models.CharField(max_length=254, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    # Stable across attempts, so a receiver that already has it can tell.
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "core"
        ordering = ["next_attempt_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("outgoing mail")

    def __str__(self) -> str:
        return self.subject
