"""The demo data `make run` loads: consistent with the rules, and safe to load again."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.models import InternalNote
from soscience.missions.models import Mission, MissionEvent, MissionOrderVersion
from soscience.needs.models import Need, NeedEvent
from soscience.organisations.models import Membership, Organisation, OrganisationEvent
from soscience.volunteers.models import Campus

PASSWORD = "soscience-demo"
ACCOUNTS = {
    "coordination@soscience.test": Role.COORDINATOR,
    "encadrant@soscience.test": Role.SUPERVISOR,
    "structure@soscience.test": Role.ORGANISATION_MEMBER,
    "benevole@soscience.test": Role.VOLUNTEER,
    "ambassadeur@soscience.test": Role.AMBASSADOR,
}
COUNTED = (
    User, Campus, Organisation, Membership, OrganisationEvent, Need, NeedEvent, Mission,
    MissionEvent, MissionOrderVersion, InternalNote,
)  # fmt: skip


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_data", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def demo(db) -> None:
    load("--quiet")


def test_loading_twice_changes_nothing(db):
    first_output = load()
    first = counts()
    second_output = load()
    assert counts() == first
    assert "Demo data loaded" in first_output
    assert "Demo data already loaded: nothing changed." in second_output
    assert first["Mission"] >= 7


def test_loading_keeps_what_the_team_changed(demo):
    mission = Mission.objects.get(title="Séchoir solaire pour une coopérative de mangues")
    Mission.objects.filter(pk=mission.pk).update(status=Mission.Status.APPROVED)
    Campus.objects.filter(slug="estp").update(is_active=False)
    load("--quiet")
    assert Mission.objects.get(pk=mission.pk).status == Mission.Status.APPROVED
    assert not Campus.objects.get(slug="estp").is_active


def test_the_command_prints_the_accounts_and_the_address(db, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    output = load()
    for email in ACCOUNTS:
        assert email in output
    assert PASSWORD in output
    assert "DEMO ONLY" in output
    assert "http://127.0.0.1:8123/" in output
    assert load("--quiet") == ""


def test_the_command_refuses_to_run_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        load("--quiet")
    assert not User.objects.exists()


@pytest.mark.parametrize(("email", "role"), ACCOUNTS.items())
def test_every_role_has_an_account_that_can_log_in(demo, email, role):
    assert Client().login(email=email, password=PASSWORD)
    assert User.objects.get(email=email).has_role(role)


def test_the_catalogue_shows_the_published_demo_missions(demo):
    client = Client()
    html = client.get(reverse("missions:catalogue")).content.decode()
    assert html.count('class="card mission-card"') >= 5
    assert "Bunot Boards" in html  # the incubated social enterprise in the Philippines
    for mission in Mission.objects.published():
        assert client.get(reverse("missions:detail", kwargs={"pk": mission.pk})).status_code == 200
    discreet = Mission.objects.published().get(confidentiality=Mission.Confidentiality.DISCREET)
    page = client.get(reverse("missions:detail", kwargs={"pk": discreet.pk})).content.decode()
    assert discreet.organisation.name not in page


def test_every_stage_is_represented(demo):
    assert set(Organisation.objects.values_list("status", flat=True)) == set(
        Organisation.Status.values
    )
    assert set(Need.objects.values_list("status", flat=True)) == set(Need.Status.values)
    statuses = set(Mission.objects.values_list("status", flat=True))
    assert {"draft", "awaiting_approval", "approved", "open"} <= statuses
    rejected = Organisation.objects.get(status=Organisation.Status.REJECTED)
    assert rejected.decision_reason
    declined = Need.objects.get(status=Need.Status.DECLINED)
    assert declined.decline_reason
    assert declined.decline_detail
    assert Need.objects.get(status=Need.Status.DUPLICATE).duplicate_of is not None
    assert set(Campus.objects.values_list("slug", "is_home")) == {("espci", True), ("estp", False)}


def test_the_demo_obeys_the_platform_rules(demo):
    today = timezone.localdate()
    for mission in Mission.objects.select_related("organisation", "need"):
        assert mission.start_date > today
        assert mission.start_date < mission.end_date <= mission.start_date + dt.timedelta(weeks=12)
        assert mission.need.status == Need.Status.SCOPING
        assert mission.supervisor.has_role(Role.SUPERVISOR)
        if mission.status == Mission.Status.OPEN:
            assert mission.organisation.is_verified
            assert mission.campuses.exists()
            assert mission.versions.filter(status="approved").exists()
    for organisation in Organisation.objects.all():
        assert organisation.proof_content_type == "application/pdf"
        assert organisation.proof_document.read().startswith(b"%PDF-")


# The services queue mail on commit, so these two tests let the command really commit.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_demo_mail_is_queued_by_default():
    load("--quiet")
    assert Mission.objects.published().exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_mail_can_be_sent_on_request():
    load("--quiet", "--send-mail")
    recipients = {address for message in mail.outbox for address in message.to}
    assert "coordination@soscience.test" in recipients
    assert "structure@soscience.test" in recipients
