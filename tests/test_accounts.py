"""Accounts through HTTP: sign-up, login, password reset, two-step verification, team
invitations and the language switch, as a person would use them."""

from __future__ import annotations

import re
import time
from collections import Counter
from html import unescape
from html.parser import HTMLParser

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import Invitation, User
from soscience.accounts.roles import Role
from tests.conftest import ROLES_OF_CAST
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "lanterne-orange-riviere-42"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts failed logins in the cache, shared by every test of the run.
    cache.clear()
    yield
    cache.clear()


def field_errors(response, name: str) -> str:
    """The error text rendered next to field ``name`` (empty if none)."""
    html = response.content.decode()
    match = re.search(rf'<div class="errors" id="id_{name}_error">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def form_errors(response) -> str:
    html = response.content.decode()
    match = re.search(r'<div class="errors form-errors" role="alert">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def input_value(response, element_id: str) -> str:
    html = response.content.decode()
    tag = re.search(rf'<input[^>]*\bid="{element_id}"[^>]*>', html)
    assert tag, f"no input #{element_id} on the page"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def link_in(message: mail.EmailMessage, path_start: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_start)}\S+)", message.body)
    assert match, f"no {path_start} link in: {message.body}"
    return match.group(1)


def log_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def coordinator_without_totp() -> User:
    user = UserFactory(email="nouvelle.coord@example.org", full_name="Nina Nouvelle")
    user.groups.add(Group.objects.get(name=Role.COORDINATOR))
    return user


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- sign-up, email verification, login -----------------------------------------------------


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Awa Diallo",
        "email": "awa@example.org",
        "password1": STRONG,
        "password2": STRONG,
        "joining_as": "organisation",
    }
    data.update(overrides)
    return data


def test_signup_as_organisation_sends_a_verification_mail_then_login_works(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="awa@example.org")
    assert user.full_name == "Awa Diallo"
    assert user.roles == frozenset()  # an organisation member is one once they register it
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["awa@example.org"]
    assert "Confirm your email address" in mail.outbox[0].subject
    assert "Awa Diallo gave this address" in mail.outbox[0].body
    confirm = link_in(mail.outbox[0], "/accounts/confirm-email/")

    page = client.get(confirm)
    assert page.status_code == 200
    assert "awa@example.org" in text(page)
    client.post(confirm)
    assert user.emailaddress_set.get().verified

    fresh = Client()
    response = log_in(fresh, "awa@example.org", STRONG)
    assert response["Location"] == reverse("core:dashboard")
    assert "Register your organisation" in text(fresh.get(reverse("core:dashboard")))


def test_signup_as_volunteer_gives_the_volunteer_role(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data(joining_as="volunteer"))

    user = User.objects.get(email="awa@example.org")
    assert Role.VOLUNTEER in user.roles
    assert len(mail.outbox) == 1
    # The privacy notice shown at sign-up is recorded, with the version of its text.
    from soscience.privacy.consents import TEXT_VERSIONS
    from soscience.privacy.models import Consent

    consent = Consent.objects.get(user=user)
    assert (consent.purpose, consent.given) == (Consent.Purpose.PRIVACY, True)
    assert consent.text_version == TEXT_VERSIONS[Consent.Purpose.PRIVACY]


def test_join_as_volunteer_link_preselects_volunteer(client):
    response = client.get(reverse("account_signup") + "?as=volunteer")

    html = response.content.decode()
    assert re.search(r'<input type="radio" name="joining_as" value="volunteer"[^>]*checked', html)
    assert not re.search(r'value="organisation"[^>]*checked', html)


def test_signup_with_weak_password_shows_the_reason_next_to_the_field(client):
    response = client.post(
        reverse("account_signup"), signup_data(password1="12345", password2="12345")
    )

    assert response.status_code == 200
    assert "too short" in field_errors(response, "password1")
    assert input_value(response, "id_full_name") == "Awa Diallo"
    assert input_value(response, "id_email") == "awa@example.org"
    assert not User.objects.filter(email="awa@example.org").exists()


def test_signup_with_an_address_already_used_is_refused_without_a_second_account(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data(email=cast.member.email))

    assert User.objects.filter(email=cast.member.email).count() == 1


def test_login_with_email_goes_to_my_space(cast):
    client = Client()

    response = log_in(client, cast.member.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_login_before_verifying_the_address_asks_to_verify_it(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_signup"), signup_data())

    with django_capture_on_commit_callbacks(execute=True):
        response = log_in(client, "awa@example.org", STRONG)

    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("core:dashboard"))["Location"].startswith(reverse("account_login"))


def test_wrong_password_shows_a_message_and_keeps_the_address(client, cast):
    response = log_in(client, cast.member.email, "not my password")

    assert response.status_code == 200
    assert "not correct" in form_errors(response)
    assert input_value(response, "id_login") == cast.member.email


def test_repeated_wrong_passwords_are_rate_limited(client, cast):
    for _attempt in range(5):
        log_in(client, cast.member.email, "not my password")

    response = log_in(client, cast.member.email, PASSWORD)  # even the right one, for now

    assert "Too many failed login attempts" in form_errors(response)
    assert "_auth_user_id" not in client.session


def test_password_reset_by_mail(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": cast.member.email})
    assert response["Location"] == reverse("account_reset_password_done")
    assert client.get(response["Location"]).status_code == 200
    link = link_in(mail.outbox[0], "/accounts/password/reset/key/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    weak = client.post(set_url, {"password1": "motdepasse", "password2": "motdepasse"})
    assert "too common" in field_errors(weak, "password1")
    client.post(set_url, {"password1": STRONG, "password2": STRONG})

    assert log_in(Client(), cast.member.email, STRONG)["Location"] == reverse("core:dashboard")


# --- two-step verification ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/dashboard/", "/me/", "/team/", "/platform/settings/", "/missions/"]
)
def test_coordinator_without_totp_is_sent_to_set_it_up(path):
    client = Client()
    client.force_login(coordinator_without_totp())

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp") + "?required=1"


def test_coordinator_without_totp_can_still_reach_account_pages_and_log_out():
    client = Client()
    client.force_login(coordinator_without_totp())

    assert client.get(reverse("account_email")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_coordinator_with_totp_is_not_redirected(cast):
    client = cast.client("coordinator")

    assert client.get(reverse("core:dashboard")).status_code == 200
    assert client.get(reverse("accounts:team")).status_code == 200


def test_roles_without_the_requirement_are_not_redirected(cast):
    volunteer = UserFactory(roles=[Role.VOLUNTEER])
    client = Client()
    client.force_login(volunteer)

    assert client.get(reverse("core:dashboard")).status_code == 200


def test_coordinator_turns_on_totp_then_works_normally():
    coordinator_without_totp()
    client = Client()
    with time_machine.travel(timezone.now(), tick=False):
        log_in(client, "nouvelle.coord@example.org")
        sent = client.get(reverse("core:dashboard"))
        assert sent["Location"] == reverse("mfa_activate_totp") + "?required=1"

        # Changing how one logs in asks for the password again first.
        confirm = client.get(sent["Location"])
        assert confirm["Location"].startswith(reverse("account_reauthenticate"))
        confirm_page = client.get(confirm["Location"])
        assert "As a coordinator you must turn on two-step verification" in text(confirm_page)
        back = client.post(
            confirm["Location"],
            {"password": PASSWORD, "next": reverse("mfa_activate_totp") + "?required=1"},
        )
        setup = client.get(back["Location"])
        assert "As a coordinator you must turn on two-step verification" in text(setup)
        assert 'class="qr-code"' in setup.content.decode()
        secret = input_value(setup, "authenticator_secret")

        wrong = client.post(setup.request["PATH_INFO"] + "?required=1", {"code": "000000"})
        assert "Incorrect code" in field_errors(wrong, "code")
        assert not Authenticator.objects.filter(type=Authenticator.Type.TOTP).exists()

        done = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})

    assert done["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(done["Location"])
    assert codes.status_code == 200
    assert 'id="recovery_codes"' in codes.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_login_with_totp_asks_for_the_code(cast):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False):
        response = log_in(client, cast.coordinator.email)
        assert response["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session

        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert "Incorrect code" in field_errors(wrong, "code")
        done = client.post(reverse("mfa_authenticate"), {"code": current_code(TOTP_SECRET)})

    assert done["Location"] == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200


# --- team invitations -----------------------------------------------------------------------


def invite(client: Client, email: str, role: str = "supervisor"):
    return client.post(reverse("accounts:team"), {"email": email, "role": role})


def test_coordinator_invites_and_the_mail_holds_the_link(cast, django_capture_on_commit_callbacks):
    client = cast.client("coordinator")

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, "Nouveau.Superviseur@Example.org")

    assert response["Location"] == reverse("accounts:team")
    invitation = Invitation.objects.get()
    assert invitation.email == "nouveau.superviseur@example.org"
    assert mail.outbox[0].to == ["nouveau.superviseur@example.org"]
    assert link_in(mail.outbox[0], "/invitation/") == f"/invitation/{invitation.token}/"
    page = text(client.get(reverse("accounts:team")))
    assert "nouveau.superviseur@example.org" in page
    assert "Claire Coordinatrice" in page


def test_invitation_with_a_bad_address_is_refused_next_to_the_field(cast):
    response = invite(cast.client("coordinator"), "not-an-address")

    assert response.status_code == 200
    assert field_errors(response, "email")
    assert input_value(response, "id_email") == "not-an-address"
    assert not Invitation.objects.exists()


def test_anonymous_accepts_with_name_and_password(cast):
    invitation = Invitation.objects.create(
        email="sam@example.org", role="supervisor", invited_by=cast.coordinator
    )
    client = Client()
    url = reverse("accounts:invitation", args=[invitation.token])

    page = client.get(url)
    assert page.status_code == 200
    assert "sam@example.org" in text(page)
    assert f"{reverse('account_login')}?next={url}" in page.content.decode()

    weak = client.post(url, {"full_name": "Sam Dupont", "password": "sam@example.org"})
    assert weak.status_code == 200
    assert field_errors(weak, "password")
    assert input_value(weak, "id_full_name") == "Sam Dupont"
    assert not User.objects.filter(email="sam@example.org").exists()

    response = client.post(url, {"full_name": "Sam Dupont", "password": STRONG})

    assert response["Location"] == reverse("core:dashboard")
    user = User.objects.get(email="sam@example.org")
    assert user.full_name == "Sam Dupont"
    assert Role.SUPERVISOR in user.roles
    assert user.emailaddress_set.get().verified
    # Logged in, and as a supervisor sent to set up the second factor first.
    assert client.get(reverse("core:dashboard"))["Location"] == (
        reverse("mfa_activate_totp") + "?required=1"
    )
    assert log_in(Client(), "sam@example.org", STRONG)["Location"] == reverse("core:dashboard")


def test_invited_coordinator_must_then_turn_on_totp(cast):
    invitation = Invitation.objects.create(
        email="cora@example.org", role="coordinator", invited_by=cast.coordinator
    )
    client = Client()

    client.post(
        reverse("accounts:invitation", args=[invitation.token]),
        {"full_name": "Cora Coord", "password": STRONG},
    )

    assert Role.COORDINATOR in User.objects.get(email="cora@example.org").roles
    response = client.get(reverse("core:dashboard"))
    assert response["Location"] == reverse("mfa_activate_totp") + "?required=1"


@pytest.mark.parametrize("state", ["expired", "used"])
def test_expired_or_used_invitation_is_gone(cast, state):
    invitation = Invitation.objects.create(
        email="late@example.org", role="supervisor", invited_by=cast.coordinator
    )
    if state == "expired":
        invitation.expires_at = timezone.now() - timezone.timedelta(minutes=1)
    else:
        invitation.accepted_at = timezone.now()
    invitation.save()
    url = reverse("accounts:invitation", args=[invitation.token])

    response = Client().get(url)
    refused = Client().post(url, {"full_name": "Late", "password": STRONG})

    assert response.status_code == 410
    assert "This invitation is no longer valid" in text(response)
    assert refused.status_code == 410
    assert not User.objects.filter(email="late@example.org").exists()


def test_unknown_invitation_token_is_gone():
    assert Client().get(reverse("accounts:invitation", args=["nope"])).status_code == 410


def test_logged_in_person_with_another_address_cannot_accept(cast):
    invitation = Invitation.objects.create(
        email="someone.else@example.org", role="coordinator", invited_by=cast.coordinator
    )
    client = cast.client("volunteer")
    url = reverse("accounts:invitation", args=[invitation.token])

    page = client.get(url)
    response = client.post(url)

    assert "This invitation was sent to someone.else@example.org" in text(page)
    assert "This invitation was sent to another address." in text(response)
    assert Role.COORDINATOR not in User.objects.get(pk=cast.volunteer.pk).roles
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_logged_in_person_with_the_invited_address_accepts_with_one_click(cast):
    invitation = Invitation.objects.create(
        email=cast.volunteer.email, role="supervisor", invited_by=cast.coordinator
    )
    client = cast.client("volunteer")
    url = reverse("accounts:invitation", args=[invitation.token])

    assert "Accept the invitation" in text(client.get(url))
    response = client.post(url)

    assert response["Location"] == reverse("core:dashboard")
    assert Role.SUPERVISOR in User.objects.get(pk=cast.volunteer.pk).roles


def test_anonymous_with_an_existing_account_is_told_to_log_in(cast):
    invitation = Invitation.objects.create(
        email=cast.member.email, role="supervisor", invited_by=cast.coordinator
    )

    response = Client().post(
        reverse("accounts:invitation", args=[invitation.token]),
        {"full_name": "Mariam", "password": STRONG},
    )

    assert "log in to accept" in form_errors(response)
    assert Role.SUPERVISOR not in User.objects.get(pk=cast.member.pk).roles


@pytest.mark.parametrize("who", [w for w in ROLES_OF_CAST if w not in (None, "coordinator")])
@pytest.mark.parametrize("url_name", ["accounts:team", "core:platform_settings"])
def test_only_coordinators_reach_team_and_platform_settings(cast, who, url_name):
    client = cast.client(who)

    assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse(url_name), {"email": "x@example.org", "role": "coordinator",
                                           "max_mission_weeks": 50}).status_code == 403  # fmt: skip
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("url_name", ["accounts:team", "core:platform_settings", "core:dashboard",
                                      "accounts:preferences"])  # fmt: skip
def test_anonymous_is_asked_to_log_in(url_name):
    response = Client().get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_team_page_lists_members_with_roles_without_n_plus_one(cast, django_assert_max_num_queries):
    for n in range(5):
        UserFactory(full_name=f"Superviseur {n}", roles=[Role.SUPERVISOR])
    client = cast.client("coordinator")

    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:team"))

    page = text(response)
    assert "Superviseur 4" in page
    assert "Samuel Superviseur" in page
    assert "Mariam Membre" not in page  # not on the team


# --- preferences and language ---------------------------------------------------------------


def test_preferences_save_name_and_language(cast):
    client = cast.client("member")

    response = client.post(
        reverse("accounts:preferences"), {"full_name": "Mariam K. Membre", "language": "en"}
    )

    assert response["Location"] == reverse("accounts:preferences")
    assert response.cookies["django_language"].value == "en"
    cast.member.refresh_from_db()
    assert (cast.member.full_name, cast.member.language) == ("Mariam K. Membre", "en")
    page = client.get(reverse("accounts:preferences"))
    assert '<html lang="en">' in page.content.decode()
    assert reverse("mfa_index") in page.content.decode()
    assert reverse("account_change_password") in page.content.decode()


def test_preferences_with_an_empty_name_are_refused_next_to_the_field(cast):
    response = cast.client("member").post(
        reverse("accounts:preferences"), {"full_name": "", "language": "en"}
    )

    assert response.status_code == 200
    assert field_errors(response, "full_name")
    cast.member.refresh_from_db()
    assert cast.member.full_name == "Mariam Membre"


def test_visitor_language_choice_is_kept_in_a_cookie(client):
    response = client.post(reverse("core:set_language"), {"language": "fr", "next": "/"})

    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "fr"
    assert '<html lang="fr">' in client.get("/").content.decode()

    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_language_choice_is_saved_to_the_account_and_follows_the_person(cast):
    User.objects.filter(pk=cast.member.pk).update(language="fr")
    client = cast.client("member")
    assert '<html lang="fr">' in client.get(reverse("core:dashboard")).content.decode()

    client.post(reverse("core:set_language"), {"language": "en", "next": "/dashboard/"})

    assert User.objects.get(pk=cast.member.pk).language == "en"
    assert '<html lang="en">' in client.get(reverse("core:dashboard")).content.decode()
    other_device = Client(headers={"accept-language": "fr"})
    log_in(other_device, cast.member.email)
    assert '<html lang="en">' in other_device.get(reverse("core:dashboard")).content.decode()


def test_language_switch_ignores_unknown_languages_and_foreign_next(cast):
    client = cast.client("member")

    response = client.post(
        reverse("core:set_language"), {"language": "xx", "next": "https://evil.example/"}
    )

    assert User.objects.get(pk=cast.member.pk).language == "en"
    assert not response["Location"].startswith("https://evil.example")


def test_volunteer_role_from_my_account(cast):
    person = UserFactory()
    client = Client()
    client.force_login(person)

    page = client.get(reverse("accounts:preferences"))
    assert "Become a volunteer" in text(page)
    response = client.post(reverse("accounts:preferences"), {"action": "become_volunteer"})

    assert response["Location"] == reverse("core:dashboard")
    assert Role.VOLUNTEER in User.objects.get(pk=person.pk).roles
    assert "Become a volunteer" not in text(client.get(reverse("accounts:preferences")))


# --- every account page: one h1, unique ids, labelled fields, nothing inline ----------------


class PageAudit(HTMLParser):
    """What axe-core and our strict CSP would object to, checked without a browser."""

    CONTROLS = ("input", "select", "textarea")
    UNLABELLED_TYPES = ("hidden", "submit", "button")

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.h1 = 0
        self.label_for: set[str] = set()
        self.controls: list[str] = []
        self.inline: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        if "style" in attributes:
            self.inline.append(f"style on <{tag}>")
        if (
            tag == "script"
            and not attributes.get("src")
            and attributes.get("type") != ("application/json")
        ):
            self.inline.append("inline <script>")
        if tag == "h1":
            self.h1 += 1
        if tag == "label" and attributes.get("for"):
            self.label_for.add(attributes["for"] or "")
        if tag in self.CONTROLS and attributes.get("type") not in self.UNLABELLED_TYPES:
            self.controls.append(attributes.get("id") or f"<{tag} name={attributes.get('name')}>")

    def problems(self) -> list[str]:
        found = [f"duplicate id {i}" for i, n in self.ids.items() if n > 1]
        found += [f"{self.h1} <h1>"] if self.h1 != 1 else []
        found += [f"no label for {c}" for c in self.controls if c not in self.label_for]
        return found + self.inline


ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/signup/?as=volunteer",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/bad-key/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/bad-key/",
    "/",
]
MEMBER_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/accounts/sessions/",
    "/me/",
    "/dashboard/",
]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_account_pages_are_well_formed(path):
    response = Client().get(path)

    assert response.status_code == 200
    assert PageAudit(response.content.decode()).problems() == []


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_signed_in_account_pages_are_well_formed(cast, path):
    client = Client()
    log_in(client, cast.member.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.get(path)

    assert response.status_code == 200
    assert PageAudit(response.content.decode()).problems() == []


def test_pages_with_errors_are_well_formed(cast):
    signup = Client().post(reverse("account_signup"), signup_data(email="x", password1="1"))
    login = log_in(Client(), cast.member.email, "wrong")
    invitation = Invitation.objects.create(
        email="sam@example.org", role="supervisor", invited_by=cast.coordinator
    )
    accept = Client().post(
        reverse("accounts:invitation", args=[invitation.token]), {"full_name": "", "password": "1"}
    )
    team = invite(cast.client("coordinator"), "not-an-address")

    for response in (signup, login, accept, team):
        assert response.status_code == 200
        assert PageAudit(response.content.decode()).problems() == []


def test_totp_set_up_page_is_well_formed_and_shows_the_qr_code_as_an_image():
    coordinator_without_totp()
    client = Client()
    log_in(client, "nouvelle.coord@example.org")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.get(reverse("mfa_activate_totp") + "?required=1")

    html = response.content.decode()
    assert PageAudit(html).problems() == []
    # Our CSP allows images from data: URIs, never inline SVG styles or scripts.
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="[^"]+"', html)
    assert "<svg" not in html


# --- password rules (ASVS 2.1.1: at least 12 characters) --------------------------------------

ELEVEN = "Lanterne-42"  # not common, not numeric, not like the name: only too short


def help_text(response, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'id="id_{name}_helptext">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def test_sign_up_tells_the_rule_and_refuses_eleven_characters(client):
    page = client.get(reverse("account_signup"))
    assert "at least 12 characters" in help_text(page, "password1")

    short = client.post(reverse("account_signup"), signup_data(password1=ELEVEN, password2=ELEVEN))

    assert "at least 12 characters" in field_errors(short, "password1")
    assert input_value(short, "id_email") == "awa@example.org"
    assert not User.objects.filter(email="awa@example.org").exists()
    twelve = ELEVEN + "7"
    done = client.post(reverse("account_signup"), signup_data(password1=twelve, password2=twelve))
    assert done["Location"] == reverse("account_email_verification_sent")


def test_changing_the_password_tells_the_rule_and_refuses_a_short_one(cast):
    client = Client()
    log_in(client, cast.member.email)
    page = client.get(reverse("account_change_password"))
    assert "at least 12 characters" in help_text(page, "password1")

    short = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": ELEVEN, "password2": ELEVEN},
    )

    assert "at least 12 characters" in field_errors(short, "password1")
    assert log_in(Client(), cast.member.email)["Location"] == reverse("core:dashboard")


# --- sessions: where I am signed in, "sign out the other sessions" -------------------------------

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
SESSIONS = reverse("usersessions_list")


def browser(user_agent: str, address: str) -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


def signed_out(client: Client) -> bool:
    response = client.get(reverse("core:dashboard"))
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_my_sessions_are_listed_with_browser_address_and_last_seen(cast):
    laptop, phone = browser(FIREFOX, "198.51.100.4"), browser(IPHONE, "203.0.113.9")
    log_in(laptop, cast.member.email)
    log_in(phone, cast.member.email)
    log_in(browser(FIREFOX, "192.0.2.1"), cast.volunteer.email)  # someone else's

    account = laptop.get(reverse("accounts:preferences")).content.decode()
    assert f'href="{SESSIONS}"' in account  # reached from the account menu
    page = laptop.get(SESSIONS)

    assert page.status_code == 200
    rows = [
        unescape(re.sub(r"<[^>]+>", " ", row))
        for row in re.findall(r"<tr>(.*?)</tr>", page.content.decode(), re.S)
    ]
    assert "Last seen" in rows[0]
    assert len(rows) == 3  # the header and my two sessions
    laptop_row = next(row for row in rows if "198.51.100.4" in row)
    assert "Firefox on Linux" in laptop_row
    assert "this browser" in laptop_row
    assert "now" in laptop_row
    phone_row = next(row for row in rows if "203.0.113.9" in row)
    assert "Safari on iOS" in phone_row
    assert "this browser" not in phone_row
    assert "192.0.2.1" not in text(page)
    assert "Sign out the other sessions" in text(page)


def test_signing_out_the_other_sessions_ends_them_and_keeps_this_one(cast):
    """The session opened by accepting an invitation (Django's log-in, not allauth's form) is
    on the list too, and ends with the others."""
    invitation = Invitation.objects.create(
        email="sam@example.org", role="volunteer", invited_by=cast.coordinator
    )
    first = browser(IPHONE, "203.0.113.9")
    first.post(
        reverse("accounts:invitation", args=[invitation.token]),
        {"full_name": "Sam Dupont", "password": STRONG},
    )
    assert not signed_out(first)
    User.objects.filter(email="sam@example.org").update(language="en")
    second, here = browser(FIREFOX, "198.51.100.4"), browser(FIREFOX, "198.51.100.5")
    log_in(second, "sam@example.org", STRONG)
    log_in(here, "sam@example.org", STRONG)

    response = here.post(SESSIONS, follow=True)

    assert "Signed out of all other sessions." in text(response)
    assert "open in this browser only" in text(response)
    assert signed_out(first)
    assert signed_out(second)
    assert not signed_out(here)


def test_changing_the_password_signs_out_the_other_sessions_and_keeps_this_one(cast):
    here, elsewhere = browser(FIREFOX, "198.51.100.4"), browser(IPHONE, "203.0.113.9")
    log_in(here, cast.member.email)
    log_in(elsewhere, cast.member.email)

    changed = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": STRONG, "password2": STRONG},
    )

    assert changed.status_code == 302
    assert not signed_out(here)
    assert signed_out(elsewhere)
    assert "203.0.113.9" not in text(here.get(SESSIONS))


def test_resetting_the_password_signs_out_every_session(
    client, cast, django_capture_on_commit_callbacks
):
    """Someone who resets their password may be locking out whoever has it: every session
    opened with the old password ends."""
    signed_in = browser(FIREFOX, "198.51.100.4")
    log_in(signed_in, cast.member.email)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": cast.member.email})
    form_page = client.get(link_in(mail.outbox[0], "/accounts/password/reset/key/"), follow=True)
    set_url = form_page.redirect_chain[-1][0]

    client.post(set_url, {"password1": STRONG, "password2": STRONG})

    assert signed_out(signed_in)
    assert log_in(Client(), cast.member.email, STRONG)["Location"] == reverse("core:dashboard")


def test_last_seen_is_written_every_few_minutes_not_on_every_page(cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = browser(FIREFOX, "198.51.100.4")
        log_in(client, cast.member.email)
    with time_machine.travel(start + timezone.timedelta(minutes=2), tick=False):
        client.get(reverse("core:dashboard"))
        assert UserSession.objects.get(user=cast.member).last_seen_at == start
    later = start + timezone.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        client.get(reverse("core:dashboard"))
        assert UserSession.objects.get(user=cast.member).last_seen_at == later
