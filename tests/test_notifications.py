"""The inbox: what the platform told me, unread first, and the count in the header."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation

from soscience.applications import services
from soscience.missions.models import Mission
from soscience.notifications.models import Notification
from soscience.notifications.services import notify
from tests.factories import MissionFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
MARK_READ = reverse("notifications:mark_read")


def plain(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def note(user, text: str, *, minutes_ago: int = 0, read: bool = False, url: str = "/"):
    notification = Notification.objects.create(user=user, text=text, url=url)
    created = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Notification.objects.filter(pk=notification.pk).update(
        created_at=created, read_at=created if read else None
    )
    return notification


def test_the_inbox_lists_my_notifications_unread_first(cast):
    note(cast.volunteer, "Old and read", minutes_ago=1, read=True)
    note(cast.volunteer, "Older but unread", minutes_ago=30)
    note(cast.volunteer, "Newest unread", minutes_ago=0, url="/applications/mine/")
    note(cast.other_volunteer, "Someone else's news")

    response = cast.client("volunteer").get(INBOX)
    page = plain(response)
    assert page.index("Newest unread") < page.index("Older but unread") < page.index("Old and read")
    assert "Someone else's news" not in page
    assert page.count("New ") >= 2
    assert 'href="/applications/mine/"' in response.content.decode()
    assert "Notifications (2)" in page


def test_mark_all_read_clears_the_count(cast):
    note(cast.volunteer, "A")
    note(cast.volunteer, "B")
    other = note(cast.other_volunteer, "Not mine")
    client = cast.client("volunteer")

    response = client.post(MARK_READ, follow=True)
    assert "All your notifications are marked as read." in plain(response)
    assert "Notifications (" not in plain(response)
    assert "Mark all as read" not in plain(response)
    assert not Notification.objects.unread().filter(user=cast.volunteer).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_marking_read_is_a_post(cast):
    note(cast.volunteer, "A")
    assert cast.client("volunteer").get(MARK_READ).status_code == 405
    assert Notification.objects.unread().count() == 1


def test_an_empty_inbox_says_so_and_visitors_are_sent_to_log_in(cast):
    assert "Nothing yet" in plain(cast.client("volunteer").get(INBOX))
    response = cast.client(None).get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_header_count_is_one_query_and_none_for_visitors(cast, django_assert_num_queries):
    for n in range(5):
        note(cast.volunteer, f"News {n}")
    client = cast.client("volunteer")
    # session, user, roles (2), the page (count and rows), the header's unread count
    with django_assert_num_queries(7):
        response = client.get(INBOX)
    assert "Notifications (5)" in plain(response)
    assert "Notifications" not in plain(cast.client(None).get(reverse("core:home")))


def test_the_inbox_is_paginated_with_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    Notification.objects.bulk_create(
        [Notification(user=cast.volunteer, text=f"News {n}") for n in range(120)]
    )
    client = cast.client("volunteer")
    with django_assert_max_num_queries(7):
        response = client.get(INBOX, {"page": 3})
    assert "Page 3 of 3" in plain(response)


def test_notify_writes_the_line_and_the_mail_in_the_recipients_language(
    cast, django_capture_on_commit_callbacks
):
    cast.volunteer.language = "fr"
    cast.volunteer.save()
    mission = MissionFactory(status=Mission.Status.OPEN, published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(
            mission=mission, volunteer=cast.volunteer, motivation="Oui.",
            availability_confirmed=True,
        )  # fmt: skip
    (message,) = mail.outbox[:1]
    assert cast.volunteer.email in message.to
    with translation.override("fr"):
        french_date = formats.date_format(application.answer_by, "DATE_FORMAT")
    assert french_date in message.body  # e.g. "16 décembre 2026"
    line = Notification.objects.get(user=cast.volunteer)
    assert line.text == message.subject
    assert mission.title in line.text
    assert line.url == reverse("applications:mine")


def test_notify_keeps_long_subjects_within_the_column(cast, settings, tmp_path):
    template_dir = tmp_path / "templates"
    folder = template_dir / "volunteers" / "mail"
    folder.mkdir(parents=True)
    (folder / "long_subject.txt").write_text("{{ word }}" * 1)
    (folder / "long.txt").write_text("Body")
    settings.TEMPLATES = [
        *settings.TEMPLATES[:1],
        {**settings.TEMPLATES[1], "DIRS": [template_dir]},
    ]
    notify(cast.volunteer, "volunteers/mail/long", {"word": "x" * 500}, url="/somewhere/")
    line = Notification.objects.get(user=cast.volunteer)
    assert len(line.text) == 300
    assert line.url == "/somewhere/"
