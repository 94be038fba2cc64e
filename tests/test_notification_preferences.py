"""How people hear about things: per-kind preferences (mail now, daily digest, no mail), the
organisation's weekly news, idempotent digests, and the outbox that retries with back-off."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import socket
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from soscience.applications.models import Application, TeamMember
from soscience.core.models import OutgoingMail
from soscience.core.outbox import retry_delay, send_due_mail
from soscience.execution.models import ProgressUpdate
from soscience.missions.models import Mission
from soscience.notifications.kinds import kind_of
from soscience.notifications.models import (
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
)
from soscience.organisations.models import Organisation
from tests.factories import MembershipFactory, MissionFactory, UserFactory, forget_sent_mail

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("notifications:preferences")
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SOSCIENCE = Path(__file__).resolve().parent.parent / "soscience"


def plain(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def checked_radios(response) -> dict[str, str]:
    """For each radio group on the page, the value that is checked."""
    checked = {}
    for tag in re.findall(r"<input[^>]*>", response.content.decode()):
        if 'type="radio"' in tag and re.search(r"\schecked\b", tag):
            name = re.search(r'name="([^"]+)"', tag).group(1)
            checked[name] = re.search(r'value="([^"]+)"', tag).group(1)
    return checked


def choices(**overrides: str) -> dict[str, str]:
    """The whole preferences form as a person submits it: immediately unless overridden."""
    return {kind: overrides.get(kind, Delivery.IMMEDIATELY) for kind in Kind.values}


def open_null() -> io.StringIO:
    """Where a command's report goes when the test reads it (or not)."""
    return io.StringIO()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def _mission(cast) -> Mission:
    """In progress, supervised, for the cast's organisation, with the volunteer on its team."""
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor,
        status=Mission.Status.IN_PROGRESS, published_at=timezone.now(),
        created_by=cast.coordinator,
    )  # fmt: skip
    application = Application.objects.create(
        mission=mission, volunteer=cast.volunteer, status=Application.Status.SELECTED,
        applied_at=timezone.now(),
    )  # fmt: skip
    TeamMember.objects.create(
        mission=mission, application=application, volunteer=cast.volunteer, seat=1,
        capacity=mission.team_size,
    )  # fmt: skip
    return mission


@pytest.fixture
def mission(cast) -> Mission:
    made = _mission(cast)
    forget_sent_mail()
    return made


def post_update(cast, mission, body: str, visibility: str = "shared") -> None:
    response = cast.client("volunteer").post(
        reverse("execution:update_post", args=[mission.pk]),
        {"body": body, "visibility": visibility},
    )
    assert response.status_code == 302


def reply(cast, who: str, update: ProgressUpdate, body: str) -> None:
    response = cast.client(who).post(
        reverse("execution:update_reply", args=[update.pk]), {f"reply-{update.pk}-body": body}
    )
    assert response.status_code == 302


def set_news_frequency(cast, who: str, organisation: Organisation, frequency: str, **kwargs):
    return cast.client(who).post(
        reverse("notifications:organisation_news", args=[organisation.pk]),
        {f"org{organisation.pk}-news_frequency": frequency},
        **kwargs,
    )


# 1. A person's preferences


def test_the_page_offers_one_choice_per_kind_mail_at_once_by_default(cast):
    response = cast.client("member").get(PREFERENCES)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<fieldset") == len(Kind)
    for kind in Kind:
        assert f"<legend>{html.escape(str(kind.label))}" in page
    assert checked_radios(response) == dict.fromkeys(Kind.values, Delivery.IMMEDIATELY)
    assert "By mail, immediately" in plain(response)
    # The member also chooses for their organisation, and only for theirs.
    assert "Eau Claire Thiès" in plain(response)
    assert "Soleil Mangue" not in plain(response)


def test_no_mail_for_progress_news_keeps_the_inbox_line_only(
    cast, mission, django_capture_on_commit_callbacks
):
    client = cast.client("member")
    response = client.post(PREFERENCES, choices(news=Delivery.OFF), follow=True)
    assert "Your notification settings are saved." in plain(response)
    assert checked_radios(response)["news"] == Delivery.OFF

    with django_capture_on_commit_callbacks(execute=True):
        post_update(cast, mission, "The pump works again.")

    assert recipients() == [cast.supervisor.email]  # the supervisor chose nothing: at once
    line = Notification.objects.get(user=cast.member)
    assert line.kind == Kind.NEWS
    assert mission.title in line.text
    assert line.held_for == ""
    assert mission.title in plain(client.get(reverse("notifications:inbox")))
    # Nothing waits for a digest either.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_daily_digests", "--now", stdout=open_null())
    assert recipients() == [cast.supervisor.email]


def test_the_daily_digest_gathers_the_news_in_the_persons_language_once(
    cast, mission, django_capture_on_commit_callbacks
):
    cast.member.language = "fr"
    cast.member.save()
    cast.client("member").post(PREFERENCES, choices(news=Delivery.DAILY))

    with django_capture_on_commit_callbacks(execute=True):
        post_update(cast, mission, "Site survey done: l'eau est claire & potable.")
        post_update(cast, mission, "Second week: the filter is installed.")

    assert recipients() == [cast.supervisor.email] * 2  # the member waits for the digest
    held = Notification.objects.filter(user=cast.member)
    assert held.count() == 2
    assert {n.held_for for n in held} == {Notification.Held.DAILY}
    mail.outbox.clear()

    out = open_null()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_daily_digests", "--now", stdout=out)
    assert "Sent 1 daily digests." in out.getvalue()
    (digest,) = mail.outbox
    assert digest.to == [cast.member.email]
    # Both pieces of news, their text and what they said (not HTML-escaped: plain text).
    assert "Site survey done: l'eau est claire & potable." in digest.body
    assert "Second week: the filter is installed." in digest.body
    assert digest.body.index("Site survey") < digest.body.index("Second week")
    # In French: the lines were written in the member's language ...
    assert digest.body.count(f"Nouvelles de {cast.volunteer}\u00a0: {mission.title}") == 2
    assert "L'équipe SoScience" in digest.body
    # ... and so is the subject, which counts the news (the no-break space of French
    # typography before the colon is kept).
    with translation.override("fr"):
        expected = translation.ngettext(
            "Your SoScience digest: %(counter)s notification",
            "Your SoScience digest: %(counter)s notifications",
            2,
        ) % {"counter": 2}
    assert digest.subject == expected
    assert digest.subject == "Votre récapitulatif SoScience\u00a0: 2 notifications"
    assert reverse("notifications:preferences") in digest.body

    # Running it again sends nothing twice.
    mail.outbox.clear()
    out = open_null()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_daily_digests", "--now", stdout=out)
    assert mail.outbox == []
    assert "Sent 0 daily digests." in out.getvalue()
    assert not Notification.objects.filter(user=cast.member, digested_at__isnull=True).exists()


def test_an_unknown_choice_is_refused_next_to_its_field_and_nothing_is_saved(cast):
    response = cast.client("member").post(PREFERENCES, choices(news="hourly", alerts=Delivery.OFF))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_news_error"' in page
    assert "Select a valid choice" in plain(response)
    assert "id_alerts_error" not in page
    assert checked_radios(response)["alerts"] == Delivery.OFF  # what was chosen is kept
    assert not NotificationPreference.objects.exists()
    # A form missing a kind is refused too.
    incomplete = choices()
    del incomplete["roles"]
    response = cast.client("member").post(PREFERENCES, incomplete)
    assert 'id="id_roles_error"' in response.content.decode()
    assert not NotificationPreference.objects.exists()


# 2. The organisation's weekly news


def test_weekly_news_holds_members_mail_and_the_supervisor_still_hears_at_once(
    cast, mission, django_capture_on_commit_callbacks
):
    colleague = UserFactory(full_name="Fatou Collègue")
    MembershipFactory(organisation=cast.organisation, user=colleague)
    response = set_news_frequency(cast, "member", cast.organisation, "weekly", follow=True)
    assert response.redirect_chain == [(PREFERENCES, 302)]
    assert "The organisation's choice is saved." in plain(response)
    assert re.search(r'<option value="weekly"[^>]*selected', response.content.decode())
    cast.organisation.refresh_from_db()
    assert cast.organisation.news_frequency == Organisation.NewsFrequency.WEEKLY

    with django_capture_on_commit_callbacks(execute=True):
        post_update(cast, mission, "Week 1: the well is dug.")

    assert recipients() == [cast.supervisor.email]
    for member in (cast.member, colleague):
        line = Notification.objects.get(user=member)
        assert line.held_for == Notification.Held.WEEKLY
        assert mission.title in plain(client_for(member).get(reverse("notifications:inbox")))
    mail.outbox.clear()

    out = open_null()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_news", "--now", stdout=out)
    assert "Sent 2 weekly news digests." in out.getvalue()
    assert recipients() == sorted([cast.member.email, colleague.email])
    for message in mail.outbox:
        assert "Week 1: the well is dug." in message.body
        assert message.subject == "This week on your missions: 1 piece of news"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_news", "--now", stdout=open_null())
        call_command("send_daily_digests", "--now", stdout=open_null())
    assert mail.outbox == []


def test_the_organisations_weekly_choice_wins_over_a_members_daily_digest(
    cast, mission, django_capture_on_commit_callbacks
):
    cast.client("member").post(PREFERENCES, choices(news=Delivery.DAILY))
    set_news_frequency(cast, "member", cast.organisation, "weekly")
    with django_capture_on_commit_callbacks(execute=True):
        post_update(cast, mission, "Pipes ordered.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_daily_digests", "--now", stdout=open_null())
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_news", "--now", stdout=open_null())
    assert recipients() == [cast.member.email]


def test_a_member_who_turned_news_off_gets_no_weekly_mail(
    cast, mission, django_capture_on_commit_callbacks
):
    colleague = UserFactory()
    MembershipFactory(organisation=cast.organisation, user=colleague)
    set_news_frequency(cast, "member", cast.organisation, "weekly")
    cast.client("member").post(PREFERENCES, choices(news=Delivery.OFF))

    with django_capture_on_commit_callbacks(execute=True):
        post_update(cast, mission, "The tank is full.")
    assert Notification.objects.filter(user=cast.member).count() == 1  # still in the inbox
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_news", "--now", stdout=open_null())
    assert recipients() == [colleague.email]


def test_someone_outside_the_organisation_cannot_change_its_news(cast):
    for who in ("other_member", "volunteer", "supervisor"):
        response = set_news_frequency(cast, who, cast.organisation, "weekly")
        assert response.status_code == 404
    cast.organisation.refresh_from_db()
    assert cast.organisation.news_frequency == Organisation.NewsFrequency.IMMEDIATE
    url = reverse("notifications:organisation_news", args=[cast.organisation.pk])
    assert cast.client("member").get(url).status_code == 405


def test_an_unknown_frequency_is_refused_with_a_message_and_nothing_changes(cast):
    response = set_news_frequency(cast, "member", cast.organisation, "hourly", follow=True)
    assert response.redirect_chain == [(PREFERENCES, 302)]
    assert "Choose how the organisation receives mission news." in plain(response)
    cast.organisation.refresh_from_db()
    assert cast.organisation.news_frequency == Organisation.NewsFrequency.IMMEDIATE


# 3. Replies


def test_the_teams_reply_on_shared_news_reaches_the_organisation(
    cast, mission, django_capture_on_commit_callbacks
):
    update = ProgressUpdate.objects.create(
        mission=mission, author=cast.volunteer, body="Shared.", visibility="shared"
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply(cast, "supervisor", update, "Well done, the budget is fine.")
    assert recipients() == sorted([cast.volunteer.email, cast.member.email])
    to_member = next(m for m in mail.outbox if m.to == [cast.member.email])
    assert "Well done, the budget is fine." in to_member.body
    assert Notification.objects.filter(user=cast.member).count() == 1


def test_the_teams_reply_follows_the_organisations_weekly_choice(
    cast, mission, django_capture_on_commit_callbacks
):
    set_news_frequency(cast, "member", cast.organisation, "weekly")
    update = ProgressUpdate.objects.create(
        mission=mission, author=cast.volunteer, body="Shared.", visibility="shared"
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply(cast, "supervisor", update, "Answer for everyone.")
    assert recipients() == [cast.volunteer.email]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_news", "--now", stdout=open_null())
    (news,) = mail.outbox
    assert news.to == [cast.member.email]
    assert "Answer for everyone." in news.body


def test_a_reply_on_internal_news_never_reaches_the_organisation(
    cast, mission, django_capture_on_commit_callbacks
):
    update = ProgressUpdate.objects.create(
        mission=mission, author=cast.volunteer, body="Internal.", visibility="internal"
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply(cast, "supervisor", update, "Between us: we are late.")
    assert recipients() == [cast.volunteer.email]
    assert not Notification.objects.filter(user=cast.member).exists()


# 4. The outbox


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def smtp_down(settings) -> None:
    """The mail server is unreachable: nothing listens on that port."""
    settings.MAILERS = {
        "default": {
            "BACKEND": SMTP_BACKEND,
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }


def smtp_back(settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": LOCMEM_BACKEND}}


def time_passes() -> None:
    OutgoingMail.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_mail_the_server_cannot_take_waits_longer_each_time(cast, mission, settings):
    smtp_down(settings)
    # The action succeeds even though the server is down; its mail waits in the outbox.
    post_update(cast, mission, "News while the server is down.")
    rows = list(OutgoingMail.objects.order_by("pk"))
    assert sorted(row.to[0] for row in rows) == sorted([cast.member.email, cast.supervisor.email])
    assert ProgressUpdate.objects.filter(mission=mission).exists()

    before = timezone.now()
    assert send_due_mail() == 0
    first, second = (OutgoingMail.objects.get(pk=row.pk) for row in rows)
    assert first.status == OutgoingMail.Status.QUEUED
    assert first.attempts == 1
    assert first.last_error.startswith("ConnectionRefusedError")
    assert first.next_attempt_at >= before + retry_delay(1)
    # The server is down: no use trying the rest now.
    assert second.attempts == 0

    time_passes()
    before = timezone.now()
    send_due_mail()
    first.refresh_from_db()
    assert first.attempts == 2
    assert retry_delay(2) == 2 * retry_delay(1)
    assert first.next_attempt_at >= before + retry_delay(2)
    assert first.next_attempt_at <= timezone.now() + retry_delay(2)
    # Not due yet: another run leaves it alone.
    send_due_mail()
    first.refresh_from_db()
    assert first.attempts == 2
    assert mail.outbox == []


def test_a_sent_mail_is_never_sent_again(cast, mission):
    post_update(cast, mission, "Once only.")
    assert send_due_mail() == 2
    assert send_due_mail() == 0
    time_passes()
    assert send_due_mail() == 0
    assert recipients() == sorted([cast.member.email, cast.supervisor.email])
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}


def test_after_the_last_attempt_it_fails_and_an_operator_sends_it_again(cast, mission, settings):
    settings.SOSCIENCE_MAIL_MAX_ATTEMPTS = 3
    smtp_down(settings)
    post_update(cast, mission, "A long outage.", visibility="internal")  # to the supervisor
    (row,) = OutgoingMail.objects.all()
    for _ in range(3):
        time_passes()
        send_due_mail()
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.FAILED
    assert row.attempts == 3
    time_passes()
    assert send_due_mail() == 0  # given up: not tried again on its own

    smtp_back(settings)
    out = open_null()
    call_command("send_queued_mail", "--retry-failed", "--now", stdout=out)
    assert "Queued again: " in out.getvalue()
    assert "Sent 1 mails." in out.getvalue()
    (message,) = mail.outbox
    assert message.to == [cast.supervisor.email]
    assert "A long outage." in message.body
    assert message.extra_headers["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    call_command("send_queued_mail", "--retry-failed", "--now", stdout=open_null())
    assert len(mail.outbox) == 1


# 5. Every mail template told through notify() has a kind


@pytest.mark.parametrize("app", ["execution", "applications", "matching", "volunteers"])
def test_every_notification_template_has_a_kind(app):
    folder = SOSCIENCE / app / "templates" / app / "mail"
    subjects = sorted(folder.glob("*_subject.txt"))
    assert subjects
    for subject in subjects:
        template = f"{app}/mail/{subject.name.removesuffix('_subject.txt')}"
        assert kind_of(template) in Kind.values, template
