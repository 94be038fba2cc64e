"""Volunteers told about the missions that fit them, as they chose in their profile: at
once when a mission is published ("each"), in a weekly digest ("weekly"), or never; and
never twice about the same mission."""

from __future__ import annotations

import datetime as dt
import html
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.applications.models import Application
from soscience.core.outbox import send_due_mail
from soscience.matching.models import MissionAlert
from soscience.matching.tasks import send_weekly_digests, tell_matching_volunteers
from soscience.missions.models import Mission
from soscience.notifications.models import Notification
from soscience.volunteers.models import Availability, Skill, VolunteerProfile, VolunteerSkill
from tests.factories import CampusFactory, MissionFactory, UserFactory, forget_sent_mail

WATER_BIO = "My thesis was on slow sand filters and drinking-water disinfection."
WELL = {
    "title": "Safe water for the school's well",
    "context": "A rural school of 300 pupils near Thiès.",
    "problem": "The well water is cloudy and salty after the rains; children fall ill.",
    "objectives": "Design a simple treatment to make the water drinkable.",
    "deliverables": "Plans of the filter and a maintenance guide.",
}


@pytest.fixture
def home():
    return CampusFactory(name="ESPCI Paris", short_name="ESPCI", slug="espci", is_home=True)


@pytest.fixture
def partner():
    return CampusFactory(name="ESTP Paris", short_name="ESTP", slug="estp")


def volunteer(
    name: str, *, campus, notify: str = "each", skills=(("water-treatment", 3),),
    bio: str = WATER_BIO, consent: bool = True,
) -> User:  # fmt: skip
    """A volunteer with a profile (made through the ORM: the worker's task builds the
    index itself when it runs)."""
    user = UserFactory(full_name=name, roles=[Role.VOLUNTEER])
    profile = VolunteerProfile.objects.create(
        user=user, bio=bio, languages=["fr", "en"], campus=campus, notify=notify,
        consent_matching_at=timezone.now() if consent else None,
    )  # fmt: skip
    for slug, level in skills:
        VolunteerSkill.objects.create(
            profile=profile, skill=Skill.objects.get(slug=slug), level=level
        )
    today = timezone.localdate()
    Availability.objects.create(
        profile=profile, start=today, end=today + dt.timedelta(weeks=20), hours_per_week=10
    )
    return user


def approved_mission(cast, **fields) -> Mission:
    values = {"status": Mission.Status.APPROVED, "hours_per_week": 4, "languages": ["fr"],
              **WELL, **fields}  # fmt: skip
    return MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, created_by=cast.coordinator,
        team_size=2, skills=[("water-treatment", 3)], **values,
    )  # fmt: skip


def publish(cast, mission: Mission, campuses, capture) -> None:
    """The coordinator publishes through the page; the worker's tasks run on commit."""
    url = reverse("missions:publish", kwargs={"pk": mission.pk})
    with capture(execute=True):
        response = cast.client("coordinator").post(url, {"campuses": [c.pk for c in campuses]})
    assert response.status_code == 302, response.content.decode()[:2000]


def unpublish(cast, mission: Mission) -> None:
    url = reverse("missions:unpublish", kwargs={"pk": mission.pk})
    response = cast.client("coordinator").post(url, {"reason": "A date to correct."})
    assert response.status_code == 302


def mails_to(user: User) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def inbox(user: User) -> list[Notification]:
    return list(Notification.objects.filter(user=user))


def mission_url(mission: Mission) -> str:
    return reverse("missions:detail", kwargs={"pk": mission.pk})


# At once, when a mission is published.


def test_publishing_tells_a_fitting_volunteer_who_asked_for_each_mission(
    cast, home, django_capture_on_commit_callbacks
):
    wendy = volunteer("Wendy Waters", campus=home)
    mission = approved_mission(cast)

    publish(cast, mission, [home], django_capture_on_commit_callbacks)

    [message] = mails_to(wendy)
    assert "A new mission fits your profile: Safe water for the school's well" in message.subject
    assert "Hello Wendy," in message.body
    assert "for Eau Claire Thiès" in message.body
    assert "Strong match" in message.body or "Good match" in message.body
    assert f"{mission_url(mission)}\n" in message.body
    assert reverse("volunteers:profile") in message.body  # where to change the preference
    [line] = inbox(wendy)
    assert line.text == message.subject
    assert line.url == mission_url(mission)
    # Her inbox page shows it.
    client = cast.client(None)
    client.force_login(wendy)
    page = html.unescape(client.get(reverse("notifications:inbox")).content.decode())
    assert "A new mission fits your profile: Safe water for the school's well" in page


def test_only_fitting_volunteers_who_chose_each_mission_and_may_see_it_are_told(
    cast, home, partner, django_capture_on_commit_callbacks
):
    other_school = CampusFactory(name="Another school", short_name="AS", slug="another")
    told = [
        volunteer("Wendy Waters", campus=home),
        volunteer("Paula Partner", campus=partner),
        volunteer("Gus Good", campus=home, skills=[("water-treatment", 2)], bio=""),  # good
    ]
    not_told = [
        volunteer("Wanda Weekly", campus=home, notify="weekly"),
        volunteer("Nick Never", campus=home, notify="never"),
        volunteer("Nora Nope", campus=home, consent=False),
        volunteer("Olga Elsewhere", campus=other_school),  # her campus is not offered
        volunteer("Carl Campusless", campus=None),
        volunteer(
            "Sam Sunny", campus=home, skills=[("solar-pv", 3)], bio="I size PV systems."
        ),  # no fit at all
        volunteer(
            "Nadia Notions",
            campus=home,
            skills=[("water-treatment", 1)],
            bio="Curious about many things.",
        ),  # a partial fit only
        volunteer("Anna Applied", campus=home),
    ]
    mission = approved_mission(cast)
    Application.objects.create(
        mission=mission, volunteer=not_told[-1], status=Application.Status.INVITED,
    )  # fmt: skip

    publish(cast, mission, [home, partner], django_capture_on_commit_callbacks)

    assert all(len(mails_to(u)) == 1 and len(inbox(u)) == 1 for u in told)
    for person in not_told:
        assert not mails_to(person), person.full_name
        assert not any("fits your profile" in n.text for n in inbox(person)), person.full_name


def test_a_mission_offered_to_no_campus_in_particular_reaches_every_campus(
    cast, home, django_capture_on_commit_callbacks
):
    """A mission published before campuses existed (none chosen) is offered to all."""
    anyone = volunteer("Carl Campusless", campus=None)
    mission = approved_mission(cast, status=Mission.Status.OPEN, published_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert tell_matching_volunteers.call(mission.pk) == 1

    assert len(mails_to(anyone)) == 1


def test_republishing_does_not_tell_anyone_twice(cast, home, django_capture_on_commit_callbacks):
    wendy = volunteer("Wendy Waters", campus=home)
    mission = approved_mission(cast)
    publish(cast, mission, [home], django_capture_on_commit_callbacks)
    assert len(mails_to(wendy)) == 1

    unpublish(cast, mission)
    publish(cast, mission, [home], django_capture_on_commit_callbacks)

    assert len(mails_to(wendy)) == 1
    assert len(inbox(wendy)) == 1


def test_a_withdrawn_mission_tells_nobody(cast, home, django_capture_on_commit_callbacks):
    """The mission left the catalogue before the worker got to it."""
    volunteer("Wendy Waters", campus=home)
    mission = approved_mission(cast)

    with django_capture_on_commit_callbacks(execute=True):
        assert tell_matching_volunteers.call(mission.pk) == 0

    assert not mail.outbox


def test_the_alert_is_in_the_volunteers_language(cast, home, django_capture_on_commit_callbacks):
    wendy = volunteer("Wendy Waters", campus=home)
    User.objects.filter(pk=wendy.pk).update(language="fr")
    mission = approved_mission(cast)

    publish(cast, mission, [home], django_capture_on_commit_callbacks)

    [message] = mails_to(wendy)
    assert "Bonjour Wendy," in message.body
    assert "Safe water for the school's well" in message.subject


# The weekly digest.


def open_mission(cast, campuses, *, days_ago: float, **fields) -> Mission:
    mission = approved_mission(
        cast, status=Mission.Status.OPEN,
        published_at=timezone.now() - dt.timedelta(days=days_ago), **fields,
    )  # fmt: skip
    mission.campuses.set(campuses)
    return mission


def test_the_weekly_digest_lists_the_fitting_missions_of_the_week_once(
    cast, home, partner, django_capture_on_commit_callbacks
):
    wanda = volunteer("Wanda Weekly", campus=home, notify="weekly")
    eve = volunteer("Eve Each", campus=home, notify="each")
    nobody = volunteer(
        "Sam Sunny", campus=home, notify="weekly", skills=[("solar-pv", 3)], bio="PV."
    )
    fresh = open_mission(cast, [home], days_ago=2, title="Filter for the well")
    also = open_mission(cast, [home, partner], days_ago=6, title="Chlorination plan")
    old = open_mission(cast, [home], days_ago=9, title="Last month's pump")
    elsewhere = open_mission(cast, [partner], days_ago=1, title="For ESTP only")
    closed = open_mission(
        cast, [home], days_ago=3, title="Closed already",
        applications_close_on=timezone.localdate() - dt.timedelta(days=1),
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests.call() == 1

    [message] = mails_to(wanda)
    assert "2 new missions fit your profile" in message.subject
    for m in (fresh, also):
        assert m.title in message.body
        assert mission_url(m) in message.body
    for m in (old, elsewhere, closed):
        assert m.title not in message.body
    assert reverse("volunteers:profile") in message.body
    [line] = inbox(wanda)
    assert line.url == reverse("matching:for_me")
    assert not mails_to(eve)
    assert not mails_to(nobody)

    # Next week's run (or a second run today) does not list them again.
    newer = open_mission(cast, [home], days_ago=0, title="A newer filter")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests.call() == 1
    second = mails_to(wanda)[1]
    assert "1 new mission fits your profile" in second.subject
    assert newer.title in second.body
    assert fresh.title not in second.body
    assert also.title not in second.body

    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests.call() == 0  # nothing new: no empty digest
    assert len(mails_to(wanda)) == 2


def test_the_digest_holds_ten_missions_at_most(cast, home, django_capture_on_commit_callbacks):
    wanda = volunteer("Wanda Weekly", campus=home, notify="weekly")
    for n in range(12):
        open_mission(cast, [home], days_ago=1 + n / 4, title=f"Well number {n}")

    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests.call()

    [message] = mails_to(wanda)
    assert message.body.count("Well number") == 10


def test_a_mission_told_at_once_is_not_in_the_digest_later(
    cast, home, django_capture_on_commit_callbacks
):
    """Someone who switches from "each" to "weekly" does not hear of it twice."""
    wendy = volunteer("Wendy Waters", campus=home)
    mission = approved_mission(cast)
    publish(cast, mission, [home], django_capture_on_commit_callbacks)
    VolunteerProfile.objects.filter(user=wendy).update(notify="weekly")

    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests.call() == 0

    assert len(mails_to(wendy)) == 1


def test_the_digest_reads_the_database_in_bounded_queries(
    cast, home, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    people = [volunteer(f"Weekly {n}", campus=home, notify="weekly") for n in range(8)]
    for n in range(3):
        open_mission(cast, [home], days_ago=1 + n, title=f"Well number {n}")
    send_weekly_digests.call()  # builds the index (not what is counted)
    forget_sent_mail()
    MissionAlert.objects.all().delete()

    # A fixed number of reads and one insert of the alerts (13 today), then per person only
    # their mail preference, their notification and their mail in the outbox. (Sending the
    # outbox is one transaction per mail by design: see soscience/core/outbox.py.)
    with django_assert_max_num_queries(15 + 3 * len(people)):
        assert send_weekly_digests.call() == len(people)
    assert send_due_mail() == len(people)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)


def test_the_command_queues_or_runs_the_digest(cast, home, django_capture_on_commit_callbacks):
    wanda = volunteer("Wanda Weekly", campus=home, notify="weekly")
    open_mission(cast, [home], days_ago=1)

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_mission_digests", stdout=out)
    assert "Queued the weekly digest task" in out.getvalue()
    assert len(mails_to(wanda)) == 1  # the test worker runs it at once

    out = StringIO()
    call_command("send_mission_digests", "--now", stdout=out)
    assert "Sent the weekly digest to 0 volunteers." in out.getvalue()
