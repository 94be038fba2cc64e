"""Prospecting: the team's pipeline of organisations it approaches, contact log, stage
changes, reminders of actions due, and the link to the organisation once it registered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.roles import Role
from soscience.notifications.models import Notification
from soscience.prospects.models import ContactLog, Prospect
from soscience.prospects.services import prospect_reminders_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def prospect(cast, **fields) -> Prospect:
    values = {"name": "Atelier Solaire", "source": Prospect.Source.INCUBATOR,
              "created_by": cast.coordinator, **fields}  # fmt: skip
    return Prospect.objects.create(**values)


def test_coordinator_adds_a_prospect_to_the_pipeline(cast):
    client = cast.client("coordinator")
    response = client.post(
        reverse("prospects:create"),
        {
            "name": "Mango Coop", "country": "PH", "city": "Iloilo", "source": "incubator",
            "source_detail": "ASEI", "owner": cast.coordinator.pk,
            "next_action": "Call the manager", "next_action_on": TODAY().isoformat(),
        },
    )  # fmt: skip
    created = Prospect.objects.get()
    assert response["Location"] == reverse("prospects:detail", args=[created.pk])
    assert created.stage == Prospect.Stage.IDENTIFIED
    assert created.created_by == cast.coordinator
    page = client.get(reverse("prospects:pipeline")).content.decode()
    assert "Mango Coop" in page
    assert "Call the manager" in page


def test_bad_input_is_shown_next_to_the_field_and_kept(cast):
    response = cast.client("coordinator").post(
        reverse("prospects:create"),
        {"name": "Kept Name", "source": "", "contact_email": "not-an-email", "country": "FR"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "source" in errors
    assert "contact_email" in errors
    assert 'value="Kept Name"' in response.content.decode()
    assert not Prospect.objects.exists()


@pytest.mark.parametrize("who", ["volunteer", "member", "supervisor", "ambassador"])
def test_the_pipeline_is_the_coordinators(cast, who):
    one = prospect(cast)
    client = cast.client(who)
    assert client.get(reverse("prospects:pipeline")).status_code == 403
    assert client.get(reverse("prospects:detail", args=[one.pk])).status_code == 403
    assert (
        client.post(reverse("prospects:stage", args=[one.pk]), {"stage": "contacted"}).status_code
        == 403
    )
    one.refresh_from_db()
    assert one.stage == Prospect.Stage.IDENTIFIED


def test_an_unknown_prospect_is_not_found(cast):
    assert cast.client("coordinator").get(reverse("prospects:detail", args=[999])).status_code == (
        404
    )


def test_pipeline_groups_by_stage_filters_and_flags_actions_due(
    cast, django_assert_max_num_queries
):
    prospect(cast, name="Overdue Org", next_action="Send the brochure",
             next_action_on=TODAY() - dt.timedelta(days=2), stage="contacted")  # fmt: skip
    prospect(cast, name="Later Org", next_action_on=TODAY() + dt.timedelta(days=5))
    prospect(cast, name="Event Org", source="event", stage="interested")
    # Declined: its old date is no action due.
    prospect(cast, name="Gone Org", stage="declined", decline_reason="No time",
             next_action_on=TODAY() - dt.timedelta(days=9))  # fmt: skip
    for i in range(20):
        prospect(cast, name=f"Filler {i:02d}", owner=cast.coordinator)
    client = cast.client("coordinator")
    with django_assert_max_num_queries(9):
        response = client.get(reverse("prospects:pipeline"))
    page = response.content.decode()
    assert page.index("Identified") < page.index("Contacted") < page.index("Interested")
    due = [p.name for p in response.context["page"].object_list if p.is_due]
    assert due == ["Overdue Org"]
    assert 'class="due"' in page
    only_events = client.get(reverse("prospects:pipeline"), {"source": "event"}).content.decode()
    assert "Event Org" in only_events
    assert "Later Org" not in only_events
    declined = client.get(reverse("prospects:pipeline"), {"stage": "declined"}).content.decode()
    assert "Gone Org" in declined
    assert "Later Org" not in declined
    due_only = client.get(reverse("prospects:pipeline"), {"due": "on"}).context["page"]
    assert [p.name for p in due_only.object_list] == ["Overdue Org"]


def test_declining_needs_a_reason_and_the_log_keeps_each_stage(cast):
    one = prospect(cast)
    client = cast.client("coordinator")
    response = client.post(reverse("prospects:stage", args=[one.pk]), {"stage": "declined"})
    assert response.status_code == 200
    assert response.context["stage_form"].errors["reason"] == ["Say why they declined."]
    one.refresh_from_db()
    assert one.stage == Prospect.Stage.IDENTIFIED
    client.post(reverse("prospects:stage", args=[one.pk]), {"stage": "contacted"})
    client.post(
        reverse("prospects:stage", args=[one.pk]),
        {"stage": "declined", "reason": "No budget this year"},
    )
    one.refresh_from_db()
    assert one.stage == Prospect.Stage.DECLINED
    assert one.decline_reason == "No budget this year"
    log = list(one.contacts.order_by("pk").values_list("summary", flat=True))
    assert log == [
        "Stage: Identified → Contacted.",
        "Stage: Contacted → Declined. No budget this year",
    ]
    page = client.get(reverse("prospects:detail", args=[one.pk])).content.decode()
    assert "No budget this year" in page


def test_the_same_stage_is_refused_with_the_reason(cast):
    one = prospect(cast)
    response = cast.client("coordinator").post(
        reverse("prospects:stage", args=[one.pk]), {"stage": "identified"}
    )
    assert response.context["stage_form"].errors["stage"] == [
        "The prospect is already at this stage."
    ]
    assert not ContactLog.objects.exists()


def test_contact_log_entry_and_next_action(cast):
    one = prospect(cast)
    client = cast.client("coordinator")
    due = TODAY() + dt.timedelta(days=7)
    response = client.post(
        reverse("prospects:contact_add", args=[one.pk]),
        {"on": TODAY().isoformat(), "kind": "call", "summary": "They build solar dryers.",
         "next_action": "Send the need form", "next_action_on": due.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    entry = ContactLog.objects.get()
    assert (entry.kind, entry.by, entry.on) == ("call", cast.coordinator, TODAY())
    one.refresh_from_db()
    assert (one.next_action, one.next_action_on) == ("Send the need form", due)
    page = client.get(reverse("prospects:detail", args=[one.pk])).content.decode()
    assert "They build solar dryers." in page


def test_a_contact_in_the_future_is_refused(cast):
    one = prospect(cast)
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    response = cast.client("coordinator").post(
        reverse("prospects:contact_add", args=[one.pk]),
        {"on": tomorrow, "kind": "call", "summary": "Kept summary"},
    )
    assert response.status_code == 200
    assert response.context["contact_form"].errors["on"] == [
        "A contact cannot be dated in the future."
    ]
    assert "Kept summary" in response.content.decode()
    assert not ContactLog.objects.exists()


def test_registering_links_the_organisation_which_shows_the_history(cast):
    one = prospect(cast, name="Eau Claire", ambassador=cast.ambassador, source="ambassador")
    ContactLog.objects.create(
        prospect=one, on=TODAY(), kind="meeting", summary="Met at the fair.", by=cast.coordinator
    )
    client = cast.client("coordinator")
    detail = client.get(reverse("prospects:detail", args=[one.pk]))
    # The search starts from the prospect's name; the registration link carries it.
    assert list(detail.context["link_form"].fields["organisation"].queryset) == [cast.organisation]
    assert "?name=Eau+Claire" in detail.content.decode()
    response = client.post(
        reverse("prospects:register", args=[one.pk]), {"organisation": cast.organisation.pk}
    )
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.organisation == cast.organisation
    assert one.stage == Prospect.Stage.REGISTERED
    org_page = client.get(reverse("organisations:detail", args=[cast.organisation.pk]))
    text = org_page.content.decode()
    assert "Came from the prospect Eau Claire" in text
    assert "Met at the fair." in text
    # Its members do not see the team's prospecting.
    member_page = cast.client("member").get(
        reverse("organisations:detail", args=[cast.organisation.pk])
    )
    assert "Met at the fair." not in member_page.content.decode()
    # Its stage no longer changes.
    refused = client.post(reverse("prospects:stage", args=[one.pk]), {"stage": "contacted"})
    assert "has registered as an organisation" in refused.content.decode()


def test_an_organisation_links_to_one_prospect_only(cast):
    prospect(cast, name="First", organisation=cast.organisation, stage="registered")
    second = prospect(cast, name="Second")
    response = cast.client("coordinator").post(
        reverse("prospects:register", args=[second.pk]), {"organisation": cast.organisation.pk}
    )
    assert response.status_code == 200
    assert response.context["link_form"].errors["organisation"]
    second.refresh_from_db()
    assert second.organisation is None


def test_an_ambassador_suggests_a_prospect_and_follows_its_stage(cast):
    client = cast.client("ambassador")
    response = client.post(
        reverse("prospects:suggest"),
        {"name": "Repair Café Lyon", "country": "FR", "city": "Lyon",
         "source_detail": "Campus fair", "what_i_know": "They repair radios."},
    )  # fmt: skip
    assert response.status_code == 302
    suggested = Prospect.objects.get()
    assert suggested.source == Prospect.Source.AMBASSADOR
    assert suggested.ambassador == cast.ambassador
    assert suggested.contacts.get().summary == "They repair radios."
    Prospect.objects.filter(pk=suggested.pk).update(stage="contacted")
    page = client.get(reverse("prospects:suggest")).content.decode()
    assert "Repair Café Lyon" in page
    assert "Contacted" in page
    assert "They repair radios." not in page  # the log is the team's
    assert cast.client("volunteer").get(reverse("prospects:suggest")).status_code == 403


def test_reminders_go_to_the_owner_once_per_due_date(cast, django_capture_on_commit_callbacks):
    owner = UserFactory(full_name="Olga Owner", roles=[Role.COORDINATOR])
    due = prospect(cast, name="Due Org", owner=owner, next_action="Call back",
                   next_action_on=TODAY())  # fmt: skip
    prospect(cast, name="Later Org", owner=owner, next_action_on=TODAY() + dt.timedelta(days=1))
    prospect(cast, name="Declined Org", owner=owner, stage="declined",
             next_action_on=TODAY() - dt.timedelta(days=3))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert prospect_reminders_send() == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "Due Org" in mail.outbox[0].subject
    assert "Call back" in mail.outbox[0].body
    assert reverse("prospects:detail", args=[due.pk]) in mail.outbox[0].body
    due.refresh_from_db()
    assert due.reminded_for == TODAY()
    # Run again the same day: nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert prospect_reminders_send() == 0
    # A new due date gets a new reminder.
    Prospect.objects.filter(pk=due.pk).update(next_action_on=TODAY() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert prospect_reminders_send() == 1
    assert Notification.objects.filter(user=owner).count() == 2


def test_a_prospect_nobody_owns_reminds_every_coordinator(cast, django_capture_on_commit_callbacks):
    second = UserFactory(roles=[Role.COORDINATOR])
    prospect(cast, name="Orphan Org", next_action_on=TODAY() - dt.timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_prospect_reminders", "--now")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.coordinator.email, second.email])
    assert "overdue" in mail.outbox[0].subject
