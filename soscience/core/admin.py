"""The outbox in the Django admin, for operators (docs/operations.md): read-only, since a
mail is changed only by the worker or by ``send_queued_mail --retry-failed``."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from soscience.core.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "attempts", "subject", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
