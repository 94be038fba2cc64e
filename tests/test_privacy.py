"""Personal data through HTTP: download my data, erase my account, the retention job,
consents recorded with their text version, the privacy notice and the processing register."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import zipfile

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.api.models import ApiToken
from soscience.applications.models import Application, TeamMember
from soscience.certificates.codes import new_code
from soscience.certificates.models import Certificate
from soscience.execution.models import Deliverable, HoursEntry
from soscience.missions.models import Mission
from soscience.notifications.models import Notification
from soscience.privacy.consents import TEXT_VERSIONS
from soscience.privacy.models import AuditEvent, Consent
from soscience.volunteers.models import VolunteerProfile
from tests.factories import PASSWORD, UserFactory
from tests.tally import tally
from tests.test_closing import ORG_ANSWERS, _mission, _url
from tests.test_volunteers import profile_post

pytestmark = pytest.mark.django_db

EXPORT = reverse("privacy:export")
ERASE = reverse("privacy:erase")
NOTICE = reverse("privacy:notice")
REGISTER = reverse("privacy:register")


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{re.escape(field)}_error">(.*?)</div>', text(response), re.S)
    return match.group(1) if match else ""


def _profile(user, bio: str) -> VolunteerProfile:
    return VolunteerProfile.objects.create(user=user, bio=bio, languages=["fr"], city="Lyon")


def _archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _everything(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


# --- download my data ------------------------------------------------------------------------


def test_my_data_holds_my_rows_and_files_and_nothing_of_another_person(cast):
    mission = _mission(cast)  # cast.volunteer on the team, with a deliverable they uploaded
    _profile(cast.volunteer, "I build sand filters.")
    _profile(cast.other_volunteer, "Vera's private bio.")
    Application.objects.create(
        mission=mission, volunteer=cast.other_volunteer, motivation="Vera's motivation.",
        status=Application.Status.APPLIED, applied_at=timezone.now(),
    )  # fmt: skip
    Notification.objects.create(user=cast.other_volunteer, text="For Vera only", url="/")

    page = cast.client("volunteer").get(EXPORT)
    assert "one JSON file per kind of data" in text(page)
    response = cast.client("volunteer").post(EXPORT, {"password": PASSWORD})
    archive = _archive(response)
    names = archive.namelist()
    account = json.loads(archive.read("account.json"))
    assert account["email"] == cast.volunteer.email
    assert account["full_name"] == "Valentin Volontaire"
    assert "password" not in account
    profile = json.loads(archive.read("volunteers-volunteerprofile.json"))
    assert profile[0]["bio"] == "I build sand filters."
    team = json.loads(archive.read("applications-teammember.json"))
    assert [row["mission"] for row in team] == [mission.pk]
    assert "execution-deliverable-uploaded_by.json" in names
    assert [n for n in names if n.startswith("files/")] == [
        f"files/deliverable-{Deliverable.objects.get().pk}-guide.pdf"
    ]
    everything = _everything(archive)
    for secret in ("Vera", cast.other_volunteer.email, "For Vera only", "pbkdf2", "md5$"):
        assert secret not in everything
    event = AuditEvent.objects.get(action="account.data_exported")
    assert event.actor == cast.volunteer
    tally("privacy: export files read", len(names))


def test_my_data_asks_for_the_password_and_keeps_nothing_typed_wrong(cast):
    response = cast.client("volunteer").post(EXPORT, {"password": "not mine"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "This is not your password." in field_error(response, "password")
    assert "not mine" not in response.content.decode()  # a password is never sent back


def test_my_data_includes_the_certificate_as_data_and_my_consents(cast):
    mission = _mission(cast, files=False)
    certificate = _certificate(mission, cast.volunteer)
    cast.client("volunteer").post(
        reverse("volunteers:profile"), profile_post(consent_matching="on")
    )
    archive = _archive(cast.client("volunteer").post(EXPORT, {"password": PASSWORD}))
    certificates = json.loads(archive.read("certificates-certificate.json"))
    assert certificates[0]["code"] == certificate.code
    assert certificates[0]["volunteer_name"] == "Valentin Volontaire"
    consents = json.loads(archive.read("privacy-consent.json"))
    assert [(c["purpose"], c["given"]) for c in consents] == [("matching", True)]


# --- erase my account ------------------------------------------------------------------------


def _certificate(mission, volunteer) -> Certificate:
    return Certificate.objects.create(
        code=new_code(), mission=mission, volunteer=volunteer, language="en",
        volunteer_name=volunteer.full_name, mission_title=mission.title,
        organisation_name=mission.organisation.name, start_date=mission.start_date,
        end_date=mission.end_date, hours="5.50",
    )  # fmt: skip


def test_erasing_removes_personal_data_keeps_others_records_and_the_certificate(cast):
    mission = _mission(cast)
    _profile(cast.volunteer, "I build sand filters.")
    _profile(cast.other_volunteer, "Vera stays.")
    HoursEntry.objects.create(
        mission=mission, volunteer=cast.volunteer, worked_on=mission.start_date, hours="3",
        description="Sieved sand", validated_by=cast.supervisor, validated_at=timezone.now(),
    )  # fmt: skip
    certificate = _certificate(mission, cast.volunteer)
    ApiToken.objects.create(user=cast.volunteer, name="script", prefix="abc", key_hash="x" * 64)
    Notification.objects.create(user=cast.volunteer, text="Hello", url="/")
    email = cast.volunteer.email
    client, elsewhere = cast.client("volunteer"), cast.client("volunteer")
    assert UserSession.objects.filter(user=cast.volunteer).count() == 2  # browser, address

    page = client.get(ERASE)
    assert "cannot be undone" in text(page)
    refused = client.post(ERASE, {"password": "wrong"})
    assert "This is not your password." in field_error(refused, "password")
    assert User.objects.get(pk=cast.volunteer.pk).email == email

    response = client.post(ERASE, {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == NOTICE
    assert "Your account was erased." in text(response)

    user = User.objects.get(pk=cast.volunteer.pk)
    assert user.full_name == "Former volunteer"
    assert user.email == f"erased-{user.pk}@invalid.soscience"
    assert not user.has_usable_password()
    assert not user.is_active
    assert user.anonymised_at is not None
    assert not user.groups.exists()
    assert not VolunteerProfile.objects.filter(user=user).exists()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not Notification.objects.filter(user=user).exists()
    assert not user.emailaddress_set.exists()
    assert not UserSession.objects.filter(user=user).exists()
    # Signed out here and in every other session; the old address and password open nothing.
    for c in (client, elsewhere):
        assert c.get(reverse("core:dashboard"))["Location"].startswith("/accounts/login/")
    login = cast.client(None).post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert login.status_code == 200
    assert "_auth_user_id" not in login.client.session
    # The mission's records stay, attributed to the anonymised account.
    assert TeamMember.objects.filter(mission=mission, volunteer=user).exists()
    assert HoursEntry.objects.get(volunteer=user).description == "Sieved sand"
    assert Deliverable.objects.get(mission=mission).uploaded_by == user
    assert VolunteerProfile.objects.get(user=cast.other_volunteer).bio == "Vera stays."
    # The certificate still verifies, showing what was printed on it.
    verify = cast.client(None).get(reverse("certificates:verify", args=[certificate.code]))
    assert verify.status_code == 200
    assert "Valentin Volontaire" in text(verify)
    assert email not in text(verify)
    # The audit log says the account was erased, without the address it had.
    event = AuditEvent.objects.get(action="account.erased")
    assert event.target == f"accounts.user:{user.pk}"
    assert email not in event.actor_label + event.target_label


def test_the_only_member_of_an_organisation_is_told_why_they_cannot_erase(cast):
    page = cast.client("member").get(ERASE)
    assert "You are the only member of Eau Claire Thiès" in text(page)
    response = cast.client("member").post(ERASE, {"password": PASSWORD})
    assert "You are the only member of Eau Claire Thiès" in text(response)
    assert User.objects.get(pk=cast.member.pk).anonymised_at is None
    # With a colleague, the member may go; the colleague keeps the organisation.
    cast.organisation.memberships.create(user=UserFactory())
    assert cast.client("member").post(ERASE, {"password": PASSWORD}).status_code == 302
    assert cast.organisation.memberships.count() == 1


def test_the_last_coordinator_cannot_erase_their_account(cast):
    response = cast.client("coordinator").post(ERASE, {"password": PASSWORD})
    assert "You are the last coordinator" in text(response)
    assert User.objects.get(pk=cast.coordinator.pk).is_active


# --- retention -------------------------------------------------------------------------------


def _retention(capture) -> None:
    mail.outbox.clear()
    with capture(execute=True):
        call_command("apply_retention", "--now", stdout=io.StringIO())


def test_inactive_volunteers_are_warned_once_then_anonymised_after_30_days(
    cast, django_capture_on_commit_callbacks
):
    start = timezone.now()
    User.objects.filter(pk=cast.volunteer.pk).update(
        last_login=start - dt.timedelta(days=3 * 366 + 5)
    )
    User.objects.filter(pk=cast.other_volunteer.pk).update(last_login=start - dt.timedelta(days=30))
    with time_machine.travel(start, tick=False):
        _retention(django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[cast.volunteer.email]]
    assert "will be anonymised" in mail.outbox[0].subject
    assert "/privacy/my-data/" in mail.outbox[0].body
    warned_at = User.objects.get(pk=cast.volunteer.pk).retention_warned_at
    assert warned_at == start

    with time_machine.travel(start + dt.timedelta(days=29), tick=False):
        _retention(django_capture_on_commit_callbacks)
    assert mail.outbox == []  # warned once
    assert User.objects.get(pk=cast.volunteer.pk).anonymised_at is None

    with time_machine.travel(start + dt.timedelta(days=30, hours=1), tick=False):
        _retention(django_capture_on_commit_callbacks)
        _retention(django_capture_on_commit_callbacks)  # idempotent
    user = User.objects.get(pk=cast.volunteer.pk)
    assert user.full_name == "Former volunteer"
    assert user.anonymised_at is not None
    other = User.objects.get(pk=cast.other_volunteer.pk)
    assert (other.retention_warned_at, other.anonymised_at, other.is_active) == (None, None, True)
    assert User.objects.get(pk=cast.coordinator.pk).is_active
    tally("privacy: retention runs", 4)


def test_a_warned_volunteer_who_logs_in_keeps_the_account(cast, django_capture_on_commit_callbacks):
    start = timezone.now()
    User.objects.filter(pk=cast.volunteer.pk).update(
        last_login=None, date_joined=start - dt.timedelta(days=4 * 366)
    )
    with time_machine.travel(start, tick=False):
        _retention(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        response = cast.client(None).post(
            reverse("account_login"), {"login": cast.volunteer.email, "password": PASSWORD}
        )
        assert response.status_code == 302
    with time_machine.travel(start + dt.timedelta(days=40), tick=False):
        _retention(django_capture_on_commit_callbacks)
    user = User.objects.get(pk=cast.volunteer.pk)
    assert (user.anonymised_at, user.retention_warned_at, user.is_active) == (None, None, True)
    assert mail.outbox == []


# --- consents --------------------------------------------------------------------------------


def test_profile_consents_are_recorded_when_given_and_withdrawn(cast):
    client = cast.client("volunteer")
    profile = reverse("volunteers:profile")
    client.post(profile, profile_post(consent_matching="on", campus_digest="on"))
    client.post(profile, profile_post(consent_matching="on", campus_digest="on"))  # no change
    client.post(profile, profile_post(campus_digest="on"))  # matching withdrawn
    rows = list(
        Consent.objects.filter(user=cast.volunteer)
        .order_by("pk")
        .values_list("purpose", "given", "text_version")
    )
    assert rows == [
        ("matching", True, TEXT_VERSIONS["matching"]),
        ("campus_digest", True, TEXT_VERSIONS["campus_digest"]),
        ("matching", False, TEXT_VERSIONS["matching"]),
    ]


def test_the_organisation_survey_records_both_publication_consents(cast):
    mission = _mission(cast, Mission.Status.ACCEPTED)
    answers = {**ORG_ANSWERS, "testimonial": "They listened.", "testimonial_consent": "on"}
    cast.client("member").post(_url("org_survey", mission), answers)
    rows = set(Consent.objects.filter(user=cast.member).values_list("purpose", "given"))
    assert rows == {("testimonial", True), ("case", False)}


# --- pages -----------------------------------------------------------------------------------


def test_the_privacy_notice_is_public_and_linked_from_every_page(cast):
    response = cast.client(None).get(NOTICE)
    page = text(response)
    assert response.status_code == 200
    assert "Your rights" in page
    assert "Volunteer profiles" in page  # drawn from the models
    assert "not logged in for 3 years" in page
    assert f'href="{NOTICE}"' in cast.client(None).get(reverse("core:home")).content.decode()


def test_the_processing_register_is_for_coordinators(cast):
    response = cast.client("coordinator").get(REGISTER)
    assert response.status_code == 200
    assert "Legal basis" in text(response)
    assert cast.client("volunteer").get(REGISTER).status_code == 403
    assert cast.client(None).get(REGISTER)["Location"].startswith("/accounts/login/")
