"""Certificates of volunteering: issued by a coordinator for a closed mission's team, with
validated hours only; a PDF (read back with pdftotext) in the volunteer's language; a public
verification page for valid, unknown, revoked and replaced codes; revoke and reissue."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from soscience.applications.models import Application, TeamMember
from soscience.certificates.models import Certificate
from soscience.certificates.pdf import certificate_html
from soscience.closing.models import VolunteerSurvey
from soscience.execution.models import HoursEntry
from soscience.missions.models import Mission
from soscience.volunteers.models import Skill
from tests.factories import MissionFactory, forget_sent_mail

CODE = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The limit on unknown codes lives in the cache, shared by the whole test process.
    cache.clear()
    yield
    cache.clear()


def _join(mission: Mission, user, seat: int) -> TeamMember:
    application = Application.objects.create(
        mission=mission, volunteer=user, status=Application.Status.SELECTED,
        applied_at=timezone.now(),
    )  # fmt: skip
    return TeamMember.objects.create(
        mission=mission, application=application, volunteer=user, seat=seat,
        capacity=mission.team_size,
    )  # fmt: skip


def _hours(mission, user, hours: str, *, validated: bool, by=None, day: int = 20) -> None:
    HoursEntry.objects.create(
        mission=mission, volunteer=user, worked_on=dt.date(2026, 1, day), hours=Decimal(hours),
        description="Filter drawings", validated_by=by if validated else None,
        validated_at=timezone.now() if validated else None,
    )  # fmt: skip


@pytest.fixture
def mission(cast) -> Mission:
    """A closed, discreet mission: cast.volunteer logged 5.5 validated and 2 pending hours;
    cast.other_volunteer is on the team with only pending hours."""
    mission = MissionFactory(
        organisation=cast.organisation, supervisor=cast.supervisor,
        created_by=cast.coordinator, title="Slow sand filter for Thiès",
        start_date=dt.date(2026, 1, 5), end_date=dt.date(2026, 3, 2),
        kicked_off_on=dt.date(2026, 1, 12), status=Mission.Status.CLOSED,
        closed_at=timezone.now(), confidentiality=Mission.Confidentiality.DISCREET,
    )  # fmt: skip
    _join(mission, cast.volunteer, 1)
    _join(mission, cast.other_volunteer, 2)
    _hours(mission, cast.volunteer, "3.5", validated=True, by=cast.supervisor)
    _hours(mission, cast.volunteer, "2", validated=True, by=cast.supervisor, day=21)
    _hours(mission, cast.volunteer, "2", validated=False, day=22)
    _hours(mission, cast.other_volunteer, "3.5", validated=False)
    return mission


def _issue(cast, mission, capture):
    with capture(execute=True):
        return cast.client("coordinator").post(
            reverse("certificates:issue", args=[mission.pk]), follow=True
        )


def _issued(cast, mission, capture) -> Certificate:
    _issue(cast, mission, capture)
    return Certificate.objects.get(mission=mission, volunteer=cast.volunteer)


def _pdf_text(response) -> str:
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    done = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


# Issuing


def test_issue_refused_while_the_mission_is_not_closed(
    cast, mission, django_capture_on_commit_callbacks
):
    Mission.objects.filter(pk=mission.pk).update(status=Mission.Status.ACCEPTED)
    page = cast.client("coordinator").get(reverse("certificates:mission", args=[mission.pk]))
    assert "once the mission is closed" in page.content.decode()
    assert "Issue the certificates" not in page.content.decode()

    response = _issue(cast, mission, django_capture_on_commit_callbacks)
    assert "Certificates are issued once the mission is closed; it is “Accepted by the" in (
        response.content.decode()
    )
    assert not Certificate.objects.exists()
    assert mail.outbox == []


def test_issue_refused_without_validated_hours_says_how_many_wait(
    cast, mission, django_capture_on_commit_callbacks
):
    HoursEntry.objects.filter(volunteer=cast.volunteer).delete()
    page = cast.client("coordinator").get(reverse("certificates:mission", args=[mission.pk]))
    text = page.content.decode()
    assert "Vera Volontaire has no validated hours on this mission: 3.50 h await" in text
    assert "Valentin Volontaire has no validated hours on this mission." in text
    assert "Issue the certificates" not in text  # nobody is ready

    response = _issue(cast, mission, django_capture_on_commit_callbacks)
    assert "No certificate: Vera Volontaire has no validated hours" in response.content.decode()
    assert not Certificate.objects.exists()
    assert mail.outbox == []


def test_issue_copies_what_it_certifies_and_tells_the_volunteer(
    cast, mission, django_capture_on_commit_callbacks
):
    survey = VolunteerSurvey.objects.create(
        mission=mission, volunteer=cast.volunteer, confidence_before=2, confidence_after=4
    )
    survey.skills_used.set([Skill.objects.get(slug="python"), Skill.objects.get(slug="cad")])
    page = cast.client("coordinator").get(reverse("certificates:mission", args=[mission.pk]))
    assert "Ready to be issued" in page.content.decode()

    response = _issue(cast, mission, django_capture_on_commit_callbacks)
    text = response.content.decode()
    assert "1 certificate was issued" in text
    # Only validated hours count: the teammate with pending ones is left out, with why.
    assert "No certificate: Vera Volontaire has no validated hours" in text

    certificate = Certificate.objects.get()
    assert CODE.match(certificate.code)
    assert certificate.volunteer == cast.volunteer
    assert certificate.volunteer_name == "Valentin Volontaire"
    assert certificate.mission_title == "Slow sand filter for Thiès"
    # A discreet mission: the volunteer's own certificate still names the organisation.
    assert certificate.organisation_name == "Eau Claire Thiès"
    assert certificate.supervisor_name == "Samuel Superviseur"
    assert (certificate.start_date, certificate.end_date) == (
        dt.date(2026, 1, 12),
        dt.date(2026, 3, 2),
    )
    assert certificate.hours == Decimal("5.50")
    assert sorted(certificate.skills) == sorted(
        [Skill.objects.get(slug="python").name_en, Skill.objects.get(slug="cad").name_en]
    )
    assert certificate.language == "en"
    assert certificate.issued_by == cast.coordinator
    assert [m.to for m in mail.outbox] == [[cast.volunteer.email]]
    assert certificate.code in mail.outbox[0].body
    assert "Slow sand filter for Thiès" in mail.outbox[0].subject

    # Issuing again adds nobody: the ready volunteer has theirs.
    forget_sent_mail()
    again = _issue(cast, mission, django_capture_on_commit_callbacks)
    assert Certificate.objects.count() == 1
    assert "No certificate: Vera Volontaire" in again.content.decode()
    assert mail.outbox == []


def test_without_a_closing_survey_the_mission_skills_are_used_in_the_volunteers_language(
    cast, mission, django_capture_on_commit_callbacks
):
    cast.volunteer.language = "fr"
    cast.volunteer.save(update_fields=["language"])
    certificate = _issued(cast, mission, django_capture_on_commit_callbacks)
    assert certificate.language == "fr"
    assert certificate.skills == [Skill.objects.get(slug="water-treatment").name_fr]


# The PDF


def test_the_volunteer_downloads_an_english_pdf_with_name_mission_hours_and_code(
    cast, mission, django_capture_on_commit_callbacks
):
    certificate = _issued(cast, mission, django_capture_on_commit_callbacks)
    response = cast.client("volunteer").get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="certificate-{certificate.code}.pdf"' in response["Content-Disposition"]
    text = _pdf_text(response)
    assert "Certificate of volunteering" in text
    assert "Valentin Volontaire" in text
    assert "Slow sand filter for Thiès" in text
    assert "Eau Claire Thiès" in text
    assert "Samuel Superviseur" in text
    assert "5.50 h" in text
    assert "Jan. 12, 2026" in text
    assert certificate.code in text
    url = f"http://testserver/certificates/verify/{certificate.code}/"
    assert url.replace("http://testserver", "") in text.replace("\n", "")


def test_a_french_certificate_prints_in_french_whoever_downloads_it(
    cast, mission, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://soscience.example.org"
    cast.volunteer.language = "fr"
    cast.volunteer.save(update_fields=["language"])
    certificate = _issued(cast, mission, django_capture_on_commit_callbacks)
    # An English-speaking coordinator downloads it: still French.
    response = cast.client("coordinator").get(reverse("certificates:pdf", args=[certificate.pk]))
    text = _pdf_text(response)
    assert "Valentin Volontaire" in text
    assert "Slow sand filter for Thiès" in text
    assert "5,50" in text  # French decimal comma
    assert "12 janvier 2026" in text
    assert certificate.code in text


def test_the_qr_code_and_the_printed_address_lead_to_the_verification_page(
    cast, mission, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://soscience.example.org"
    certificate = _issued(cast, mission, django_capture_on_commit_callbacks)
    html = certificate_html(certificate)
    url = f"https://soscience.example.org/certificates/verify/{certificate.code}/"
    assert url in html
    assert "<svg" in html  # the QR code, inline: the PDF loads nothing from outside


def test_only_the_volunteer_and_coordinators_download_the_pdf(
    cast, mission, django_capture_on_commit_callbacks
):
    certificate = _issued(cast, mission, django_capture_on_commit_callbacks)
    url = reverse("certificates:pdf", args=[certificate.pk])
    for who in ("other_volunteer", "supervisor", "member", "other_member", "ambassador"):
        assert cast.client(who).get(url).status_code == 404, who
    assert cast.client(None).get(url).status_code == 302
    assert cast.client("volunteer").get(url).status_code == 200
    assert cast.client("coordinator").get(url).status_code == 200
    assert cast.client("volunteer").get(reverse("certificates:pdf", args=[9999])).status_code == 404


def test_the_volunteer_finds_their_certificates_on_their_profile_and_their_list(
    cast, mission, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    certificate = _issued(cast, mission, django_capture_on_commit_callbacks)
    client = cast.client("volunteer")
    profile = client.get(reverse("volunteers:profile")).content.decode()
    assert f'href="{reverse("certificates:mine")}"' in profile
    assert "My certificates of volunteering" in profile

    with django_assert_max_num_queries(12):
        page = client.get(reverse("certificates:mine")).content.decode()
    assert certificate.code in page
    assert reverse("certificates:pdf", args=[certificate.pk]) in page
    # Someone else's list does not show it.
    other = cast.client("other_volunteer").get(reverse("certificates:mine")).content.decode()
    assert certificate.code not in other
    assert "No certificate yet" in other


def test_the_coordinators_mission_page_has_constant_queries(
    cast, mission, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    _issued(cast, mission, django_capture_on_commit_callbacks)
    client = cast.client("coordinator")
    url = reverse("certificates:mission", args=[mission.pk])
    with django_assert_max_num_queries(14):
        client.get(url)
    from tests.factories import UserFactory

    for seat in range(3, 6):
        Mission.objects.filter(pk=mission.pk).update(team_size=6)
        mission.refresh_from_db()
        newcomer = UserFactory()
        _join(mission, newcomer, seat)
        _hours(mission, newcomer, "1", validated=True, by=cast.supervisor)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


# Verification


def test_anyone_verifies_a_valid_code_and_sees_only_the_certificate(
    cast, mission, django_capture_on_commit_callbacks
):
    certificate = _issued(cast, mission, django_capture_on_commit_callbacks)
    response = cast.client(None).get(reverse("certificates:verify", args=[certificate.code]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "This certificate is valid" in text
    for shown in ("Valentin Volontaire", "Slow sand filter for Thiès", "Eau Claire Thiès",
                  "5.50 h", "Samuel Superviseur", certificate.code):  # fmt: skip
        assert shown in text
    assert cast.volunteer.email not in text
    assert 'name="robots" content="noindex"' in text


def test_the_form_takes_a_code_in_any_case_with_or_without_dashes(
    cast, mission, django_capture_on_commit_callbacks
):
    certificate = _issued(cast, mission, django_capture_on_commit_callbacks)
    typed = certificate.code.replace("-", " ").lower()
    client = cast.client(None)
    response = client.get(reverse("certificates:verify_form"), {"code": typed}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("certificates:verify", args=[certificate.code])
    assert "This certificate is valid" in response.content.decode()
    # Typed straight into the address, without dashes: the canonical page.
    loose = client.get(reverse("certificates:verify", args=[certificate.code.replace("-", "")]))
    assert loose.status_code == 302
    assert loose["Location"] == reverse("certificates:verify", args=[certificate.code])


def test_a_code_that_cannot_exist_is_refused_next_to_the_field_and_kept(cast):
    response = cast.client(None).get(reverse("certificates:verify_form"), {"code": "ABC-0001"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="id_code_error"' in text
    assert "This is not a certificate code" in text
    assert 'value="ABC-0001"' in text


def test_an_unknown_code_says_so_clearly_with_a_404(cast):
    response = cast.client(None).get(reverse("certificates:verify", args=["ABCD-EFGH-JK23"]))
    assert response.status_code == 404
    text = response.content.decode()
    assert "Unknown certificate code" in text
    assert "No SoScience certificate has the code “ABCD-EFGH-JK23”" in text


def test_too_many_unknown_codes_are_held_back_for_a_while(cast):
    client = cast.client(None)
    for n in range(20):
        code = f"ABCD-EFGH-{n:02d}".replace("0", "A").replace("1", "B")
        assert client.get(reverse("certificates:verify", args=[code])).status_code == 404
    held = client.get(reverse("certificates:verify", args=["ABCD-EFGH-JK23"]))
    assert held.status_code == 429
    assert "Too many unknown codes" in held.content.decode()
    assert client.get(reverse("certificates:verify_form"), {"code": "x"}).status_code == 429


def test_a_revoked_certificate_says_so_and_the_volunteer_is_told(
    cast, mission, django_capture_on_commit_callbacks
):
    certificate = _issued(cast, mission, django_capture_on_commit_callbacks)
    forget_sent_mail()
    client = cast.client("coordinator")
    url = reverse("certificates:revoke", args=[certificate.pk])

    # No reason: refused next to the field, nothing changes.
    empty = client.post(url, {"revoke-reason": "  "})
    assert empty.status_code == 200
    assert 'id="id_revoke-reason_error"' in empty.content.decode()
    assert "Say why the certificate is revoked." in empty.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"revoke-reason": "Hours entered twice."}, follow=True)
    assert "The certificate was revoked" in done.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_by == cast.coordinator
    assert certificate.revoke_reason == "Hours entered twice."
    assert [m.to for m in mail.outbox] == [[cast.volunteer.email]]
    assert "Hours entered twice." in mail.outbox[0].body

    page = cast.client(None).get(reverse("certificates:verify", args=[certificate.code]))
    assert page.status_code == 410
    text = page.content.decode()
    assert "This certificate was revoked" in text
    assert timezone.localdate().strftime("%Y") in text
    assert "Valentin Volontaire" not in text  # it no longer certifies anything
    assert "A newer certificate replaces it" not in text
    # The volunteer can no longer hand it out; coordinators keep it for the record.
    pdf = reverse("certificates:pdf", args=[certificate.pk])
    assert cast.client("volunteer").get(pdf).status_code == 403
    assert client.get(pdf).status_code == 200
    # Revoking twice: the form says it already was.
    again = client.post(url, {"revoke-reason": "Again."}, follow=True)
    assert "already revoked" in again.content.decode()


def test_reissue_gives_a_new_code_that_replaces_the_old_one(
    cast, mission, django_capture_on_commit_callbacks
):
    old = _issued(cast, mission, django_capture_on_commit_callbacks)
    # A missing entry is validated after the first certificate: the new one counts it.
    HoursEntry.objects.filter(volunteer=cast.volunteer, validated_at=None).update(
        validated_at=timezone.now(), validated_by=cast.supervisor
    )
    forget_sent_mail()
    client = cast.client("coordinator")
    url = reverse("certificates:reissue", args=[old.pk])

    empty = client.post(url, {"reissue-reason": ""})
    assert "Say why the certificate is revoked." in empty.content.decode()
    assert Certificate.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"reissue-reason": "Two hours validated late."}, follow=True)
    new = Certificate.objects.get(revoked_at=None)
    assert done.redirect_chain[-1][0] == reverse("certificates:detail", args=[new.pk])
    assert new.code != old.code
    assert new.replaces == old
    assert new.hours == Decimal("7.50")
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert old.revoke_reason == "Two hours validated late."
    assert [m.to for m in mail.outbox] == [[cast.volunteer.email]]
    assert new.code in mail.outbox[0].body

    visitor = cast.client(None)
    old_page = visitor.get(reverse("certificates:verify", args=[old.code]))
    assert old_page.status_code == 410
    assert "A newer certificate replaces it" in old_page.content.decode()
    assert new.code not in old_page.content.decode()  # an old code leads to no current data
    new_page = visitor.get(reverse("certificates:verify", args=[new.code]))
    assert new_page.status_code == 200
    assert "7.50 h" in new_page.content.decode()

    # A replaced certificate is not reissued twice.
    twice = client.post(url, {"reissue-reason": "Again"}, follow=True)
    assert "already replaced" in twice.content.decode()
    assert Certificate.objects.count() == 2


def test_only_coordinators_issue_revoke_and_reissue(
    cast, mission, django_capture_on_commit_callbacks
):
    certificate = _issued(cast, mission, django_capture_on_commit_callbacks)
    for who in ("supervisor", "volunteer", "member"):
        client = cast.client(who)
        assert client.post(reverse("certificates:issue", args=[mission.pk])).status_code == 403
        revoke = reverse("certificates:revoke", args=[certificate.pk])
        assert client.post(revoke, {"revoke-reason": "x"}).status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    coordinator = cast.client("coordinator")
    assert coordinator.get(reverse("certificates:mission", args=[9999])).status_code == 404
    assert coordinator.get(reverse("certificates:detail", args=[9999])).status_code == 404
