"""Events: the team creates and publishes them; people with an account register in one
click, visitors confirm by a signed link; a full event fills a waiting list promoted when
someone cancels; the reminder the day before goes once; calendars read the .ics; the team
ticks who came."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from soscience.events import ics
from soscience.events.models import Event, Registration
from tests.factories import CampusFactory, forget_sent_mail

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"/events/confirm/([^/\s]+)/")
CANCEL_LINK = re.compile(r"/events/registration/([^/\s]+)/cancel/")
Status = Registration.Status


def plain(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def make_event(cast, **fields) -> Event:
    starts = fields.pop("starts_at", timezone.now() + dt.timedelta(days=7))
    values = {
        "title": "Water, science and schools",
        "slug": f"water-{Event.objects.count() + 1}",
        "description": "Talks and **workshops**.",
        "campus": CampusFactory(slug="espci", name="ESPCI Paris", city="Paris"),
        "room": "Amphi Langevin",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "capacity": 2,
        "status": Event.Status.PUBLISHED,
        "created_by": cast.coordinator,
        **fields,
    }
    return Event.objects.create(**values)


def sent(callbacks, action):
    """Run ``action`` as a request would commit, and return the mails it sent."""
    forget_sent_mail()  # what earlier steps queued counts as sent
    with callbacks(execute=True):
        response = action()
    return response, list(mail.outbox)


def register(client, event, **data):
    return client.post(reverse("events:register", kwargs={"slug": event.slug}), data)


def form_data(**changes) -> dict:
    starts = timezone.localtime() + dt.timedelta(days=10)
    data = {
        "title": "Solar dryers for mangoes",
        "description": "A workshop with the cooperative.",
        "speakers": "Awa Diop, engineer",
        "campus": "",
        "online": "",
        "online_url": "",
        "room": "Salle 12, 10 rue Vauquelin, Paris",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "40",
        "audience": "everyone",
    }
    return {**data, **changes}


# The team's pages.


def test_a_coordinator_creates_a_draft_publishes_it_and_it_appears_on_the_list(cast):
    client = cast.client("coordinator")
    response = client.post(reverse("events:create"), form_data())
    event = Event.objects.get()
    assert response["Location"] == reverse("events:registrations", kwargs={"pk": event.pk})
    assert event.status == Event.Status.DRAFT
    assert event.slug.startswith("solar-dryers-for-mangoes-")
    assert "Solar dryers" not in plain(cast.client(None).get(reverse("events:list")))
    assert cast.client(None).get(reverse("events:detail", args=[event.slug])).status_code == 404

    client.post(reverse("events:publish", kwargs={"pk": event.pk}))

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    page = plain(cast.client(None).get(reverse("events:list")))
    assert "Solar dryers for mangoes" in page
    assert "40 places left" in page


def test_an_event_that_ends_before_it_starts_is_refused_next_to_the_field(cast):
    client = cast.client("coordinator")
    data = form_data()
    data["ends_at"] = data["starts_at"]
    response = client.post(reverse("events:create"), data)
    assert response.status_code == 200
    assert 'id="id_ends_at_error"' in response.content.decode()
    assert "The event must end after it starts." in plain(response)
    assert 'value="Solar dryers for mangoes"' in response.content.decode()  # kept
    assert not Event.objects.exists()


def test_an_online_event_needs_its_link_and_the_link_is_only_for_those_with_a_place(cast):
    client = cast.client("coordinator")
    response = client.post(reverse("events:create"), form_data(online="on", room=""))
    assert "Give the link to join an online event." in plain(response)
    client.post(
        reverse("events:create"), form_data(online="on", online_url="https://meet.example.org/x")
    )
    event = Event.objects.get()
    client.post(reverse("events:publish", kwargs={"pk": event.pk}))
    detail = reverse("events:detail", args=[event.slug])
    assert "meet.example.org" not in plain(cast.client(None).get(detail))
    volunteer = cast.client("volunteer")
    register(volunteer, event)
    assert "meet.example.org" in plain(volunteer.get(detail))


def test_places_cannot_drop_below_those_taken(cast, django_capture_on_commit_callbacks):
    event = make_event(cast, capacity=3)
    for who in ("volunteer", "other_volunteer"):
        register(cast.client(who), event)
    data = form_data(title=event.title, capacity="1")
    response = cast.client("coordinator").post(
        reverse("events:edit", kwargs={"pk": event.pk}), data
    )
    assert "2 people already hold a place: there cannot be fewer places." in plain(response)
    event.refresh_from_db()
    assert event.capacity == 3


def test_more_places_promote_the_waiting_list(cast, django_capture_on_commit_callbacks):
    event = make_event(cast, capacity=1)
    register(cast.client("volunteer"), event)
    register(cast.client("other_volunteer"), event)
    data = form_data(title=event.title, capacity="2", room=event.room)
    _, mails = sent(
        django_capture_on_commit_callbacks,
        lambda: cast.client("coordinator").post(
            reverse("events:edit", kwargs={"pk": event.pk}), data
        ),
    )
    waiting = Registration.objects.get(user=cast.other_volunteer)
    assert waiting.status == Status.CONFIRMED
    assert [m.to for m in mails] == [[cast.other_volunteer.email]]
    assert mails[0].subject.startswith("A place freed up for you")


def test_only_coordinators_manage_events(cast):
    event = make_event(cast, status=Event.Status.DRAFT)
    for who in ("volunteer", "ambassador", "member"):
        client = cast.client(who)
        assert client.get(reverse("events:create")).status_code == 403
        assert client.post(reverse("events:publish", kwargs={"pk": event.pk})).status_code == 403
        assert client.get(reverse("events:detail", args=[event.slug])).status_code == 404
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert cast.client("coordinator").get(reverse("events:edit", args=[999999])).status_code == 404


def test_cancelling_an_event_tells_everyone_registered(cast, django_capture_on_commit_callbacks):
    event = make_event(cast, capacity=1)
    register(cast.client("volunteer"), event)
    register(cast.client("other_volunteer"), event)
    _, mails = sent(
        django_capture_on_commit_callbacks,
        lambda: cast.client("coordinator").post(reverse("events:cancel", kwargs={"pk": event.pk})),
    )
    assert sorted(m.to[0] for m in mails) == sorted(
        [cast.volunteer.email, cast.other_volunteer.email]
    )
    assert all(m.subject.startswith("Cancelled:") for m in mails)
    page = plain(cast.client(None).get(reverse("events:detail", args=[event.slug])))
    assert "This event is cancelled." in page
    assert "Registration is closed." in page


# Public pages.


def test_the_list_shows_coming_events_and_past_ones_separately(cast, django_assert_max_num_queries):
    for n in range(5):
        make_event(cast, title=f"Coming {n}", starts_at=timezone.now() + dt.timedelta(days=n + 1))
    make_event(cast, title="Last year's", starts_at=timezone.now() - dt.timedelta(days=300))
    make_event(cast, title="Secret draft", status=Event.Status.DRAFT)
    client = cast.client(None)
    with django_assert_max_num_queries(3):
        page = plain(client.get(reverse("events:list")))
    assert all(f"Coming {n}" in page for n in range(5))
    assert "Last year's" not in page
    assert "Secret draft" not in page
    with django_assert_max_num_queries(4):
        past = plain(client.get(reverse("events:past")))
    assert "Last year's" in past
    assert "Coming 0" not in past


def test_pages_link_the_calendars(cast):
    event = make_event(cast)
    for url in (reverse("events:list"), reverse("events:detail", args=[event.slug])):
        body = cast.client(None).get(url).content.decode()
        feed = reverse("events:feed")
        assert f'type="text/calendar" title="SoScience events (iCalendar)" href="{feed}"' in body
    body = cast.client(None).get(reverse("events:detail", args=[event.slug])).content.decode()
    own = reverse("events:ics", args=[event.slug])
    assert f'type="text/calendar" title="This event (iCalendar)" href="{own}"' in body


# Registration with an account.


def test_one_click_registration_then_waiting_list_then_promotion_on_cancel(
    cast, django_capture_on_commit_callbacks
):
    event = make_event(cast, capacity=1)
    detail = reverse("events:detail", args=[event.slug])

    _, mails = sent(
        django_capture_on_commit_callbacks, lambda: register(cast.client("volunteer"), event)
    )
    assert Registration.objects.get(user=cast.volunteer).status == Status.CONFIRMED
    assert mails[0].subject == f"You are registered: {event.title}"
    assert "You hold a place at this event." in plain(cast.client("volunteer").get(detail))

    other = cast.client("other_volunteer")
    _, mails = sent(django_capture_on_commit_callbacks, lambda: register(other, event))
    assert Registration.objects.get(user=cast.other_volunteer).status == Status.WAITING
    assert mails[0].subject == f"Waiting list: {event.title}"
    assert "You are on the waiting list (number 1)" in plain(other.get(detail))

    _, mails = sent(
        django_capture_on_commit_callbacks,
        lambda: cast.client("volunteer").post(reverse("events:unregister", args=[event.slug])),
    )
    assert Registration.objects.get(user=cast.volunteer).status == Status.CANCELLED
    assert Registration.objects.get(user=cast.other_volunteer).status == Status.CONFIRMED
    assert [m.to for m in mails] == [[cast.other_volunteer.email]]
    assert "it is yours" in mails[0].body
    assert "You hold a place at this event." in plain(other.get(detail))


def test_registering_twice_is_refused_with_the_reason(cast):
    event = make_event(cast)
    client = cast.client("volunteer")
    register(client, event)
    response = register(client, event)
    assert response.status_code == 302
    assert "You are already registered for this event." in plain(client.get(response["Location"]))
    assert Registration.objects.filter(event=event).count() == 1


def test_registration_closes_when_the_event_starts(cast):
    event = make_event(cast)
    client = cast.client("volunteer")
    with time_machine.travel(event.starts_at + dt.timedelta(minutes=1), tick=False):
        response = register(client, event)
        assert "This event has already started" in plain(client.get(response["Location"]))
    assert not Registration.objects.exists()


def test_a_share_link_in_the_session_is_attributed(cast):
    from soscience.network.models import Referral, ShareLink

    event = make_event(cast)
    link = ShareLink.objects.create(
        code="amb12345", event=event, channel="ambassador", ambassador=cast.ambassador,
        created_by=cast.ambassador,
    )  # fmt: skip
    client = cast.client("volunteer")
    session = client.session
    session["share_code"] = link.code
    session.save()
    register(client, event)
    assert Registration.objects.get().referral == link
    # The ambassador's figures count it (through the network app's service).
    pytest.importorskip("soscience.network.services", reason="the network app's services")
    assert Referral.objects.filter(link=link, kind="registration", user=cast.volunteer).exists()


# Visitors.


def visitor_registers(cast, event, callbacks, email="ines@example.org"):
    client = cast.client(None)
    response, mails = sent(
        callbacks, lambda: register(client, event, name="Inès Visiteuse", email=email)
    )
    return client, response, mails


def test_a_visitor_confirms_by_the_link_and_cancels_by_the_other(
    cast, django_capture_on_commit_callbacks
):
    event = make_event(cast, capacity=1)
    client, response, mails = visitor_registers(cast, event, django_capture_on_commit_callbacks)
    assert "We sent a mail to ines@example.org" in plain(client.get(response["Location"]))
    registration = Registration.objects.get()
    assert registration.status == Status.UNCONFIRMED  # no place taken yet
    assert mails[0].to == ["ines@example.org"]
    confirm = CONFIRM_LINK.search(mails[0].body).group(0)

    # Opening the link (a mail scanner would) changes nothing: it asks.
    assert "Confirm my registration" in plain(client.get(confirm))
    registration.refresh_from_db()
    assert registration.status == Status.UNCONFIRMED

    response, mails = sent(django_capture_on_commit_callbacks, lambda: client.post(confirm))
    assert "you hold a place" in plain(response)
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    cancel = CANCEL_LINK.search(mails[0].body).group(0)

    register(cast.client("volunteer"), event)  # full: waits
    response, mails = sent(django_capture_on_commit_callbacks, lambda: client.post(cancel))
    assert "Your registration is cancelled." in plain(response)
    assert Registration.objects.get(user=cast.volunteer).status == Status.CONFIRMED
    assert [m.to for m in mails] == [[cast.volunteer.email]]


def test_a_visitor_confirming_when_the_event_is_full_joins_the_waiting_list(
    cast, django_capture_on_commit_callbacks
):
    event = make_event(cast, capacity=1)
    client, _, mails = visitor_registers(cast, event, django_capture_on_commit_callbacks)
    register(cast.client("volunteer"), event)  # takes the last place meanwhile
    response = client.post(CONFIRM_LINK.search(mails[0].body).group(0))
    assert "you are on the waiting list (number 1)" in plain(response)
    assert Registration.objects.get(user=None).status == Status.WAITING


def test_a_visitor_form_with_errors_comes_back_with_what_was_typed(cast):
    event = make_event(cast)
    response = register(cast.client(None), event, name="Inès", email="not-an-address")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_email_error"' in body
    assert 'value="Inès"' in body
    assert not Registration.objects.exists()


def test_asking_again_resends_the_link_without_a_second_registration(
    cast, django_capture_on_commit_callbacks
):
    event = make_event(cast)
    visitor_registers(cast, event, django_capture_on_commit_callbacks)
    _, _, mails = visitor_registers(
        cast, event, django_capture_on_commit_callbacks, email="INES@example.org"
    )
    assert CONFIRM_LINK.search(mails[0].body)
    assert Registration.objects.count() == 1


def test_an_expired_confirmation_link_is_gone_and_a_tampered_one_invalid(
    cast, django_capture_on_commit_callbacks
):
    event = make_event(cast, starts_at=timezone.now() + dt.timedelta(days=20))
    client, _, mails = visitor_registers(cast, event, django_capture_on_commit_callbacks)
    link = CONFIRM_LINK.search(mails[0].body).group(0)
    token = CONFIRM_LINK.search(mails[0].body).group(1)

    tampered = reverse("events:confirm", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")])
    response = client.post(tampered)
    assert response.status_code == 400
    assert "This link is not valid" in plain(response)
    # A cancel link is not a confirmation link (another salt).
    assert client.get(reverse("events:visitor_cancel", args=[token])).status_code == 400

    with time_machine.travel(timezone.now() + dt.timedelta(hours=49)):
        response = client.post(link)
    assert response.status_code == 410
    assert "This link has expired" in plain(response)
    assert Registration.objects.get().status == Status.UNCONFIRMED


# The reminder the day before.


def test_the_reminder_goes_once_to_those_holding_a_place(cast, django_capture_on_commit_callbacks):
    paris_now = timezone.localtime()
    tomorrow = (paris_now + dt.timedelta(days=1)).replace(hour=18, minute=0)
    event = make_event(cast, starts_at=tomorrow, capacity=1)
    later = make_event(cast, starts_at=tomorrow + dt.timedelta(days=3))
    register(cast.client("volunteer"), event)
    register(cast.client("other_volunteer"), event)  # waiting: no reminder
    register(cast.client("volunteer"), later)  # not tomorrow

    _, mails = sent(
        django_capture_on_commit_callbacks, lambda: call_command("send_event_reminders", "--now")
    )
    assert [m.to for m in mails] == [[cast.volunteer.email]]
    assert mails[0].subject == f"Reminder: {event.title}"
    assert Registration.objects.get(event=event, user=cast.volunteer).reminded_at is not None

    _, mails = sent(
        django_capture_on_commit_callbacks, lambda: call_command("send_event_reminders", "--now")
    )
    assert mails == []


def test_a_visitors_reminder_carries_the_cancel_link(cast, django_capture_on_commit_callbacks):
    event = make_event(cast, starts_at=timezone.now() + dt.timedelta(hours=20))
    client, _, mails = visitor_registers(cast, event, django_capture_on_commit_callbacks)
    client.post(CONFIRM_LINK.search(mails[0].body).group(0))
    _, mails = sent(
        django_capture_on_commit_callbacks, lambda: call_command("send_event_reminders", "--now")
    )
    assert [m.to for m in mails] == [["ines@example.org"]]
    assert CANCEL_LINK.search(mails[0].body)


# iCalendar.


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_the_event_file_is_valid_icalendar(cast):
    event = make_event(
        cast,
        title="Eau, science; écoles \\ villages",
        description="Line one\nLine two, with a comma. " + "Long words é " * 20,
    )
    response = cast.client(None).get(reverse("events:ics", args=[event.slug]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]
    raw = response.content
    text = raw.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # octets
    assert any(line.startswith(" ") for line in text.split("\r\n"))  # something was folded
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert r"SUMMARY:Eau\, science\; écoles \\ villages" in lines
    start = event.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in lines
    assert any(re.fullmatch(r"DTEND:\d{8}T\d{6}Z", line) for line in lines)
    assert any(re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", line) for line in lines)
    assert f"UID:event-{event.pk}@127.0.0.1" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert r"Line one\nLine two\, with a comma." in description
    assert "LOCATION:Amphi Langevin\\, ESPCI Paris\\, Paris" in lines


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "é" * 100
    folded = ics.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_the_feed_lists_public_events_only(cast):
    make_event(cast, title="Published one")
    make_event(cast, title="Called off", status=Event.Status.CANCELLED)
    make_event(cast, title="Draft one", status=Event.Status.DRAFT)
    response = cast.client(None).get(reverse("events:feed"))
    lines = unfold(response.content.decode())
    assert lines.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Published one" in lines
    assert "STATUS:CANCELLED" in lines
    assert "SUMMARY:Draft one" not in lines
    assert "X-WR-CALNAME:SoScience events" in lines


# Attendance.


def test_the_team_ticks_who_came_once_the_event_started(cast):
    event = make_event(cast, capacity=3)
    register(cast.client("volunteer"), event)
    register(cast.client("other_volunteer"), event)
    came = Registration.objects.get(user=cast.volunteer)
    url = reverse("events:attendance", kwargs={"pk": event.pk})
    client = cast.client("coordinator")

    response = client.post(url, {"attended": [came.pk]})
    assert "Attendance can be recorded once the event has started." in plain(response)
    assert not Registration.objects.filter(attended__isnull=False).exists()

    with time_machine.travel(event.ends_at, tick=False):
        response = client.post(url, {"attended": [came.pk]})
        assert "Attendance saved: 1 of 2 came." in plain(client.get(response["Location"]))
    assert Registration.objects.get(user=cast.volunteer).attended is True
    assert Registration.objects.get(user=cast.other_volunteer).attended is False
    assert f'value="{came.pk}" id="attended-{came.pk}" checked' in client.get(url).content.decode()


def test_someone_elses_registration_cannot_be_ticked(cast):
    event = make_event(cast, capacity=3)
    other = make_event(cast)
    register(cast.client("volunteer"), other)
    foreign = Registration.objects.get()
    with time_machine.travel(event.ends_at, tick=False):
        response = cast.client("coordinator").post(
            reverse("events:attendance", kwargs={"pk": event.pk}), {"attended": [foreign.pk]}
        )
    assert response.status_code == 200
    assert "Select a valid choice." in plain(response)
    foreign.refresh_from_db()
    assert foreign.attended is None


def test_only_the_team_sees_the_link_to_manage_the_event(cast):
    event = make_event(cast)
    coordinator_page = plain(
        cast.client("coordinator").get(reverse("events:detail", args=[event.slug]))
    )
    volunteer_page = plain(
        cast.client("volunteer").get(reverse("events:detail", args=[event.slug]))
    )
    assert "Manage the event" in coordinator_page
    assert "Manage the event" not in volunteer_page


def test_a_visitor_promoted_later_is_told_in_the_language_they_registered_in(
    cast, django_capture_on_commit_callbacks
):
    from soscience.events.services_registrations import (
        registration_cancel,
        registration_confirm_visitor,
        registration_register_user,
        registration_request_visitor,
    )

    event = make_event(cast, capacity=1)
    place = registration_register_user(event=event, user=cast.volunteer)
    visitor = registration_request_visitor(
        event=event, name="Awa", email="awa@example.org", language="fr"
    )
    registration_confirm_visitor(registration=visitor, language="fr")
    visitor.refresh_from_db()
    assert (visitor.status, visitor.language) == (Registration.Status.WAITING, "fr")

    # The volunteer gives up the place during a request in English: Awa is told in French.
    _, mails = sent(django_capture_on_commit_callbacks,
                    lambda: registration_cancel(registration=place))  # fmt: skip
    [promoted] = [m for m in mails if m.to == ["awa@example.org"]]
    assert not promoted.subject.startswith("A place freed up for you")
    assert "Awa" in promoted.body
