"""Needs through HTTP: the guided form, the need's page, and the team's triage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from soscience.core.models import Domain
from soscience.needs.models import Need, NeedAttachment, NeedEvent
from soscience.needs.services import MAX_ATTACHMENTS
from soscience.organisations.models import Organisation
from tests.factories import (
    PDF_BYTES,
    MembershipFactory,
    MissionFactory,
    NeedFactory,
    OrganisationFactory,
    UserFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

SUBMIT = reverse("needs:submit")
TRIAGE = reverse("needs:triage")


@pytest.fixture(autouse=True)
def _english(cast):
    """The factory gives everyone French, and the middleware follows the account: the
    suite reads English pages (see the decline test for the member's language in mail)."""
    for person in (cast.coordinator, cast.member, cast.other_member, cast.volunteer):
        person.language = "en"
        person.save(update_fields=["language"])


def _form(**overrides: object) -> dict[str, object]:
    """What a member types in the guided form."""
    data: dict[str, object] = {
        "title": "Cloudy well water at the school",
        "problem": "After each rain the well turns brown; 300 pupils drink it.",
        "context": "Rural primary school, no mains electricity.",
        "already_tried": "Cloth filters clog within a week.",
        "desired_outcome": "A filter the teachers can build for under 200 euros.",
        "domains": [Domain.objects.get(slug="water").pk],
        "country": "SN",
        "city": "Thiès",
        "deadline": "",
    }
    data.update(overrides)
    return data


def _fake_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("report.pdf", b"<html><body>not a pdf</body></html>", "text/html")


def _files_on_disk() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "private" / "needs"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _url(name: str, need: Need) -> str:
    return reverse(f"needs:{name}", kwargs={"pk": need.pk})


# --- the start page -------------------------------------------------------------------


def test_start_page_is_public_and_leads_a_visitor_to_sign_up_as_an_organisation(cast):
    response = cast.client(None).get(reverse("needs:start"))
    assert response.status_code == 200
    assert "What makes a good need" in response.text
    assert reverse("account_signup") + "?as=organisation" in response.text


def test_start_page_leads_a_member_to_the_form(cast):
    response = cast.client("member").get(reverse("needs:start"))
    assert SUBMIT in response.text


def test_start_page_leads_someone_without_organisation_to_register_one(cast):
    response = cast.client("volunteer").get(reverse("needs:start"))
    assert reverse("organisations:register") in response.text
    assert SUBMIT not in response.text


def test_someone_without_organisation_is_sent_from_the_form_to_the_start_page(cast):
    response = cast.client("volunteer").get(SUBMIT)
    assert response.status_code == 302
    assert response["Location"] == reverse("needs:start")


def test_the_form_guides_with_examples(cast):
    response = cast.client("member").get(SUBMIT)
    assert response.status_code == 200
    assert "Example:" in response.text
    assert 'type="date"' in response.text
    assert "multiple" in response.text
    # A member of one organisation is not asked which one.
    assert 'name="organisation"' not in response.text


# --- submitting -----------------------------------------------------------------------


def test_member_submits_a_need_with_two_attachments_and_coordinators_are_told(
    cast, django_capture_on_commit_callbacks
):
    files = [pdf_upload("plan.pdf"), pdf_upload("measures.pdf")]
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("member").post(SUBMIT, _form(attachments=files))
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("detail", need)
    assert need.organisation == cast.organisation
    assert need.submitted_by == cast.member
    assert need.status == Need.Status.SUBMITTED
    assert list(need.domains.values_list("slug", flat=True)) == ["water"]
    assert sorted(a.original_name for a in need.attachments.all()) == ["measures.pdf", "plan.pdf"]
    assert len(_files_on_disk()) == 2
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert "Cloudy well water at the school" in mail.outbox[0].body
    page = cast.client("member").get(_url("detail", need))
    assert "plan.pdf" in page.text
    assert "measures.pdf" in page.text


def test_member_of_several_organisations_chooses_one(cast):
    second = OrganisationFactory(name="Deuxième Asso")
    MembershipFactory(organisation=second, user=cast.member)
    client = cast.client("member")
    form = client.get(SUBMIT).text
    assert "Deuxième Asso" in form
    assert "Soleil Mangue" not in form  # not one of theirs
    response = client.post(SUBMIT, _form(organisation=second.pk))
    assert response.status_code == 302
    assert Need.objects.get().organisation == second


def test_member_cannot_submit_for_an_organisation_they_do_not_belong_to(cast):
    second = OrganisationFactory(name="Deuxième Asso")
    MembershipFactory(organisation=second, user=cast.member)
    response = cast.client("member").post(SUBMIT, _form(organisation=cast.other_organisation.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Need.objects.exists()


def test_coordinator_submits_on_behalf_of_an_organisation(cast):
    client = cast.client("coordinator")
    form = client.get(SUBMIT, {"organisation": cast.other_organisation.pk}).text
    assert "Eau Claire Thiès" in form
    assert f'<option value="{cast.other_organisation.pk}" selected>' in form
    response = client.post(SUBMIT, _form(organisation=cast.other_organisation.pk))
    need = Need.objects.get()
    assert response["Location"] == _url("detail", need)
    assert need.organisation == cast.other_organisation
    assert need.submitted_by == cast.coordinator
    # The organisation's members see it as theirs.
    assert cast.client("other_member").get(_url("detail", need)).status_code == 200


def test_coordinator_must_choose_the_organisation(cast):
    response = cast.client("coordinator").post(SUBMIT, _form())
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Need.objects.exists()


# --- bad input: message next to the field, what was typed kept, nothing saved ---------


def _assert_error_next_to(response, field: str, message: str) -> None:
    assert response.status_code == 200
    html = response.text
    error_block = html.split(f'id="id_{field}_error"', 1)
    assert len(error_block) == 2, f"no error next to {field}"
    assert message in error_block[1].split("</div>", 1)[0]


def _assert_nothing_saved() -> None:
    assert not Need.objects.exists()
    assert not NeedAttachment.objects.exists()
    assert _files_on_disk() == []


def test_missing_title_is_shown_next_to_the_field_and_the_rest_is_kept(cast):
    response = cast.client("member").post(SUBMIT, _form(title="", attachments=[pdf_upload()]))
    _assert_error_next_to(response, "title", "This field is required.")
    assert "After each rain the well turns brown" in response.text
    assert 'value="Thiès"' in response.text
    assert "select your attachments again" in response.text
    _assert_nothing_saved()


def test_past_deadline_is_refused(cast):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = cast.client("member").post(SUBMIT, _form(deadline=yesterday))
    _assert_error_next_to(response, "deadline", "The deadline is in the past.")
    assert f'value="{yesterday}"' in response.text
    _assert_nothing_saved()


def test_future_deadline_is_accepted(cast):
    later = timezone.localdate() + dt.timedelta(days=60)
    cast.client("member").post(SUBMIT, _form(deadline=later.isoformat()))
    assert Need.objects.get().deadline == later


def test_html_file_named_pdf_is_refused_and_nothing_is_saved(cast):
    response = cast.client("member").post(
        SUBMIT, _form(attachments=[pdf_upload("good.pdf"), _fake_pdf()])
    )
    _assert_error_next_to(response, "attachments", "report.pdf: This file is not a PDF")
    assert "Cloudy well water at the school" in response.text
    _assert_nothing_saved()


def test_too_large_file_is_refused_and_nothing_is_saved(cast, settings):
    settings.SOSCIENCE_MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2000, "application/pdf")
    response = cast.client("member").post(SUBMIT, _form(attachments=[big]))
    _assert_error_next_to(response, "attachments", "big.pdf: The file is too large")
    _assert_nothing_saved()


def test_more_attachments_than_allowed_are_refused(cast):
    files = [pdf_upload(f"page{i}.pdf") for i in range(MAX_ATTACHMENTS + 1)]
    response = cast.client("member").post(SUBMIT, _form(attachments=files))
    _assert_error_next_to(response, "attachments", "at most 10 attachments")
    _assert_nothing_saved()


def test_a_rejected_organisation_cannot_submit_and_is_told_why(cast):
    cast.organisation.status = Organisation.Status.REJECTED
    cast.organisation.save()
    response = cast.client("member").post(SUBMIT, _form())
    assert response.status_code == 200
    assert "eligibility was rejected: update its details first" in response.text
    assert "Cloudy well water at the school" in response.text
    _assert_nothing_saved()


def test_a_need_without_domain_is_refused(cast):
    response = cast.client("member").post(SUBMIT, _form(domains=[]))
    _assert_error_next_to(response, "domains", "Tick at least one domain.")
    _assert_nothing_saved()


# --- editing and withdrawing ----------------------------------------------------------


def test_member_edits_the_need_until_triage_then_is_refused_with_the_reason(cast):
    need = NeedFactory(organisation=cast.organisation, title="Muddy water")
    client = cast.client("member")
    form = client.get(_url("edit", need))
    assert need.title in form.text
    response = client.post(_url("edit", need), _form(title="Clearer title"))
    assert response["Location"] == _url("detail", need)
    need.refresh_from_db()
    assert need.title == "Clearer title"
    assert need.events.filter(kind=NeedEvent.Kind.EDITED).exists()

    cast.client("coordinator").post(_url("take", need))
    detail = client.get(_url("detail", need)).text
    assert _url("edit", need) not in detail
    assert _url("withdraw", need) not in detail

    refused = client.post(_url("edit", need), _form(title="Too late"), follow=True)
    assert "already been triaged by the team (Taken into scoping)" in refused.text
    assert client.get(_url("edit", need), follow=True).redirect_chain[-1][0] == _url("detail", need)
    refused = client.post(_url("withdraw", need), follow=True)
    assert "it can no longer be changed" in refused.text
    need.refresh_from_db()
    assert need.title == "Clearer title"
    assert need.status == Need.Status.SCOPING


def test_edit_keeps_what_was_typed_on_error(cast):
    need = NeedFactory(organisation=cast.organisation)
    response = cast.client("member").post(_url("edit", need), _form(title="", city="Mbour"))
    _assert_error_next_to(response, "title", "This field is required.")
    assert 'value="Mbour"' in response.text
    need.refresh_from_db()
    assert need.city == "Thiès"


def test_an_unchanged_old_deadline_does_not_block_an_edit(cast):
    old = timezone.localdate() - dt.timedelta(days=3)
    need = NeedFactory(organisation=cast.organisation, deadline=old)
    response = cast.client("member").post(_url("edit", need), _form(deadline=old.isoformat()))
    assert response.status_code == 302


def test_edit_adds_attachments(cast):
    need = NeedFactory(organisation=cast.organisation)
    cast.client("member").post(_url("edit", need), _form(attachments=[pdf_upload("more.pdf")]))
    assert [a.original_name for a in need.attachments.all()] == ["more.pdf"]


def test_member_withdraws_a_need(cast):
    need = NeedFactory(organisation=cast.organisation)
    response = cast.client("member").post(_url("withdraw", need), follow=True)
    assert "The need was withdrawn." in response.text
    need.refresh_from_db()
    assert need.status == Need.Status.WITHDRAWN
    assert need.events.filter(kind=NeedEvent.Kind.WITHDRAWN, actor=cast.member).exists()


def test_withdraw_is_post_only(cast):
    need = NeedFactory(organisation=cast.organisation)
    assert cast.client("member").get(_url("withdraw", need)).status_code == 405
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED


# --- who may see what -------------------------------------------------------------------


@pytest.fixture
def need_with_file(cast):
    need = NeedFactory(organisation=cast.organisation, title="Eau trouble")
    cast.client("member").post(
        _url("edit", need), _form(title="Eau trouble", attachments=[pdf_upload("plan.pdf")])
    )
    return need, need.attachments.get()


def _attachment_url(need, attachment) -> str:
    return reverse("needs:attachment", kwargs={"need_pk": need.pk, "pk": attachment.pk})


@pytest.mark.parametrize("who", ["other_member", "volunteer", "supervisor", "ambassador"])
def test_others_get_404_on_someone_elses_need(cast, need_with_file, who):
    need, attachment = need_with_file
    client = cast.client(who)
    assert client.get(_url("detail", need)).status_code == 404
    assert client.get(_url("edit", need)).status_code == 404
    assert client.post(_url("edit", need), _form(title="Hijacked")).status_code == 404
    assert client.post(_url("withdraw", need)).status_code == 404
    assert client.get(_attachment_url(need, attachment)).status_code == 404
    need.refresh_from_db()
    assert need.title == "Eau trouble"
    assert need.status == Need.Status.SUBMITTED


def test_attachment_of_another_need_is_not_reachable_through_mine(cast, need_with_file):
    _need, attachment = need_with_file
    mine = NeedFactory(organisation=cast.other_organisation)
    url = reverse("needs:attachment", kwargs={"need_pk": mine.pk, "pk": attachment.pk})
    assert cast.client("other_member").get(url).status_code == 404


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_attachments_are_downloadable_by_members_and_coordinators(cast, need_with_file, who):
    need, attachment = need_with_file
    response = cast.client(who).get(_attachment_url(need, attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="plan.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_anonymous_is_sent_to_login_everywhere_but_the_start_page(cast, need_with_file):
    need, attachment = need_with_file
    client = cast.client(None)
    urls = [
        SUBMIT, TRIAGE, _url("detail", need), _url("edit", need),
        _attachment_url(need, attachment),
    ]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    for name in ("withdraw", "take", "decline", "duplicate"):
        response = client.post(_url(name, need))
        assert response["Location"].startswith(reverse("account_login")), name
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED


def test_a_member_sees_no_triage_tools(cast):
    need = NeedFactory(organisation=cast.organisation)
    page = cast.client("member").get(_url("detail", need)).text
    assert _url("take", need) not in page
    assert _url("decline", need) not in page
    assert "Internal notes" not in page
    assert _url("edit", need) in page
    assert _url("withdraw", need) in page


# --- triage -----------------------------------------------------------------------------


def _aged(days: int, **kwargs: object) -> Need:
    return NeedFactory(submitted_at=timezone.now() - dt.timedelta(days=days), **kwargs)


def test_triage_queue_lists_waiting_needs_oldest_first(cast):
    recent = _aged(1, organisation=cast.organisation, title="Recent need")
    oldest = _aged(40, organisation=cast.other_organisation, title="Oldest need")
    middle = _aged(10, organisation=cast.organisation, title="Middle need")
    _aged(50, organisation=cast.organisation, title="Already scoped", status=Need.Status.SCOPING)
    response = cast.client("coordinator").get(TRIAGE)
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"].object_list] == [oldest.pk, middle.pk, recent.pk]
    assert "Already scoped" not in response.text
    assert "Soleil Mangue" in response.text
    assert '<td class="number">40</td>' in response.text


def test_triage_filters(cast):
    energy = Domain.objects.get(slug="energy")
    water_sn = _aged(5, organisation=cast.organisation, title="Water in Senegal")
    energy_ph = _aged(
        4, organisation=cast.other_organisation, title="Energy in the Philippines",
        country="PH", domains=[energy],
    )  # fmt: skip
    scoped = _aged(3, organisation=cast.organisation, title="Scoped", status=Need.Status.SCOPING)
    client = cast.client("coordinator")

    def listed(**query: str) -> list[int]:
        return [n.pk for n in client.get(TRIAGE, query).context["page"].object_list]

    assert listed(domain="energy") == [energy_ph.pk]
    assert listed(country="SN") == [water_sn.pk]
    assert listed(q="soleil") == [energy_ph.pk]
    assert listed(status="scoping") == [scoped.pk]
    assert listed(status="all") == [water_sn.pk, energy_ph.pk, scoped.pk]
    assert listed(status="nonsense") == [water_sn.pk, energy_ph.pk]
    assert listed(country="ZZ", domain="energy") == [energy_ph.pk]  # the bad one is left out
    countries = client.get(TRIAGE).context["filters"].fields["country"].choices
    assert [code for code, _name in countries] == ["", "PH", "SN"]  # only where needs are


def test_triage_offers_the_countries_of_the_listed_needs_and_keeps_the_chosen_one(cast):
    _aged(5, organisation=cast.organisation, title="Water in Senegal", country="SN")
    _aged(3, organisation=cast.organisation, title="Scoped", status=Need.Status.SCOPING,
          country="PH")  # fmt: skip
    client = cast.client("coordinator")

    def offered(**query: str) -> list[str]:
        form = client.get(TRIAGE, query).context["filters"]
        return [code for code, _name in form.fields["country"].choices if code]

    assert offered() == ["SN"]  # waiting needs only (the default status)
    assert offered(status="scoping") == ["PH"]
    assert offered(status="all") == ["PH", "SN"]
    # Chosen while looking at waiting needs, still offered (not refused) on another status.
    assert "SN" in offered(status="scoping", country="SN")


def test_triage_queue_is_paginated_with_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    for days in range(30):
        _aged(days + 1, organisation=cast.organisation)
    client = cast.client("coordinator")
    client.get(TRIAGE)  # warm the session and the content types
    with django_assert_max_num_queries(11):
        response = client.get(TRIAGE)
    assert len(response.context["page"].object_list) == 25
    assert "Page 1 of 2" in response.text
    second = client.get(TRIAGE, {"page": 2})
    assert len(second.context["page"].object_list) == 5


@pytest.mark.parametrize("who", ["member", "other_member", "volunteer", "supervisor"])
def test_triage_is_for_coordinators_only(cast, who):
    need = NeedFactory(organisation=cast.organisation)
    client = cast.client(who)
    assert client.get(TRIAGE).status_code == 403
    assert client.post(_url("take", need)).status_code == 403
    assert client.post(_url("decline", need), {"reason": "other", "detail": "x"}).status_code == 403
    other = NeedFactory(organisation=cast.organisation)
    assert client.post(_url("duplicate", need), {"original": other.pk}).status_code == 403
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED


def test_take_into_scoping_records_and_tells_the_organisation(
    cast, django_capture_on_commit_callbacks
):
    need = NeedFactory(organisation=cast.organisation, title="Filtre à sable")
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("coordinator").post(_url("take", need), follow=True)
    assert "The need was taken into scoping." in response.text
    need.refresh_from_db()
    assert need.status == Need.Status.SCOPING
    assert need.triaged_by == cast.coordinator
    assert need.events.filter(kind=NeedEvent.Kind.SCOPING, actor=cast.coordinator).exists()
    assert [m.to for m in mail.outbox] == [[cast.member.email]]
    assert "Filtre à sable" in mail.outbox[0].subject
    # The history tells the member what happened.
    page = cast.client("member").get(_url("detail", need)).text
    assert "Taken into scoping" in page


def test_taking_twice_is_refused_with_the_reason(cast):
    need = NeedFactory(organisation=cast.organisation, status=Need.Status.DECLINED,
                       decline_reason="other", decline_detail="No.")  # fmt: skip
    response = cast.client("coordinator").post(_url("take", need), follow=True)
    assert "This need is “Declined”: that is not possible now." in response.text
    need.refresh_from_db()
    assert need.status == Need.Status.DECLINED


def test_a_need_in_scoping_offers_the_mission_order_and_lists_missions(cast):
    need = NeedFactory(organisation=cast.organisation, status=Need.Status.SCOPING)
    MissionFactory(organisation=cast.organisation, need=need, title="Sand filter order")
    page = cast.client("coordinator").get(_url("detail", need)).text
    assert "Sand filter order" in page
    assert "Internal notes" in page
    assert _url("take", need) not in page  # only decline is still possible
    assert _url("decline", need) in page


def test_decline_with_reason_mails_the_member_in_their_language(
    cast, django_capture_on_commit_callbacks
):
    # The member reads French. The French catalogue is filled at the end of the issue, so
    # this asserts on what does not depend on it: the coordinator's words and the title.
    cast.member.language = "fr"
    cast.member.save()
    english = UserFactory(language="en")
    MembershipFactory(organisation=cast.organisation, user=english)
    need = NeedFactory(organisation=cast.organisation, title="Séchoir solaire")
    detail = "Un séchoir existe déjà : voyez la coopérative de Bobo-Dioulasso."
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("coordinator").post(
            _url("decline", need), {"reason": "out_of_reach", "detail": detail}, follow=True
        )
    assert "The need was declined." in response.text
    need.refresh_from_db()
    assert need.status == Need.Status.DECLINED
    assert need.decline_reason == Need.DeclineReason.OUT_OF_REACH
    assert need.events.filter(kind=NeedEvent.Kind.DECLINED, detail=detail).exists()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {cast.member.email, english.email}
    assert detail in by_address[cast.member.email].body
    assert "Séchoir solaire" in by_address[cast.member.email].subject
    assert "Reason: Out of reach for a short volunteer mission" in by_address[english.email].body
    # The member sees the reason on the need's page (read in English here).
    cast.member.language = "en"
    cast.member.save()
    page = cast.client("member").get(_url("detail", need)).text
    assert "Why the team declined it" in page
    assert "Bobo-Dioulasso" in page


def test_decline_without_explanation_shows_the_error_next_to_the_field(cast):
    need = NeedFactory(organisation=cast.organisation)
    response = cast.client("coordinator").post(_url("decline", need), {"reason": "not_social"})
    _assert_error_next_to(response, "detail", "Explain the decision to the organisation.")
    assert 'value="not_social" required id="id_reason_1" checked' in response.text
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED
    assert not mail.outbox


def test_decline_without_reason_is_refused(cast):
    need = NeedFactory(organisation=cast.organisation)
    response = cast.client("coordinator").post(_url("decline", need), {"detail": "Because."})
    _assert_error_next_to(response, "reason", "Choose a reason.")
    assert "Because." in response.text
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED


def test_decline_is_refused_while_a_mission_order_exists(cast):
    need = NeedFactory(organisation=cast.organisation, status=Need.Status.SCOPING)
    MissionFactory(organisation=cast.organisation, need=need)
    response = cast.client("coordinator").post(
        _url("decline", need), {"reason": "other", "detail": "Changed our minds."}
    )
    assert response.status_code == 200
    assert "A mission order exists for this need: cancel it first." in response.text
    need.refresh_from_db()
    assert need.status == Need.Status.SCOPING


def test_mark_duplicate_links_to_the_original(cast):
    original = _aged(10, organisation=cast.organisation, title="First request")
    copy = _aged(1, organisation=cast.organisation, title="Same request again")
    client = cast.client("coordinator")
    assert (
        f'<option value="{original.pk}">#{original.pk} · First request'
        in client.get(_url("detail", copy)).text
    )
    response = client.post(_url("duplicate", copy), {"original": original.pk}, follow=True)
    assert "The need was marked as a duplicate." in response.text
    copy.refresh_from_db()
    assert copy.status == Need.Status.DUPLICATE
    assert copy.duplicate_of == original
    assert copy.events.filter(kind=NeedEvent.Kind.DUPLICATE).exists()
    page = cast.client("member").get(_url("detail", copy)).text
    assert f'href="{_url("detail", original)}"' in page


def test_marking_a_duplicate_tells_the_organisation(cast, django_capture_on_commit_callbacks):
    original = _aged(10, organisation=cast.organisation, title="First request")
    copy = _aged(1, organisation=cast.organisation, title="Same request again")
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("coordinator").post(_url("duplicate", copy), {"original": original.pk})
    assert [m.to for m in mail.outbox] == [[cast.member.email]]
    assert "First request" in mail.outbox[0].body
    assert _url("detail", original) in mail.outbox[0].body


def test_a_need_cannot_be_a_duplicate_of_itself(cast):
    need = NeedFactory(organisation=cast.organisation)
    NeedFactory(organisation=cast.organisation)
    response = cast.client("coordinator").post(_url("duplicate", need), {"original": need.pk})
    _assert_error_next_to(response, "original", "Choose another need of the same organisation.")
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED


def test_a_need_of_another_organisation_cannot_be_the_original(cast):
    need = NeedFactory(organisation=cast.organisation)
    theirs = NeedFactory(organisation=cast.other_organisation)
    response = cast.client("coordinator").post(_url("duplicate", need), {"original": theirs.pk})
    _assert_error_next_to(response, "original", "Choose another need of the same organisation.")
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED
