"""Follow-up surveys months after a mission closed: sent by the daily job when the clock
reaches the date, once; reminded once; answered through a signed link without logging in;
further needs become a new need in one click; coordinators read the answers."""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from soscience.closing.models import FollowUp
from soscience.closing.services_followup import add_months
from soscience.closing.tasks import follow_ups_run
from soscience.core.models import PlatformSettings
from soscience.missions.models import Mission
from soscience.needs.models import Need
from tests.factories import MembershipFactory, MissionFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo(settings.TIME_ZONE)
# Closed on the last day of August: the 6-month follow-up falls on the last day of February.
CLOSED_AT = dt.datetime(2025, 8, 31, 17, 0, tzinfo=PARIS)
SIX_MONTHS = dt.date(2026, 2, 28)
TWELVE_MONTHS = dt.date(2026, 8, 31)
LINK = re.compile(r"/follow-up/answer/([^/\s]+)/")
LIST = reverse("followup:list")


def morning(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=PARIS)


def plain(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


@pytest.fixture
def clock():
    """The test's clock, frozen at the mission's closing; ``clock.move_to(...)`` moves it."""
    with time_machine.travel(CLOSED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(cast, clock):
    """A mission of cast.organisation closed on CLOSED_AT; the organisation has a second,
    French-speaking member (cast.member is its representative)."""
    french = UserFactory(full_name="Fatou Française", language="fr")
    MembershipFactory(organisation=cast.organisation, user=french, is_representative=False)
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor, created_by=cast.coordinator,
        title="Sand filter", status=Mission.Status.CLOSED, closed_at=CLOSED_AT,
    )  # fmt: skip
    return {"mission": mission, "french": french}


def run(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return follow_ups_run()


def send_six_months(clock, django_capture_on_commit_callbacks) -> FollowUp:
    clock.move_to(morning(SIX_MONTHS))
    assert run(django_capture_on_commit_callbacks) == 2
    return FollowUp.objects.get(months=6)


def token_in(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def answer_url(token: str) -> str:
    return reverse("followup:answer", args=[token])


ANSWER = {
    "still_in_use": "partly",
    "what_changed": "The school filters its own water; the pump broke once.",
    "beneficiaries_now": "340",
    "further_needs": "",
}


# --- sent by the worker when the clock reaches the date, once --------------------------------


def test_before_the_date_nothing_then_one_mail_per_member_once(
    cast, world, clock, django_capture_on_commit_callbacks
):
    clock.move_to(morning(dt.date(2025, 9, 1)))
    assert run(django_capture_on_commit_callbacks) == 0
    assert list(FollowUp.objects.values_list("months", "due_on", "sent_at")) == [
        (6, SIX_MONTHS, None),
        (12, TWELVE_MONTHS, None),
    ]
    clock.move_to(morning(SIX_MONTHS - dt.timedelta(days=1)))
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []

    clock.move_to(morning(SIX_MONTHS))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_follow_ups", "--now", stdout=(out := _Out()))
    assert "Sent 2 follow-up mails." in out.text

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.member.email, world["french"].email]
    )
    english = next(m for m in mail.outbox if m.to == [cast.member.email])
    assert english.subject == "6 months on: how is “Sand filter” doing?"
    assert "closed on Aug. 31, 2025, 6 months ago" in english.body
    # Each member's mail is in their language (the date at least, whatever the catalogue).
    french = next(m for m in mail.outbox if m.to == [world["french"].email])
    assert "31 août 2025" in french.body
    assert cast.member.notifications.filter(text__contains="Sand filter").count() == 1
    followup = FollowUp.objects.get(months=6)
    assert followup.sent_at == morning(SIX_MONTHS)
    assert not FollowUp.objects.get(months=12).sent_at

    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks) == 0
    clock.move_to(morning(SIX_MONTHS + dt.timedelta(days=3)))
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


class _Out:
    """A stdout for call_command that keeps what was written."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_the_twelve_month_follow_up_goes_at_its_date(
    cast, world, clock, django_capture_on_commit_callbacks
):
    send_six_months(clock, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    clock.move_to(morning(TWELVE_MONTHS))
    run(django_capture_on_commit_callbacks)
    # One each, in each member's language (the second member reads French).
    twelve = [m for m in mail.outbox if m.subject.startswith("12 ")]
    assert sorted(m.to[0] for m in twelve) == sorted([cast.member.email, world["french"].email])
    assert {m.subject.split(":")[0].strip() for m in twelve} == {"12 months on", "12 mois après"}
    assert FollowUp.objects.get(months=12).sent_at == morning(TWELVE_MONTHS)


def test_a_mission_not_closed_gets_no_follow_up(
    cast, world, clock, django_capture_on_commit_callbacks
):
    MissionFactory(
        organisation=cast.organisation, status=Mission.Status.CANCELLED, closed_at=None,
        cancelled_at=CLOSED_AT,
    )  # fmt: skip
    clock.move_to(morning(TWELVE_MONTHS))
    run(django_capture_on_commit_callbacks)
    assert set(FollowUp.objects.values_list("mission", flat=True)) == {world["mission"].pk}


def test_the_delays_follow_the_platform_settings(
    cast, world, clock, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks)
    PlatformSettings.objects.filter(pk=1).update(followup_first_months=3)
    run(django_capture_on_commit_callbacks)
    # The 6-month follow-up, never sent, is no longer asked for; 3 months takes its place.
    assert list(FollowUp.objects.values_list("months", "due_on")) == [
        (3, dt.date(2025, 11, 30)),
        (12, TWELVE_MONTHS),
    ]


def test_calendar_months_are_clamped_to_the_end_of_a_shorter_month():
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2025, 3, 15), 12) == dt.date(2026, 3, 15)
    assert add_months(dt.date(2025, 12, 1), 1) == dt.date(2026, 1, 1)


def test_an_organisation_without_members_is_asked_once_one_joins(
    cast, clock, django_capture_on_commit_callbacks
):
    lonely = MissionFactory(
        organisation=cast.other_organisation, status=Mission.Status.CLOSED, closed_at=CLOSED_AT,
        title="Solar dryer",
    )  # fmt: skip
    cast.other_organisation.memberships.all().delete()
    clock.move_to(morning(SIX_MONTHS))
    assert run(django_capture_on_commit_callbacks) == 0
    assert FollowUp.objects.get(mission=lonely, months=6).sent_at is None
    page = plain(cast.client("coordinator").get(LIST))
    assert "Due, not sent (the organisation has no member to ask)" in page

    MembershipFactory(organisation=cast.other_organisation, user=cast.other_member)
    clock.move_to(morning(SIX_MONTHS + dt.timedelta(days=1)))
    assert run(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[cast.other_member.email]]


# --- reminded once ------------------------------------------------------------------------


def test_an_unanswered_follow_up_is_reminded_once_after_14_days(
    cast, world, clock, django_capture_on_commit_callbacks
):
    followup = send_six_months(clock, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    clock.move_to(morning(SIX_MONTHS + dt.timedelta(days=13)))
    assert run(django_capture_on_commit_callbacks) == 0

    clock.move_to(morning(SIX_MONTHS + dt.timedelta(days=14)))
    assert run(django_capture_on_commit_callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.member.email, world["french"].email]
    )
    reminder = next(m for m in mail.outbox if m.to == [cast.member.email])
    assert reminder.subject == "Reminder: how is “Sand filter” doing, 6 months on?"
    assert "This is the only reminder about this survey." in reminder.body
    followup.refresh_from_db()
    assert followup.reminded_at == morning(SIX_MONTHS + dt.timedelta(days=14))

    # The reminder's link works too.
    assert cast.client(None).get(answer_url(token_in(reminder))).status_code == 200

    mail.outbox.clear()
    clock.move_to(morning(SIX_MONTHS + dt.timedelta(days=40)))
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_an_answered_follow_up_is_not_reminded(
    cast, world, clock, django_capture_on_commit_callbacks
):
    send_six_months(clock, django_capture_on_commit_callbacks)
    token = token_in(mail.outbox[0])
    cast.client(None).post(answer_url(token), ANSWER)
    mail.outbox.clear()
    clock.move_to(morning(SIX_MONTHS + dt.timedelta(days=20)))
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert FollowUp.objects.get(months=6).reminded_at is None


# --- the signed link -------------------------------------------------------------------------


def test_the_link_works_without_logging_in_and_records_the_answer_with_its_date(
    cast, world, clock, django_capture_on_commit_callbacks
):
    followup = send_six_months(clock, django_capture_on_commit_callbacks)
    url = answer_url(token_in(mail.outbox[0]))
    visitor = cast.client(None)
    clock.move_to(morning(SIX_MONTHS + dt.timedelta(days=2)))

    page = visitor.get(url)
    assert page.status_code == 200
    text = plain(page)
    assert "How is “Sand filter” doing?" in text
    assert "The mission closed on Aug. 31, 2025, 6 months ago" in text
    assert "Is the solution still in use?" in text

    response = visitor.post(url, ANSWER, follow=True)
    assert response.redirect_chain == [(reverse("followup:thanks"), 302)]
    assert "Thank you: your answer is recorded." in plain(response)
    followup.refresh_from_db()
    assert followup.answered_at == morning(SIX_MONTHS + dt.timedelta(days=2))
    assert (followup.still_in_use, followup.beneficiaries_now) == ("partly", 340)
    assert followup.what_changed == ANSWER["what_changed"]
    assert followup.new_need is None


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    cast, world, clock, django_capture_on_commit_callbacks
):
    followup = send_six_months(clock, django_capture_on_commit_callbacks)
    url = answer_url(token_in(mail.outbox[0]))
    response = cast.client(None).post(
        url, {**ANSWER, "still_in_use": "", "beneficiaries_now": "many"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r'id="id_still_in_use_error"[^>]*>\s*<p>This field is required', content)
    assert re.search(r'id="id_beneficiaries_now_error"[^>]*>\s*<p>Enter a whole number', content)
    assert "The school filters its own water; the pump broke once." in plain(response)
    followup.refresh_from_db()
    assert followup.answered_at is None
    assert followup.what_changed == ""


def test_a_used_link_gets_a_clear_page_and_changes_nothing(
    cast, world, clock, django_capture_on_commit_callbacks
):
    followup = send_six_months(clock, django_capture_on_commit_callbacks)
    url = answer_url(token_in(mail.outbox[0]))
    visitor = cast.client(None)
    visitor.post(url, ANSWER)
    answered_at = FollowUp.objects.get(pk=followup.pk).answered_at

    clock.move_to(morning(SIX_MONTHS + dt.timedelta(days=5)))
    # Another member's mail carries its own token: the survey is still answered once.
    other_url = answer_url(token_in(mail.outbox[1]))
    for attempt in (visitor.get(url), visitor.post(other_url, {**ANSWER, "what_changed": "x"})):
        assert attempt.status_code == 410
        text = plain(attempt)
        assert "This survey has already been answered" in text
        assert "answered the follow-up survey about “Sand filter” on Feb. 28, 2026" in text
    followup.refresh_from_db()
    assert followup.what_changed == ANSWER["what_changed"]
    assert followup.answered_at == answered_at


def test_a_tampered_link_gets_a_clear_page_and_changes_nothing(
    cast, world, clock, django_capture_on_commit_callbacks
):
    followup = send_six_months(clock, django_capture_on_commit_callbacks)
    token = token_in(mail.outbox[0])
    # The same follow-up id with a forged signature, and a signed id of another follow-up.
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, "not-a-token", token.replace(token[1], "A", 1)):
        response = cast.client(None).post(answer_url(bad), ANSWER)
        assert response.status_code == 400
        assert "This survey link is not valid" in plain(response)
        assert "Nothing was recorded." in plain(response)
    followup.refresh_from_db()
    assert followup.answered_at is None


def test_an_expired_link_gets_a_clear_page_and_changes_nothing(
    cast, world, clock, django_capture_on_commit_callbacks
):
    followup = send_six_months(clock, django_capture_on_commit_callbacks)
    url = answer_url(token_in(mail.outbox[0]))
    clock.move_to(morning(SIX_MONTHS + dt.timedelta(days=91)))
    for response in (cast.client(None).get(url), cast.client("member").post(url, ANSWER)):
        assert response.status_code == 410
        assert "This survey link has expired" in plain(response)
    followup.refresh_from_db()
    assert followup.answered_at is None


# --- further needs become a new need in one click --------------------------------------------


def test_further_needs_become_a_new_need_in_one_click(
    cast, world, clock, django_capture_on_commit_callbacks
):
    send_six_months(clock, django_capture_on_commit_callbacks)
    url = answer_url(token_in(mail.outbox[0]))
    mail.outbox.clear()
    further = "The village next door asks for the same filter, with a bigger tank."
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client(None).post(
            url, {**ANSWER, "further_needs": further, "create_need": "on"}, follow=True
        )
    assert "Your further needs are now a need the SoScience team will triage" in plain(response)

    followup = FollowUp.objects.get(months=6)
    need = followup.new_need
    assert need is not None
    assert need.organisation == cast.organisation
    assert need.status == Need.Status.SUBMITTED
    # Nobody logged in answered: the need is the representative's.
    assert need.submitted_by == cast.member
    assert need.title == "Further needs after “Sand filter”"
    assert need.problem == further
    assert list(need.domains.values_list("slug", flat=True)) == ["water"]
    # The coordinators are told, as for any new need.
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert "New need to triage: Further needs after “Sand filter”" in mail.outbox[0].subject
    # The organisation's members find it in their space.
    assert cast.client("member").get(reverse("needs:detail", args=[need.pk])).status_code == 200


def test_a_signed_in_member_answering_submits_the_need_themself(
    cast, world, clock, django_capture_on_commit_callbacks
):
    send_six_months(clock, django_capture_on_commit_callbacks)
    url = answer_url(token_in(mail.outbox[0]))
    client = cast.client(None)
    client.force_login(world["french"])
    client.post(url, {**ANSWER, "further_needs": "A bigger tank.", "create_need": "on"})
    assert FollowUp.objects.get(months=6).new_need.submitted_by == world["french"]


def test_a_new_need_without_further_needs_is_refused_next_to_the_field(
    cast, world, clock, django_capture_on_commit_callbacks
):
    send_six_months(clock, django_capture_on_commit_callbacks)
    url = answer_url(token_in(mail.outbox[0]))
    response = cast.client(None).post(url, {**ANSWER, "create_need": "on"})
    assert response.status_code == 200
    assert re.search(
        r'id="id_further_needs_error"[^>]*>\s*<p>Describe your further needs',
        response.content.decode(),
    )
    assert "The school filters its own water" in plain(response)
    assert FollowUp.objects.get(months=6).answered_at is None
    assert not Need.objects.exists()


# --- the coordinators' list ------------------------------------------------------------------


def test_coordinators_see_every_follow_up_and_its_answers(
    cast, world, clock, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    send_six_months(clock, django_capture_on_commit_callbacks)
    url = answer_url(token_in(mail.outbox[0]))
    cast.client(None).post(url, {**ANSWER, "further_needs": "A tank.", "create_need": "on"})
    for n in range(12):  # more closed missions: the page's queries must not grow with them
        MissionFactory(
            organisation=cast.other_organisation, status=Mission.Status.CLOSED,
            closed_at=CLOSED_AT, title=f"Dryer {n}",
        )  # fmt: skip
    run(django_capture_on_commit_callbacks)

    client = cast.client("coordinator")
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert response.status_code == 200
    text = plain(response)
    assert "Sand filter Eau Claire Thiès 6 Feb. 28, 2026 Answered Feb. 28, 2026" in text
    assert "Partly" in text
    assert ANSWER["what_changed"] in text
    assert "340" in text
    assert "Further needs after “Sand filter”" in text
    assert "Sand filter Eau Claire Thiès 12 Aug. 31, 2026 Scheduled No answer yet" in text
    assert text.count("Dryer 3 Soleil Mangue") == 2  # its 6- and 12-month follow-ups


@pytest.mark.parametrize("who", ["member", "supervisor", "volunteer"])
def test_the_list_is_for_coordinators_only(cast, world, who):
    assert cast.client(who).get(LIST).status_code == 403
