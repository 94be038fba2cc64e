"""The inbox: what the platform told me, unread first."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soscience.notifications.selectors import inbox as inbox_of
from soscience.notifications.services import notifications_mark_read

PAGE_SIZE = 50


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """My notifications (everyone sees only their own: no id in the URL)."""
    page = Paginator(inbox_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    unread = sum(1 for n in page.object_list if n.read_at is None)
    return render(request, "notifications/inbox.html", {"page": page, "unread_here": unread})


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark all my notifications as read."""
    count = notifications_mark_read(user=request.user)  # type: ignore[arg-type]
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:inbox")
