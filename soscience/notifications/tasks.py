"""The digests, run by the worker when cron queues them (docs/operations.md)."""

from __future__ import annotations

from django.tasks import task

from soscience.notifications.digests import digests_send
from soscience.notifications.models import Notification


@task()
def send_daily_digests() -> int:
    return digests_send(Notification.Held.DAILY)


@task()
def send_weekly_news() -> int:
    return digests_send(Notification.Held.WEEKLY)
