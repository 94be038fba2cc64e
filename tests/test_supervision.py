"""The supervisor's "my missions" page and the stall alerts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from soscience.execution.models import EquipmentRequest, HoursEntry, Milestone, ProgressUpdate
from soscience.missions.models import Mission
from tests.factories import MissionFactory, UserFactory

URL = reverse("supervision:my_missions")


def _running(supervisor, *, days_ago: int = 20, **kwargs) -> Mission:
    today = timezone.localdate()
    start = today - dt.timedelta(days=days_ago)
    defaults = {
        "status": Mission.Status.IN_PROGRESS,
        "supervisor": supervisor,
        "start_date": start,
        "end_date": start + dt.timedelta(weeks=8),
        "kicked_off_on": start,
    }
    return MissionFactory(**{**defaults, **kwargs})


def _news(mission, author, *, days_ago: int, shared: bool = True) -> ProgressUpdate:
    visibility = ProgressUpdate.Visibility.SHARED if shared else ProgressUpdate.Visibility.INTERNAL
    update = ProgressUpdate.objects.create(
        mission=mission, author=author, body="News", visibility=visibility
    )
    when = timezone.now() - dt.timedelta(days=days_ago)
    ProgressUpdate.objects.filter(pk=update.pk).update(created_at=when)
    return update


@pytest.mark.django_db
def test_supervisor_sees_health_of_each_mission_they_supervise(cast):
    today = timezone.localdate()
    mission = _running(cast.supervisor, days_ago=14, title="Sand filter")
    _news(mission, cast.volunteer, days_ago=3)
    _news(mission, cast.volunteer, days_ago=1, shared=False)  # internal: not counted
    Milestone.objects.create(mission=mission, title="Plans", planned_on=today - dt.timedelta(1))
    Milestone.objects.create(mission=mission, title="Done", planned_on=today - dt.timedelta(9),
                             done_on=today)  # fmt: skip
    EquipmentRequest.objects.create(
        mission=mission, requested_by=cast.volunteer, item="Kit", reason="x", estimated_cost=5
    )
    EquipmentRequest.objects.create(
        mission=mission, requested_by=cast.volunteer, item="Old", reason="x", estimated_cost=5,
        status=EquipmentRequest.Status.RECEIVED,
    )  # fmt: skip
    HoursEntry.objects.create(mission=mission, volunteer=cast.volunteer, worked_on=today,
                              hours=3, description="a", validated_at=timezone.now())  # fmt: skip
    HoursEntry.objects.create(mission=mission, volunteer=cast.volunteer, worked_on=today,
                              hours=2, description="b")  # fmt: skip
    _running(UserFactory(), title="Someone else's")

    response = cast.client("supervisor").get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Sand filter" in page
    assert "Someone else&#x27;s" not in page
    row = response.context["rows"][0]
    assert row.last_shared_on == today - dt.timedelta(days=3)
    assert row.next_milestone_title == "Plans"
    assert row.milestone_overdue
    assert "Overdue" in page
    assert row.open_requests == 1
    assert row.hours_logged == 5
    assert row.hours_validated == 3
    assert row.hours_pending == 2
    # 5 h a week x 2 people x 2 weeks elapsed.
    assert row.hours_planned == 20
    assert row.days_left == 42
    assert not row.quiet
    assert reverse("execution:space", kwargs={"pk": mission.pk}) in page


@pytest.mark.django_db
def test_a_mission_without_shared_news_for_the_stall_delay_is_quiet(cast):
    _running(cast.supervisor, days_ago=20, title="Silent one")
    _running(cast.supervisor, days_ago=5, title="Just started")

    response = cast.client("supervisor").get(URL)

    quiet = {row.mission.title: row.quiet for row in response.context["rows"]}
    assert quiet == {"Silent one": True, "Just started": False}
    page = response.content.decode()
    assert "Quiet" in page
    assert "none" in page


@pytest.mark.django_db
def test_coordinators_see_every_running_mission_and_can_filter_theirs(cast):
    _running(cast.supervisor, title="Supervised by Samuel")
    _running(cast.coordinator, title="Supervised by Claire")
    _running(cast.supervisor, title="Draft", status=Mission.Status.DRAFT)
    client = cast.client("coordinator")

    every = [r.mission.title for r in client.get(URL).context["rows"]]
    mine = [r.mission.title for r in client.get(URL, {"mine": "1"}).context["rows"]]

    assert sorted(every) == ["Supervised by Claire", "Supervised by Samuel"]
    assert mine == ["Supervised by Claire"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["volunteer", "member", "ambassador"])
def test_others_are_refused(cast, who):
    assert cast.client(who).get(URL).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 20])
def test_my_missions_runs_a_constant_number_of_queries(cast, count, django_assert_max_num_queries):
    today = timezone.localdate()
    for _ in range(count):
        mission = _running(cast.supervisor)
        _news(mission, cast.volunteer, days_ago=2)
        Milestone.objects.create(mission=mission, title="M", planned_on=today)
        HoursEntry.objects.create(mission=mission, volunteer=cast.volunteer, worked_on=today,
                                  hours=1, description="a")  # fmt: skip
    client = cast.client("supervisor")
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert len(response.context["rows"]) == count


def _run(django_capture_on_commit_callbacks, today=None) -> int:
    from soscience.execution.tasks import stall_alerts_raise

    with django_capture_on_commit_callbacks(execute=True):
        return stall_alerts_raise(today=today)


@pytest.mark.django_db
def test_a_quiet_mission_alerts_its_supervisor_once_then_the_coordinators(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    _running(cast.supervisor, days_ago=20, title="Silent filter")
    _running(cast.supervisor, days_ago=5, title="Fresh")

    assert _run(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mailoutbox] == [[cast.supervisor.email]]
    assert "Silent filter" in mailoutbox[0].subject
    assert "no news shared" in mailoutbox[0].body
    assert cast.supervisor.notifications.filter(text__contains="Silent filter").exists()

    # Running again the same day (or before half the delay) sends nothing more.
    assert _run(django_capture_on_commit_callbacks) == 0
    later = timezone.localdate() + dt.timedelta(days=6)
    assert _run(django_capture_on_commit_callbacks, later) == 0
    assert len(mailoutbox) == 1

    # Still quiet seven days (14 / 2) after the supervisor's alert: the coordinators hear.
    later = timezone.localdate() + dt.timedelta(days=7)
    assert _run(django_capture_on_commit_callbacks, later) == 1
    assert mailoutbox[-1].to == [cast.coordinator.email]
    assert "Samuel Superviseur" in mailoutbox[-1].body
    assert _run(django_capture_on_commit_callbacks, later) == 0
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_new_shared_update_ends_the_quiet_period(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    mission = _running(cast.supervisor, days_ago=40)
    assert _run(django_capture_on_commit_callbacks) == 1
    _news(mission, cast.volunteer, days_ago=0)
    _news(mission, cast.volunteer, days_ago=0, shared=False)

    # Internal news does not count; the shared one started a new period, quiet again later.
    assert _run(django_capture_on_commit_callbacks) == 0
    later = timezone.localdate() + dt.timedelta(days=14)
    assert _run(django_capture_on_commit_callbacks, later) == 1
    assert [m.to for m in mailoutbox] == [[cast.supervisor.email]] * 2


@pytest.mark.django_db
def test_an_overdue_milestone_alerts_even_with_recent_news(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    mission = _running(cast.supervisor, days_ago=10, title="Late one")
    _news(mission, cast.volunteer, days_ago=1)
    Milestone.objects.create(mission=mission, title="Prototype", planned_on=today - dt.timedelta(2))
    done = _running(cast.supervisor, days_ago=10, title="On time")
    _news(done, cast.volunteer, days_ago=1)
    Milestone.objects.create(
        mission=done, title="Plans", planned_on=today - dt.timedelta(2), done_on=today
    )

    assert _run(django_capture_on_commit_callbacks) == 1
    assert "Milestone overdue: Late one" in mailoutbox[0].subject
    assert "Prototype" in mailoutbox[0].body


@pytest.mark.django_db
def test_published_missions_not_yet_running_are_not_alerted(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    _running(cast.supervisor, days_ago=40, status=Mission.Status.OPEN)
    assert _run(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_command_runs_the_alerts_in_place(cast, mailoutbox, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    _running(cast.supervisor, days_ago=20)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_stall_alerts", "--now")
        call_command("send_stall_alerts", "--now")
    assert len(mailoutbox) == 1
