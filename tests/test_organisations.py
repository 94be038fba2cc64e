"""Organisations through HTTP: registration, eligibility review, members, the proof document.

Principle 1: an organisation's social benefit is checked by the team before any mission.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soscience.organisations.models import (
    MemberInvitation,
    Membership,
    Organisation,
    OrganisationEvent,
)
from tests.factories import (
    PDF_BYTES,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

Status = Organisation.Status


def org_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Lumière Solaire Kaolack",
        "legal_form": "association",
        "country": "SN",
        "city": "Kaolack",
        "website": "https://lumiere.example.org",
        "social_mission": "Solar dryers for women's mango cooperatives.",
        "beneficiaries": "About 300 women in 12 villages.",
        "siren": "",
        "siret": "",
        "rna": "",
        "proof": pdf_upload(),
    }
    data.update(overrides)
    return data


def field_errors(response, name: str) -> str:
    """The error text rendered next to field ``name`` (empty if none)."""
    html = response.content.decode()
    match = re.search(rf'<div class="errors" id="id_{name}_error">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def field_value(response, name: str) -> str:
    """What the page shows in field ``name``: what the person typed, after a redisplay."""
    html = response.content.decode()
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    if tag:
        value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
        return unescape(value.group(1)) if value else ""
    textarea = re.search(rf'<textarea[^>]*\bname="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(textarea.group(1)).strip() if textarea else ""


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


@pytest.fixture
def newcomer(db):
    """Someone with an account and no organisation yet."""
    return UserFactory(full_name="Nadia Nouvelle")


@pytest.fixture
def pending(cast):
    """The cast's organisation, registered but not yet verified."""
    Organisation.objects.filter(pk=cast.organisation.pk).update(status=Status.PENDING)
    cast.organisation.refresh_from_db()
    return cast.organisation


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Registration ------------------------------------------------------------------------------


def test_registration_page_explains_and_accepts_files(cast, newcomer):
    response = logged_in(newcomer).get(reverse("organisations:register"))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert "Alsace-Moselle" in response.content.decode()
    assert "found on your Kbis" in response.content.decode()


def test_registration_makes_a_pending_organisation_with_its_representative(
    cast, newcomer, settings, django_capture_on_commit_callbacks
):
    client = logged_in(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:register"),
            org_data(siren="732 829 320", siret="732 829 320 00074", rna="w751234567"),
            follow=True,
        )
    organisation = Organisation.objects.get(name="Lumière Solaire Kaolack")
    assert response.redirect_chain[-1][0] == reverse("organisations:detail", args=[organisation.pk])
    page = response.content.decode()
    assert "The team will verify its eligibility" in page
    assert "you can already submit a need" in page
    assert organisation.status == Status.PENDING
    # Identifiers are stored without the spaces people type.
    assert (organisation.siren, organisation.siret, organisation.rna) == (
        "732829320", "73282932000074", "W751234567",
    )  # fmt: skip
    membership = Membership.objects.get(organisation=organisation)
    assert membership.user == newcomer
    assert membership.is_representative
    # The proof is kept, under a random name, with its original name and sniffed type.
    assert organisation.proof_name == "statuts.pdf"
    assert organisation.proof_content_type == "application/pdf"
    assert organisation.proof_document.read() == PDF_BYTES
    assert len(stored_files(settings)) == 1 + 2  # the new proof and the cast's two
    # The coordination team is told.
    to_coordinator = mails_to(cast.coordinator.email)
    assert len(to_coordinator) == 1
    assert "Lumière Solaire Kaolack" in to_coordinator[0].subject
    assert f"/organisations/{organisation.pk}/" in to_coordinator[0].body
    assert list(organisation.events.values_list("kind", flat=True)) == ["registered"]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("siren", "12345678", "A SIREN number has exactly 9 digits."),
        ("siren", "732 829 321", "This SIREN number is not valid"),
        ("siret", "7328293200007", "A SIRET number has exactly 14 digits."),
        ("siret", "73282932000075", "This SIRET number is not valid"),
        ("rna", "751234567", "An RNA number is the letter W followed by 9 digits"),
    ],
)
def test_wrong_identifier_is_shown_next_to_its_field_and_nothing_is_saved(
    cast, newcomer, settings, field, typed, message
):
    before = Organisation.objects.count()
    response = logged_in(newcomer).post(
        reverse("organisations:register"), org_data(**{field: typed, "name": "Kept Name"})
    )
    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert field_value(response, field) == typed
    assert field_value(response, "name") == "Kept Name"
    assert field_value(response, "social_mission") == "Solar dryers for women's mango cooperatives."
    assert Organisation.objects.count() == before
    assert len(stored_files(settings)) == 2  # only the cast's proofs


def test_siret_must_belong_to_the_siren(cast, newcomer):
    response = logged_in(newcomer).post(
        reverse("organisations:register"),
        org_data(siren="443061841", siret="73282932000074"),
    )
    assert "must start with 443061841" in field_errors(response, "siret")
    assert not Organisation.objects.filter(name="Lumière Solaire Kaolack").exists()


def test_missing_proof_is_required(cast, newcomer):
    response = logged_in(newcomer).post(reverse("organisations:register"), org_data(proof=""))
    assert "This field is required." in field_errors(response, "proof")
    assert not Organisation.objects.filter(name="Lumière Solaire Kaolack").exists()


def test_html_file_named_pdf_is_refused(cast, newcomer, settings):
    fake = SimpleUploadedFile(
        "statuts.pdf", b"<!doctype html><html><body>hello</body></html>", "application/pdf"
    )
    response = logged_in(newcomer).post(reverse("organisations:register"), org_data(proof=fake))
    assert response.status_code == 200
    assert "not a PDF or an image" in field_errors(response, "proof")
    assert "choose it again" in response.content.decode()
    assert not Organisation.objects.filter(name="Lumière Solaire Kaolack").exists()
    assert len(stored_files(settings)) == 2


def test_oversize_file_is_refused(cast, newcomer, settings):
    settings.SOSCIENCE_MAX_UPLOAD_BYTES = 64
    response = logged_in(newcomer).post(reverse("organisations:register"), org_data())
    assert "The file is too large" in field_errors(response, "proof")
    assert "64" in field_errors(response, "proof")
    assert not Organisation.objects.filter(name="Lumière Solaire Kaolack").exists()
    assert len(stored_files(settings)) == 2


def test_anonymous_visitor_is_sent_to_log_in(cast):
    client = Client()
    for url in [
        reverse("organisations:register"),
        reverse("organisations:detail", args=[cast.organisation.pk]),
        reverse("organisations:edit", args=[cast.organisation.pk]),
        reverse("organisations:proof", args=[cast.organisation.pk]),
        reverse("organisations:review_queue"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    response = client.post(reverse("organisations:verify", args=[cast.organisation.pk]))
    assert response.status_code == 302
    assert Organisation.objects.get(pk=cast.organisation.pk).status == Status.VERIFIED


# The organisation's page ----------------------------------------------------------------------


def test_member_sees_status_details_members_and_history(cast, pending):
    MembershipFactory(organisation=pending, is_representative=False, user__full_name="Paul Pair")
    response = cast.client("member").get(reverse("organisations:detail", args=[pending.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Awaiting verification" in page
    assert "checks that your organisation creates social benefit" in page
    assert "Mariam Membre" in page
    assert "Paul Pair" in page
    assert reverse("organisations:proof", args=[pending.pk]) in page
    assert reverse("organisations:edit", args=[pending.pk]) in page
    assert f"{reverse('needs:submit')}?organisation={pending.pk}" in page
    # Review actions and internal notes are for the team only.
    assert reverse("organisations:verify", args=[pending.pk]) not in page
    assert "Internal notes" not in page


def test_coordinator_sees_review_actions_and_internal_notes(cast, pending):
    response = cast.client("coordinator").get(reverse("organisations:detail", args=[pending.pk]))
    page = response.content.decode()
    assert reverse("organisations:verify", args=[pending.pk]) in page
    assert reverse("organisations:reject", args=[pending.pk]) in page
    assert "Internal notes" in page


@pytest.mark.parametrize("who", ["other_member", "volunteer", "supervisor", "ambassador"])
@pytest.mark.parametrize("name", ["detail", "edit", "proof"])
def test_outsiders_get_404(cast, who, name):
    response = cast.client(who).get(reverse(f"organisations:{name}", args=[cast.organisation.pk]))
    assert response.status_code == 404


def test_outsider_cannot_add_a_member(cast):
    response = cast.client("other_member").post(
        reverse("organisations:member_add", args=[cast.organisation.pk]),
        {"email": cast.other_member.email},
    )
    assert response.status_code == 404
    assert not cast.organisation.memberships.filter(user=cast.other_member).exists()


def test_unknown_organisation_is_404(cast):
    response = cast.client("coordinator").get(reverse("organisations:detail", args=[999999]))
    assert response.status_code == 404


# Review -------------------------------------------------------------------------------------


def test_coordinator_verifies_and_members_are_told(
    cast, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("coordinator").post(
            reverse("organisations:verify", args=[pending.pk]),
            {"note": "Statutes and RNA checked."},
            follow=True,
        )
    assert "is verified" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.VERIFIED
    assert pending.reviewed_by == cast.coordinator
    assert pending.reviewed_at is not None
    event = pending.events.get(kind=OrganisationEvent.Kind.VERIFIED)
    assert event.actor == cast.coordinator
    (message,) = mails_to(cast.member.email)
    assert "verified" in message.subject.lower()
    assert "Statutes and RNA checked." in message.body
    page = cast.client("member").get(reverse("organisations:detail", args=[pending.pk]))
    assert "can be published" in page.content.decode()
    assert "Statutes and RNA checked." in page.content.decode()
    assert "Claire Coordinatrice" in page.content.decode()


def test_coordinator_rejects_with_a_reason_the_members_see(
    cast, pending, django_capture_on_commit_callbacks
):
    reason = "The statutes do not mention any social purpose; send the latest version."
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("coordinator").post(
            reverse("organisations:reject", args=[pending.pk]), {"reason": reason}
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.REJECTED
    assert pending.decision_reason == reason
    assert pending.reviewed_by == cast.coordinator
    (message,) = mails_to(cast.member.email)
    assert reason in message.body
    page = cast.client("member").get(reverse("organisations:detail", args=[pending.pk]))
    html = unescape(page.content.decode())
    assert "Rejected" in html
    assert reason in html
    assert "goes back to the team for review" in html
    assert reverse("needs:submit") not in html  # a rejected organisation corrects first
    assert reason in html[html.index("History") :]  # and in the history


def test_rejection_without_reason_shows_the_error_next_to_the_field(
    cast, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("coordinator").post(
            reverse("organisations:reject", args=[pending.pk]), {"reason": "   "}
        )
    assert response.status_code == 200
    assert "Say why, so the organisation can understand." in field_errors(response, "reason")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["member", "other_member", "volunteer", "supervisor", "ambassador"])
@pytest.mark.parametrize("action", ["verify", "reject"])
def test_only_coordinators_decide(cast, pending, who, action):
    response = cast.client(who).post(
        reverse(f"organisations:{action}", args=[pending.pk]), {"reason": "no"}
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert not pending.events.filter(kind__in=["verified", "rejected"]).exists()


def test_decision_on_an_already_decided_organisation_says_why(cast):
    client = cast.client("coordinator")
    response = client.post(
        reverse("organisations:reject", args=[cast.organisation.pk]),
        {"reason": "Changed my mind"},
        follow=True,
    )
    assert "Only an organisation awaiting verification can be decided on." in unescape(
        response.content.decode()
    )
    assert Organisation.objects.get(pk=cast.organisation.pk).status == Status.VERIFIED


def test_review_actions_refuse_get(cast, pending):
    response = cast.client("coordinator").get(reverse("organisations:verify", args=[pending.pk]))
    assert response.status_code == 405
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


# Editing ------------------------------------------------------------------------------------


def _edit_data(organisation: Organisation, **overrides: object) -> dict[str, object]:
    data = {f: getattr(organisation, f) for f in ("name", "legal_form", "city", "website")}
    data.update(
        country=str(organisation.country),
        social_mission=organisation.social_mission,
        beneficiaries=organisation.beneficiaries,
        siren=organisation.siren,
        siret=organisation.siret,
        rna=organisation.rna,
    )
    data.update(overrides)
    return data


def test_rejected_organisation_edited_goes_back_to_review(cast, django_capture_on_commit_callbacks):
    organisation = cast.organisation
    Organisation.objects.filter(pk=organisation.pk).update(
        status=Status.REJECTED, decision_reason="Send the statutes, not the invoice."
    )
    client = cast.client("member")
    page = client.get(reverse("organisations:edit", args=[organisation.pk])).content.decode()
    assert "goes back to the team for review" in page
    assert "Send the statutes, not the invoice." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:edit", args=[organisation.pk]),
            _edit_data(organisation, social_mission="Clean water for rural schools in Thiès."),
            follow=True,
        )
    assert "back in the review queue" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]  # the team is told
    organisation.refresh_from_db()
    assert organisation.status == Status.PENDING
    assert organisation.social_mission == "Clean water for rural schools in Thiès."
    assert organisation.events.filter(kind=OrganisationEvent.Kind.UPDATED).exists()
    assert organisation.proof_document.read() == PDF_BYTES  # proof kept when none sent


def test_pending_organisation_edit_replaces_the_proof(cast, pending):
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    response = cast.client("member").post(
        reverse("organisations:edit", args=[pending.pk]),
        _edit_data(pending, proof=SimpleUploadedFile("récépissé.png", png, "image/png")),
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert pending.proof_name == "récépissé.png"
    assert pending.proof_content_type == "image/png"


def test_bad_edit_keeps_what_was_typed_and_changes_nothing(cast, pending):
    fake = SimpleUploadedFile("statuts.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = cast.client("member").post(
        reverse("organisations:edit", args=[pending.pk]),
        _edit_data(pending, name="New name", siren="123", proof=fake),
    )
    assert response.status_code == 200
    assert "exactly 9 digits" in field_errors(response, "siren")
    assert "not a PDF or an image" in field_errors(response, "proof")
    assert field_value(response, "name") == "New name"
    assert "Edit Eau Claire Thiès" in unescape(response.content.decode())
    pending.refresh_from_db()
    assert pending.name == "Eau Claire Thiès"
    assert pending.proof_document.read() == PDF_BYTES


def test_verified_organisation_member_cannot_edit(cast):
    client = cast.client("member")
    response = client.get(reverse("organisations:edit", args=[cast.organisation.pk]))
    assert response.status_code == 403
    response = client.post(
        reverse("organisations:edit", args=[cast.organisation.pk]),
        _edit_data(cast.organisation, name="Hijacked"),
    )
    assert response.status_code == 403
    assert Organisation.objects.get(pk=cast.organisation.pk).name == "Eau Claire Thiès"
    detail = client.get(reverse("organisations:detail", args=[cast.organisation.pk]))
    assert reverse("organisations:edit", args=[cast.organisation.pk]) not in detail.content.decode()
    assert "ask the team" in detail.content.decode()


def test_refusal_to_edit_says_why(cast):
    response = cast.client("member").get(reverse("organisations:edit", args=[cast.organisation.pk]))
    assert response.status_code == 403
    assert "details are locked" in unescape(response.content.decode())


def test_coordinator_corrects_a_verified_organisation_which_stays_verified(cast):
    response = cast.client("coordinator").post(
        reverse("organisations:edit", args=[cast.organisation.pk]),
        _edit_data(cast.organisation, city="Thiès"),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(pk=cast.organisation.pk)
    assert organisation.city == "Thiès"
    assert organisation.status == Status.VERIFIED


# Proof document -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_proof_is_downloaded_by_members_and_coordinators(cast, who):
    response = cast.client(who).get(reverse("organisations:proof", args=[cast.organisation.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statuts.pdf"'


# Members ------------------------------------------------------------------------------------


def test_member_adds_a_colleague_with_an_account(cast, django_capture_on_commit_callbacks):
    colleague = UserFactory(full_name="Cheikh Collègue")
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("member").post(
            reverse("organisations:member_add", args=[cast.organisation.pk]),
            {"email": colleague.email.upper()},
            follow=True,
        )
    assert "Cheikh Collègue is now a member" in unescape(response.content.decode())
    assert cast.organisation.memberships.filter(user=colleague, is_representative=False).exists()
    (message,) = mails_to(colleague.email)
    assert "Eau Claire Thiès" in message.subject
    assert colleague.email in unescape(response.content.decode())  # in the members list


def test_adding_someone_already_member_says_so_next_to_the_field(cast):
    response = cast.client("member").post(
        reverse("organisations:member_add", args=[cast.organisation.pk]),
        {"email": cast.member.email},
    )
    assert response.status_code == 200
    assert "already a member" in field_errors(response, "email")
    assert field_value(response, "email") == cast.member.email


def test_invalid_colleague_address_is_refused(cast):
    response = cast.client("member").post(
        reverse("organisations:member_add", args=[cast.organisation.pk]), {"email": "not-an-email"}
    )
    assert response.status_code == 200
    assert "valid email address" in field_errors(response, "email")
    assert field_value(response, "email") == "not-an-email"
    assert not MemberInvitation.objects.exists()


def test_invited_address_becomes_a_member_after_sign_up_and_confirmation(
    cast, django_capture_on_commit_callbacks
):
    address = "fatou.nouvelle@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("member").post(
            reverse("organisations:member_add", args=[cast.organisation.pk]),
            {"email": address},
            follow=True,
        )
    assert "We sent an invitation to fatou.nouvelle@example.org" in response.content.decode()
    assert MemberInvitation.objects.filter(organisation=cast.organisation, email=address).exists()
    assert "fatou.nouvelle@example.org" in response.content.decode()  # listed as invited
    (invitation_mail,) = mails_to(address)
    assert "/accounts/signup/" in invitation_mail.body

    visitor = Client()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(
            reverse("account_signup"),
            {
                "full_name": "Fatou Nouvelle",
                "email": address,
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
                "joining_as": "organisation",
            },
        )
    assert not cast.organisation.memberships.filter(user__email=address).exists()
    (confirmation,) = mails_to(address)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", confirmation.body)
    assert link, confirmation.body
    visitor.post(link.group(1))
    membership = cast.organisation.memberships.get(user__email=address)
    assert not membership.is_representative
    assert MemberInvitation.objects.get(email=address).accepted_at is not None
    page = logged_in(membership.user).get(
        reverse("organisations:detail", args=[cast.organisation.pk])
    )
    assert page.status_code == 200


# Review queue --------------------------------------------------------------------------------


def _pending_org(name: str, days_ago: int) -> Organisation:
    return OrganisationFactory(
        name=name,
        status=Status.PENDING,
        submitted_at=timezone.now() - dt.timedelta(days=days_ago),
        country="PH",
        legal_form=Organisation.LegalForm.FOREIGN_NGO,
    )


def test_review_queue_lists_pending_oldest_first(cast):
    _pending_org("Middle", days_ago=5)
    _pending_org("Oldest", days_ago=9)
    _pending_org("Newest", days_ago=1)
    response = cast.client("coordinator").get(reverse("organisations:review_queue"))
    assert response.status_code == 200
    assert [o.name for o in response.context["page"].object_list] == ["Oldest", "Middle", "Newest"]
    page = response.content.decode()
    assert page.index("Oldest") < page.index("Middle") < page.index("Newest")
    assert "NGO outside France" in page
    assert "Philippines" in page
    assert "Eau Claire Thiès" not in page  # verified: not in the queue


def test_review_queue_filters_by_status(cast):
    _pending_org("Waiting", days_ago=2)
    response = cast.client("coordinator").get(
        reverse("organisations:review_queue"), {"status": "verified"}
    )
    names = [o.name for o in response.context["page"].object_list]
    assert set(names) == {"Eau Claire Thiès", "Soleil Mangue"}
    response = cast.client("coordinator").get(
        reverse("organisations:review_queue"), {"status": "nonsense"}
    )
    assert [o.name for o in response.context["page"].object_list] == ["Waiting"]


@pytest.mark.parametrize("who", ["member", "volunteer", "supervisor", "ambassador"])
def test_review_queue_is_for_coordinators_only(cast, who):
    assert cast.client(who).get(reverse("organisations:review_queue")).status_code == 403


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_review_queue_query_count_is_pinned(cast, django_assert_max_num_queries, status):
    for index in range(30):
        OrganisationFactory(
            status=status,
            reviewed_by=cast.coordinator,
            submitted_at=timezone.now() - dt.timedelta(hours=index),
        )
    client = cast.client("coordinator")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("organisations:review_queue"), {"status": status})
    assert len(response.context["page"].object_list) == 30


def test_detail_query_count_does_not_grow_with_members_and_history(
    cast, pending, django_assert_max_num_queries
):
    for _ in range(10):
        colleague = UserFactory()
        MembershipFactory(organisation=pending, user=colleague, is_representative=False)
        OrganisationEvent.objects.create(
            organisation=pending, actor=colleague, kind="member_added", detail=colleague.email
        )
        MemberInvitation.objects.create(
            organisation=pending, email=f"x{colleague.pk}@example.org", invited_by=cast.member
        )
    client = cast.client("member")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("organisations:detail", args=[pending.pk]))
    assert response.content.decode().count("Member added") == 10
