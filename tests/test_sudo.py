"""Sudo mode (issue 7): eligibility decisions, role changes, exports, adding a member to an
organisation and personal API tokens ask a person whose last authentication is older than the
window (ACCOUNT_REAUTHENTICATION_TIMEOUT) to confirm their password; once confirmed, what they
asked is done. A fresh log-in goes straight through."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import Invitation, User
from soscience.api.models import ApiToken
from soscience.api.services import token_create
from soscience.applications.models import Application
from soscience.missions.models import Mission
from soscience.organisations.models import Membership, Organisation
from soscience.volunteers.models import Ambassadorship
from tests.factories import PASSWORD, TOTP_SECRET, CampusFactory, MissionFactory, UserFactory
from tests.tally import tally

Status = Organisation.Status
RECORDS = "account_authentication_methods"


@pytest.fixture
def pending(cast) -> Organisation:
    Organisation.objects.filter(pk=cast.organisation.pk).update(status=Status.PENDING)
    cast.organisation.refresh_from_db()
    return cast.organisation


def logged_in_with_the_form(user: User) -> Client:
    """Password, then the TOTP code: the way a coordinator logs in."""
    cache.clear()  # allauth refuses a TOTP code used before in the same 30 seconds
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    window = int(time.time()) // 30
    done = client.post(reverse("mfa_authenticate"), {"code": totp(window)})
    if done.status_code != 302 and int(time.time()) // 30 != window:
        # The 30-second window turned between reading the clock and checking the code (a
        # slow machine): type the new code, as a person would.
        done = client.post(reverse("mfa_authenticate"), {"code": totp(int(time.time()) // 30)})
    assert done["Location"] == reverse("core:dashboard")
    return client


def totp(window: int) -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, window))


def age_session(client: Client, seconds: int) -> None:
    """As if every authentication of this session happened ``seconds`` ago."""
    session = client.session
    session[RECORDS] = [{**r, "at": r["at"] - seconds} for r in session[RECORDS]]
    session.save()


def stale_coordinator(cast) -> Client:
    client = logged_in_with_the_form(cast.coordinator)
    age_session(client, 10 * 60)
    return client


def sent_to_confirm(response, path: str) -> bool:
    location = urlsplit(response["Location"]) if response.status_code == 302 else None
    return (
        location is not None
        and location.path == reverse("account_reauthenticate")
        and f"next={path}" in location.query.replace("%2F", "/")
    )


def test_a_fresh_log_in_decides_eligibility_at_once(cast, pending):
    client = logged_in_with_the_form(cast.coordinator)
    response = client.post(reverse("organisations:verify", args=[pending.pk]))
    assert response["Location"] == reverse("organisations:detail", args=[pending.pk])
    assert Organisation.objects.get(pk=pending.pk).status == Status.VERIFIED


def test_an_old_session_confirms_the_password_then_the_decision_is_made(cast, pending):
    client = stale_coordinator(cast)
    path = reverse("organisations:verify", args=[pending.pk])
    response = client.post(path)
    assert sent_to_confirm(response, path)
    assert Organisation.objects.get(pk=pending.pk).status == Status.PENDING
    tally("sudo checks")

    page = client.get(response["Location"])
    assert page.status_code == 200
    wrong = client.post(response["Location"], {"password": "not my password"})
    assert wrong.status_code == 200
    assert Organisation.objects.get(pk=pending.pk).status == Status.PENDING

    done = client.post(response["Location"], {"password": PASSWORD})
    assert done.status_code == 302
    assert Organisation.objects.get(pk=pending.pk).status == Status.VERIFIED
    # Confirmed: the next sensitive action goes straight through.
    other = Organisation.objects.get(pk=cast.other_organisation.pk)
    Organisation.objects.filter(pk=other.pk).update(status=Status.PENDING)
    again = client.post(reverse("organisations:reject", args=[other.pk]), {"reason": "No RNA."})
    assert again.status_code == 302
    assert Organisation.objects.get(pk=other.pk).status == Status.REJECTED


def test_a_rejection_from_an_old_session_waits_for_the_password(cast, pending):
    client = stale_coordinator(cast)
    path = reverse("organisations:reject", args=[pending.pk])
    assert sent_to_confirm(client.post(path, {"reason": "Not eligible."}), path)
    assert Organisation.objects.get(pk=pending.pk).status == Status.PENDING
    tally("sudo checks")


def test_team_invitations_from_an_old_session_wait_but_the_page_shows(cast):
    client = stale_coordinator(cast)
    path = reverse("accounts:team")
    assert client.get(path).status_code == 200
    response = client.post(path, {"email": "new@example.org", "role": "supervisor"})
    assert sent_to_confirm(response, path)
    assert not Invitation.objects.exists()
    tally("sudo checks")


def test_appointing_an_ambassador_from_an_old_session_waits(cast):
    campus = CampusFactory()
    client = stale_coordinator(cast)
    path = reverse("volunteers:ambassador_add", args=[campus.pk])
    assert client.get(path).status_code == 200
    response = client.post(path, {"email": cast.volunteer.email})
    assert sent_to_confirm(response, path)
    assert not campus.ambassadors.exists()
    tally("sudo checks")


def test_impact_exports_from_an_old_session_wait(cast):
    stale = stale_coordinator(cast)
    table = reverse("exports:table", kwargs={"table": "missions", "fmt": "csv"})
    report = reverse("exports:report", kwargs={"year": str(timezone.localdate().year)})
    for path in (table, report):
        assert sent_to_confirm(stale.get(path), path)
    assert logged_in_with_the_form(cast.coordinator).get(table).status_code == 200
    tally("sudo checks", 2)


def test_a_session_opened_outside_the_log_in_form_counts_from_its_log_in(cast, pending):
    """An accepted invitation logs the person in without allauth's form: the account's log-in
    time stands for the session's."""
    client = cast.client("coordinator")  # logged in now
    path = reverse("organisations:verify", args=[pending.pk])
    User.objects.filter(pk=cast.coordinator.pk).update(
        last_login=timezone.now() - timezone.timedelta(minutes=10)
    )
    assert sent_to_confirm(client.post(path), path)
    User.objects.filter(pk=cast.coordinator.pk).update(last_login=timezone.now())
    assert client.post(path).status_code == 302
    assert Organisation.objects.get(pk=pending.pk).status == Status.VERIFIED


# Issue 7, second round: granting access to an organisation, removing an ambassador, and the
# personal API tokens (a token acts as its owner) wait for the password too.


def logged_in_with_the_password(user: User) -> Client:
    """The log-in form of someone without a second factor."""
    cache.clear()
    client = Client()
    done = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert done["Location"] == reverse("core:dashboard")
    return client


def stale(user: User) -> Client:
    client = logged_in_with_the_password(user)
    age_session(client, 10 * 60)
    return client


def confirm(client: Client, response):
    """Type the password on allauth's "Confirm access" page: the suspended request runs."""
    assert client.get(response["Location"]).status_code == 200
    return client.post(response["Location"], {"password": PASSWORD})


def test_creating_an_api_token_from_an_old_session_waits_then_shows_the_key_once(cast):
    client = stale(cast.volunteer)
    path = reverse("api:tokens")
    assert client.get(path).status_code == 200  # the page shows; creating asks first
    response = client.post(path, {"name": "My script", "valid_for": "90"})
    assert sent_to_confirm(response, path)
    assert not ApiToken.objects.exists()
    tally("sudo checks")

    done = confirm(client, response)
    assert done.status_code == 200
    key = re.search(r"<code>(sos_[\w-]+)</code>", done.content.decode()).group(1)
    token = ApiToken.objects.get(user=cast.volunteer)
    assert token.name == "My script"
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.json()["email"] == cast.volunteer.email


def test_revoking_an_api_token_from_an_old_session_waits_for_the_password(cast):
    token, _key = token_create(user=cast.member, name="Intranet", valid_days=None)
    client = stale(cast.member)
    path = reverse("api:token_revoke")
    response = client.post(path, {"token": token.pk})
    assert sent_to_confirm(response, path)
    token.refresh_from_db()
    assert token.revoked_at is None
    tally("sudo checks")

    done = confirm(client, response)
    assert done["Location"] == reverse("api:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_fresh_log_in_creates_a_token_at_once(cast):
    client = logged_in_with_the_password(cast.volunteer)
    response = client.post(reverse("api:tokens"), {"name": "Now", "valid_for": "30"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=cast.volunteer, name="Now").exists()


def test_adding_a_colleague_from_an_old_session_waits_for_the_password(cast):
    """A new member reads the organisation's confidential needs: granting that is sensitive."""
    colleague = UserFactory(email="colleague@example.org")
    client = stale(cast.member)
    path = reverse("organisations:member_add", args=[cast.organisation.pk])
    response = client.post(path, {"email": colleague.email})
    assert sent_to_confirm(response, path)
    assert not Membership.objects.filter(user=colleague).exists()
    tally("sudo checks")

    done = confirm(client, response)
    assert done["Location"] == reverse("organisations:detail", args=[cast.organisation.pk])
    assert Membership.objects.filter(user=colleague, organisation=cast.organisation).exists()


def test_removing_an_ambassador_from_an_old_session_waits_for_the_password(cast):
    campus = CampusFactory()
    Ambassadorship.objects.create(user=cast.ambassador, campus=campus)
    client = stale_coordinator(cast)
    path = reverse("volunteers:ambassador_remove", args=[campus.pk, cast.ambassador.pk])
    response = client.post(path)
    assert sent_to_confirm(response, path)
    assert campus.ambassadors.exists()
    tally("sudo checks")

    done = confirm(client, response)
    assert done["Location"] == reverse("volunteers:ambassador_add", args=[campus.pk])
    assert not campus.ambassadors.exists()


def test_inviting_a_volunteer_to_apply_does_not_ask_for_the_password(cast):
    """Low risk, decided on purpose: an invitation grants nothing (the volunteer still applies
    and is selected), shows the coordinator nothing new, and is sent many at a time from the
    suggestions; asking for the password there would only teach people to type it blindly."""
    mission = MissionFactory(
        organisation=cast.organisation, status=Mission.Status.OPEN, published_at=timezone.now(),
        created_by=cast.coordinator,
    )  # fmt: skip
    client = stale_coordinator(cast)
    response = client.post(
        reverse("applications:invite", args=[mission.pk]), {"email": cast.volunteer.email}
    )
    assert response.status_code == 302
    assert not sent_to_confirm(response, reverse("applications:invite", args=[mission.pk]))
    assert Application.objects.filter(mission=mission, volunteer=cast.volunteer).exists()


def test_signing_out_the_other_sessions_from_an_old_session_waits_for_the_password(cast):
    """ASVS 3.3.4: the sessions are listed at once; ending the others asks for the password."""
    elsewhere = logged_in_with_the_password(cast.member)
    client = stale(cast.member)
    path = reverse("usersessions_list")
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert sent_to_confirm(response, path)
    assert elsewhere.get(reverse("core:dashboard")).status_code == 200
    tally("sudo checks")

    done = confirm(client, response)
    assert done["Location"] == path
    assert elsewhere.get(reverse("core:dashboard"))["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("core:dashboard")).status_code == 200
