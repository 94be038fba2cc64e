"""The solutions library: cases from closed missions with the organisation's consent, the
public library and its files, similar past work on a need's page, and a new order started
from a past mission."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soscience.cases.models import Case
from soscience.cases.similar import MAX_TEXT, SHOWN
from soscience.closing.models import OrganisationSurvey
from soscience.core.models import Domain
from soscience.execution.models import Deliverable, ProgressUpdate
from soscience.missions.models import Mission, MissionEvent
from soscience.needs.models import Need
from tests.factories import PDF_BYTES, MissionFactory, NeedFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as a reader sees its words (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def closed_mission(cast, *, consent: bool | None = True, **fields) -> Mission:
    """A closed mission of cast.organisation; its closing survey gives ``consent`` to a public
    case (None: the organisation has not answered the survey)."""
    fields.setdefault("organisation", cast.organisation)
    mission = MissionFactory(
        status=Mission.Status.CLOSED, closed_at=timezone.now(), supervisor=cast.supervisor,
        created_by=cast.coordinator, **fields,
    )  # fmt: skip
    if consent is not None:
        OrganisationSurvey.objects.create(
            mission=mission, worked=4, applied=OrganisationSurvey.Applied.YES,
            local_impact="The pupils drink clear water all year.", beneficiaries=300,
            recommend=9, case_consent=consent, answered_by=cast.member,
        )  # fmt: skip
    return mission


def deliverable(mission: Mission, title: str = "Build guide", name: str = "guide.pdf"):
    return Deliverable.objects.create(
        mission=mission, title=title, original_name=name, content_type="application/pdf",
        size=len(PDF_BYTES), file=ContentFile(PDF_BYTES, name=name),
        uploaded_by=mission.supervisor,
    )  # fmt: skip


def published_case(cast, *, files=(), **mission_fields) -> Case:
    mission = closed_mission(cast, **mission_fields)
    case = Case.objects.create(
        mission=mission, slug=f"case-{mission.pk}", title=mission.title,
        problem=mission.problem, solution="A slow sand filter.", results="Clear water.",
        created_by=cast.coordinator, status=Case.Status.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip
    case.files.set(files)
    return case


def edit_data(case: Case, **changes) -> dict:
    data = {
        "title": case.title, "problem": case.problem, "solution": case.solution,
        "results": case.results, "files": [f.pk for f in case.files.all()],
    }  # fmt: skip
    data.update(changes)
    return data


# Making a case: closed missions whose organisation consented.


def test_coordinator_makes_a_draft_case_prefilled_from_the_mission(cast):
    mission = closed_mission(cast, problem="The well water is cloudy after the rains.")
    ProgressUpdate.objects.create(mission=mission, author=cast.supervisor,
                                  body="The filter is built and the water is clear.")  # fmt: skip
    ProgressUpdate.objects.create(
        mission=mission, author=cast.supervisor, body="Internal: the budget overran.",
        visibility=ProgressUpdate.Visibility.INTERNAL,
    )  # fmt: skip
    client = cast.client("coordinator")

    response = client.post(reverse("cases:create", args=[mission.pk]))

    case = Case.objects.get(mission=mission)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:edit", args=[case.pk])
    assert case.status == Case.Status.DRAFT
    assert case.problem == "The well water is cloudy after the rains."
    assert "Design a slow sand filter." in case.solution  # the order's objectives
    assert "The filter is built and the water is clear." in case.solution
    assert "budget overran" not in case.solution  # internal news never leaves the team
    assert "The pupils drink clear water all year." in case.results
    assert "300" in case.results
    # Nothing is public until it is published.
    assert cast.client(None).get(reverse("cases:detail", args=[case.slug])).status_code == 404


@pytest.mark.parametrize(
    ("consent", "reason"),
    [
        (False, "did not agree, in its closing survey"),
        (None, "has not answered its closing survey yet"),
    ],
)
def test_no_case_without_the_organisations_consent(cast, consent, reason):
    mission = closed_mission(cast, consent=consent)
    response = cast.client("coordinator").post(
        reverse("cases:create", args=[mission.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("missions:manage", args=[mission.pk])
    assert reason in text(response)
    assert not Case.objects.exists()


def test_no_case_from_a_mission_that_is_not_closed(cast):
    mission = MissionFactory(organisation=cast.organisation, status=Mission.Status.ACCEPTED)
    OrganisationSurvey.objects.create(
        mission=mission, worked=4, applied="yes", local_impact="Clear.", beneficiaries=3,
        recommend=9, case_consent=True, answered_by=cast.member,
    )  # fmt: skip
    response = cast.client("coordinator").post(
        reverse("cases:create", args=[mission.pk]), follow=True
    )
    assert "Only a closed mission can become a case." in text(response)
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["member", "supervisor", "volunteer"])
def test_only_coordinators_make_cases(cast, who):
    mission = closed_mission(cast)
    assert cast.client(who).post(reverse("cases:create", args=[mission.pk])).status_code == 403
    assert not Case.objects.exists()


def test_a_mission_gets_one_case_and_slugs_stay_unique(cast):
    first = closed_mission(cast, title="Manage")
    second = closed_mission(cast, title="Manage")
    client = cast.client("coordinator")
    client.post(reverse("cases:create", args=[first.pk]))
    client.post(reverse("cases:create", args=[second.pk]))
    response = client.post(reverse("cases:create", args=[first.pk]), follow=True)
    assert "This mission already has a case." in text(response)
    # "manage" is a page of the library: no case may take it as its address.
    assert sorted(Case.objects.values_list("slug", flat=True)) == ["manage-case", "manage-case-2"]


# Editing, choosing files, publishing and withdrawing.


def test_edit_the_texts_and_choose_the_files(cast):
    mission = closed_mission(cast)
    guide, data = deliverable(mission), deliverable(mission, "Measurements", "data.pdf")
    client = cast.client("coordinator")
    client.post(reverse("cases:create", args=[mission.pk]))
    case = Case.objects.get(mission=mission)

    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        edit_data(case, title="A sand filter for a school", files=[guide.pk]),
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "A sand filter for a school"
    assert list(case.files.all()) == [guide]
    assert data not in case.files.all()


def test_edit_refuses_an_empty_text_and_keeps_what_was_typed(cast):
    mission = closed_mission(cast)
    client = cast.client("coordinator")
    client.post(reverse("cases:create", args=[mission.pk]))
    case = Case.objects.get(mission=mission)

    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        edit_data(case, title="", solution="My new solution text"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert 'id="id_title_error"' in response.content.decode()
    assert "My new solution text" in text(response)
    case.refresh_from_db()
    assert case.title == mission.title
    assert "My new solution text" not in case.solution


def test_edit_refuses_another_missions_file(cast):
    mission = closed_mission(cast)
    other = deliverable(closed_mission(cast), "Someone else's report", "other.pdf")
    client = cast.client("coordinator")
    client.post(reverse("cases:create", args=[mission.pk]))
    case = Case.objects.get(mission=mission)

    response = client.post(reverse("cases:edit", args=[case.pk]), edit_data(case, files=[other.pk]))

    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert not case.files.exists()


def test_a_licence_that_leaves_the_results_to_the_organisation_offers_no_file(cast):
    mission = closed_mission(cast, results_licence=Mission.ResultsLicence.ORGANISATION)
    guide = deliverable(mission)
    client = cast.client("coordinator")
    client.post(reverse("cases:create", args=[mission.pk]))
    case = Case.objects.get(mission=mission)

    response = client.post(reverse("cases:edit", args=[case.pk]), edit_data(case, files=[guide.pk]))

    assert response.status_code == 200
    assert "SoScience may describe them but not hand out its files" in text(response)
    assert 'id="id_files_error"' in response.content.decode()
    assert not case.files.exists()


def test_publish_then_withdraw(cast):
    mission = closed_mission(cast)
    coordinator, visitor = cast.client("coordinator"), cast.client(None)
    coordinator.post(reverse("cases:create", args=[mission.pk]))
    case = Case.objects.get(mission=mission)
    page = reverse("cases:detail", args=[case.slug])

    response = coordinator.post(reverse("cases:publish", args=[case.pk]), follow=True)
    assert "The case is published in the library." in text(response)
    assert visitor.get(page).status_code == 200
    assert case.title in text(visitor.get(reverse("cases:list")))

    response = coordinator.post(reverse("cases:publish", args=[case.pk]), follow=True)
    assert "This case is already published." in text(response)

    response = coordinator.post(reverse("cases:withdraw", args=[case.pk]), follow=True)
    assert "The case was withdrawn from the library." in text(response)
    assert visitor.get(page).status_code == 404
    assert case.title not in text(visitor.get(reverse("cases:list")))
    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN

    response = coordinator.post(reverse("cases:withdraw", args=[case.pk]), follow=True)
    assert "Only a published case can be withdrawn." in text(response)


def test_consent_taken_back_hides_the_case_at_once_and_blocks_publishing(cast):
    case = published_case(cast)
    OrganisationSurvey.objects.filter(mission=case.mission).update(case_consent=False)
    assert cast.client(None).get(reverse("cases:detail", args=[case.slug])).status_code == 404
    Case.objects.filter(pk=case.pk).update(status=Case.Status.WITHDRAWN)
    response = cast.client("coordinator").post(
        reverse("cases:publish", args=[case.pk]), follow=True
    )
    assert "did not agree, in its closing survey" in text(response)
    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN


@pytest.mark.parametrize("who", ["member", "supervisor", "volunteer", "other_member"])
def test_only_coordinators_edit_publish_and_withdraw(cast, who):
    case = published_case(cast)
    client = cast.client(who)
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 403
    assert client.post(reverse("cases:withdraw", args=[case.pk])).status_code == 403
    assert client.get(reverse("cases:manage")).status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED


def test_the_team_lists_cases_and_missions_waiting_for_one(cast):
    case = published_case(cast, title="Published sand filter")
    waiting = closed_mission(cast, title="Rainwater tank gauge")
    closed_mission(cast, title="Refused solar dryer", consent=False)
    response = cast.client("coordinator").get(reverse("cases:manage"))
    page = text(response)
    assert case.title in page
    assert waiting.title in page
    assert reverse("cases:create", args=[waiting.pk]) in page
    assert "Refused solar dryer" not in page


# The public library and case pages.


def test_the_public_reads_the_library_and_a_case_without_logging_in(cast):
    case = published_case(cast, title="Slow sand filter", results_licence="open")
    visitor = cast.client(None)

    listing = visitor.get(reverse("cases:list"))
    assert listing.status_code == 200
    assert "Slow sand filter" in text(listing)
    assert cast.organisation.name in text(listing)

    page = visitor.get(reverse("cases:detail", args=[case.slug]))
    assert page.status_code == 200
    content = text(page)
    assert cast.organisation.name in content
    assert "A slow sand filter." in content  # the solution
    assert "Clear water." in content  # the results
    assert "Water and sanitation" in content  # the domain
    assert "Senegal" in content
    assert "Open: results published under CC BY 4.0" in content  # the licence's label
    assert "Anyone may reuse, adapt and share these results" in content  # what it allows


def test_shared_licence_says_who_may_reuse(cast):
    case = published_case(cast, results_licence=Mission.ResultsLicence.SHARED)
    content = text(cast.client(None).get(reverse("cases:detail", args=[case.slug])))
    assert "Other organisations of the social and solidarity economy may reuse them" in content


def test_a_discreet_organisation_is_not_named(cast):
    case = published_case(cast, confidentiality=Mission.Confidentiality.DISCREET)
    visitor = cast.client(None)
    for url in (reverse("cases:list"), reverse("cases:detail", args=[case.slug])):
        content = text(visitor.get(url))
        assert "A partner organisation" in content
        assert cast.organisation.name not in content


def test_library_search_filters_and_pages(cast, django_assert_max_num_queries):
    water = Domain.objects.get(slug="water")
    energy = Domain.objects.get(slug="energy")
    published_case(cast, title="Sand filter for a well", domains=[water], country="SN")
    published_case(cast, title="Solar dryer for mangoes", domains=[energy], country="BF")
    published_case(cast, title="Énergie des pompes", domains=[energy], country="SN")
    for n in range(12):
        published_case(cast, title=f"Rain gauge {n}", domains=[water], country="FR")
    visitor = cast.client(None)

    def titles(**query):
        response = visitor.get(reverse("cases:list"), query)
        return {case.title for case in response.context["page"].object_list}

    assert titles(q="sand well") == {"Sand filter for a well"}
    assert titles(q="énergie") == {"Énergie des pompes"}
    assert titles(domain="energy") == {"Solar dryer for mangoes", "Énergie des pompes"}
    assert titles(domain="energy", country="SN") == {"Énergie des pompes"}
    assert titles(country="BF") == {"Solar dryer for mangoes"}
    # A value not offered is reported and ignored, so a stale bookmark still shows cases.
    response = visitor.get(reverse("cases:list"), {"domain": "nonsense", "q": "dryer"})
    assert response.context["form"].errors["domain"]
    assert {c.title for c in response.context["page"].object_list} == {"Solar dryer for mangoes"}
    # 15 cases, 12 a page.
    first = visitor.get(reverse("cases:list"))
    assert len(first.context["page"].object_list) == 12
    assert "Page 1 of 2" in text(first)
    assert len(visitor.get(reverse("cases:list"), {"page": 2}).context["page"].object_list) == 3
    with django_assert_max_num_queries(8):
        visitor.get(reverse("cases:list"))


def test_a_coordinator_previews_a_draft_case(cast):
    mission = closed_mission(cast)
    client = cast.client("coordinator")
    client.post(reverse("cases:create", args=[mission.pk]))
    case = Case.objects.get(mission=mission)
    response = client.get(reverse("cases:detail", args=[case.slug]))
    assert response.status_code == 200
    assert "Only the coordination team sees this page" in text(response)
    assert cast.client("member").get(reverse("cases:detail", args=[case.slug])).status_code == 404


# Files: only those chosen, only while the case is published.


def test_anyone_downloads_the_chosen_files_of_a_published_case(cast):
    mission = closed_mission(cast)
    guide = deliverable(mission, "Build guide", "Guide de construction.pdf")
    kept_back = deliverable(mission, "Costs", "costs.pdf")
    case = Case.objects.create(
        mission=mission, slug="sand-filter", title="Sand filter", problem="p", solution="s",
        results="r", created_by=cast.coordinator, status=Case.Status.PUBLISHED,
        published_at=timezone.now(),
    )  # fmt: skip
    case.files.set([guide])
    visitor = cast.client(None)

    page = text(visitor.get(reverse("cases:detail", args=[case.slug])))
    assert reverse("cases:file", args=[case.slug, guide.pk]) in page
    assert "Costs" not in page

    response = visitor.get(reverse("cases:file", args=[case.slug, guide.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Guide" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES

    assert visitor.get(reverse("cases:file", args=[case.slug, kept_back.pk])).status_code == 404
    other = published_case(cast)
    assert visitor.get(reverse("cases:file", args=[other.slug, guide.pk])).status_code == 404

    guide.file.storage.delete(guide.file.name)  # lost from the disk (restore from backups)
    gone = visitor.get(reverse("cases:file", args=[case.slug, guide.pk]))
    assert gone.status_code == 410
    assert "cannot be read" in text(gone)

    Case.objects.filter(pk=case.pk).update(status=Case.Status.WITHDRAWN)
    for who in (None, "coordinator", "member"):
        url = reverse("cases:file", args=[case.slug, guide.pk])
        assert cast.client(who).get(url).status_code == 404


def test_files_of_a_draft_case_are_not_downloadable(cast):
    mission = closed_mission(cast)
    guide = deliverable(mission)
    case = Case.objects.create(
        mission=mission, slug="draft", title="Draft", problem="p", solution="s", results="r",
        created_by=cast.coordinator,
    )  # fmt: skip
    case.files.set([guide])
    assert cast.client(None).get(reverse("cases:file", args=["draft", guide.pk])).status_code == 404


# Similar past work on a need's page.


@pytest.fixture
def past_work(cast):
    """A hand-made history: two closed missions about cloudy well water (one very close to
    the need, one less), one about mangoes, and a published case about a well filter."""
    water = Domain.objects.get(slug="water")
    agriculture = Domain.objects.get(slug="agriculture")
    other = OrganisationFactory(name="Puits Propres")
    close = closed_mission(
        cast, organisation=other, title="Filtre à sable pour l'eau trouble d'un puits",
        problem="L'eau du puits est trouble après les pluies.", domains=[water],
    )  # fmt: skip
    near = closed_mission(
        cast, organisation=other, title="Réservoir pour l'eau de pluie",
        problem="Recueillir l'eau de pluie des toits de l'école.", domains=[water],
    )  # fmt: skip
    unrelated = closed_mission(
        cast, organisation=other, title="Séchoir solaire pour les mangues",
        problem="Les mangues pourrissent avant la vente au marché.", domains=[agriculture],
    )  # fmt: skip
    case = published_case(
        cast, organisation=other, title="Filtrer l'eau trouble d'un puits de village",
        problem="Un puits dont l'eau est trouble.", domains=[water],
    )  # fmt: skip
    need = NeedFactory(
        organisation=cast.organisation, submitted_by=cast.member,
        title="Filtrer l'eau trouble du puits",
        problem="L'eau du puits de l'école est trouble après les pluies.",
    )  # fmt: skip
    return {"close": close, "near": near, "unrelated": unrelated, "case": case, "need": need}


def _similar_titles(response) -> list[str]:
    content = response.content.decode()
    if 'id="similar-title"' not in content:
        return []
    section = html.unescape(content.split('id="similar-title"', 1)[1].split("</section>", 1)[0])
    return [line.split(">", 1)[1].split("<", 1)[0] for line in section.split("<a href=")[1:]]


def test_coordinators_see_similar_missions_and_cases_best_first(cast, past_work):
    response = cast.client("coordinator").get(reverse("needs:detail", args=[past_work["need"].pk]))
    titles = _similar_titles(response)
    close, near = past_work["close"].title, past_work["near"].title
    assert set(titles) == {close, near, past_work["case"].title}
    assert titles.index(close) < titles.index(near)
    assert titles[-1] == near  # it shares only "eau", "pluie" and "école"
    assert past_work["unrelated"].title not in text(response)
    content = text(response)
    assert "shared words “trouble”" in content or "“trouble”" in content
    assert "same domain Water and sanitation" in content
    assert reverse("missions:manage", args=[past_work["close"].pk]) in content
    assert reverse("cases:detail", args=[past_work["case"].slug]) in content


def test_the_organisation_sees_similar_cases_but_no_mission_titles(cast, past_work):
    response = cast.client("member").get(reverse("needs:detail", args=[past_work["need"].pk]))
    assert _similar_titles(response) == [past_work["case"].title]
    content = text(response)
    assert past_work["close"].title not in content
    assert past_work["near"].title not in content


def test_a_case_stands_for_its_mission_and_the_needs_own_missions_are_left_out(cast, past_work):
    need = past_work["need"]
    past_work["case"].mission.need = need  # as if the case came from this very need
    past_work["case"].mission.save()
    titles = _similar_titles(
        cast.client("coordinator").get(reverse("needs:detail", args=[need.pk]))
    )
    assert past_work["case"].title not in titles
    assert past_work["close"].title in titles


def test_similar_work_is_shown_at_most_five_without_a_query_per_candidate(cast, past_work):
    client = cast.client("coordinator")
    url = reverse("needs:detail", args=[past_work["need"].pk])
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        closed_mission(cast, title=f"Filtre pour l'eau trouble du puits {n}",
                       problem="Eau trouble du puits. " + "mot " * MAX_TEXT)  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(_similar_titles(response)) == SHOWN
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_need_like_nothing_gets_no_suggestion(cast, past_work):
    need = NeedFactory(organisation=cast.organisation, title="Compter les oiseaux migrateurs",
                       problem="Recenser les cigognes du delta chaque hiver.")  # fmt: skip
    response = cast.client("coordinator").get(reverse("needs:detail", args=[need.pk]))
    assert _similar_titles(response) == []
    assert "No past mission or case looks like this need." in text(response)
    # The organisation is not shown an empty section.
    assert (
        'id="similar-title"'
        not in cast.client("member").get(reverse("needs:detail", args=[need.pk])).content.decode()
    )


def test_the_organisation_sees_similar_cases_right_after_submitting(cast, past_work):
    response = cast.client("member").post(
        reverse("needs:submit"),
        {"title": "Filtrer l'eau trouble d'un puits", "problem": "Eau trouble au puits.",
         "desired_outcome": "De l'eau claire.", "domains": [Domain.objects.get(slug="water").pk],
         "country": "SN"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert past_work["case"].title in _similar_titles(response)


# A new order from a past mission.


def test_the_closed_missions_page_offers_its_case_and_a_new_order(cast):
    consented = closed_mission(cast)
    refused = closed_mission(cast, consent=False)
    client = cast.client("coordinator")
    page = text(client.get(reverse("missions:manage", args=[consented.pk])))
    assert f'action="{reverse("cases:create", args=[consented.pk])}"' in page
    assert reverse("cases:reuse", args=[consented.pk]) in page
    page = text(client.get(reverse("missions:manage", args=[refused.pk])))
    assert "did not agree that this mission becomes a public case" in page
    assert f'action="{reverse("cases:create", args=[refused.pk])}"' not in page
    # The organisation's members read the page without these actions.
    page = text(cast.client("member").get(reverse("missions:manage", args=[consented.pk])))
    assert reverse("cases:reuse", args=[consented.pk]) not in page


def test_a_new_order_copies_the_past_mission_for_a_need_in_scoping(cast):
    past = closed_mission(
        cast, title="Sand filter for Thiès", team_size=3, hours_per_week=6,
        objectives="Design a slow sand filter.", deliverables="Plans and a build guide.",
        out_of_scope="Building it.", equipment_budget="250.00", languages=["fr", "en"],
        results_licence=Mission.ResultsLicence.SHARED, work_mode=Mission.WorkMode.HYBRID,
        skills=[("water-treatment", 3), ("python", 1)],
        confidentiality=Mission.Confidentiality.DISCREET,
    )  # fmt: skip
    past.end_date = past.start_date + dt.timedelta(weeks=10)
    past.save()
    need = NeedFactory(organisation=cast.other_organisation, status=Need.Status.SCOPING,
                       title="Cloudy water in Kaolack", country="SN", city="Kaolack")  # fmt: skip
    NeedFactory(organisation=cast.organisation, title="Still waiting for triage")
    client = cast.client("coordinator")

    form_page = text(client.get(reverse("cases:reuse", args=[past.pk])))
    assert "Cloudy water in Kaolack" in form_page
    assert "Still waiting for triage" not in form_page  # only needs in scoping are offered

    response = client.post(reverse("cases:reuse", args=[past.pk]), {"need": need.pk})

    new = Mission.objects.get(need=need)
    assert response.status_code == 302
    assert response["Location"] == reverse("missions:edit", args=[new.pk])
    assert new.status == Mission.Status.DRAFT
    assert new.organisation == cast.other_organisation
    assert (new.title, new.problem, new.city) == (
        "Cloudy water in Kaolack",
        need.problem,
        "Kaolack",
    )
    assert (new.objectives, new.deliverables, new.out_of_scope) == (
        past.objectives, past.deliverables, past.out_of_scope,
    )  # fmt: skip
    assert (new.team_size, new.hours_per_week, str(new.equipment_budget)) == (3, 6, "250.00")
    assert (new.languages, new.results_licence, new.work_mode) == (
        ["fr", "en"], Mission.ResultsLicence.SHARED, Mission.WorkMode.HYBRID,
    )  # fmt: skip
    # The past organisation's wish to stay unnamed is not the new one's.
    assert new.confidentiality == Mission.Confidentiality.PUBLIC
    assert new.supervisor is None
    assert {(s.skill.slug, s.level) for s in new.skill_needs.all()} == {
        ("water-treatment", 3), ("python", 1),
    }  # fmt: skip
    assert new.start_date == timezone.localdate() + dt.timedelta(days=21)
    assert new.end_date - new.start_date == dt.timedelta(weeks=10)
    event = new.events.get(kind=MissionEvent.Kind.CREATED)
    assert past.title in event.detail
    past.refresh_from_db()
    assert past.status == Mission.Status.CLOSED  # the past mission is untouched


@pytest.mark.parametrize("status", [Need.Status.SUBMITTED, Need.Status.DECLINED])
def test_no_new_order_for_a_need_not_in_scoping(cast, status):
    past = closed_mission(cast)
    need = NeedFactory(organisation=cast.organisation, status=status, decline_reason="other")
    response = cast.client("coordinator").post(
        reverse("cases:reuse", args=[past.pk]), {"need": need.pk}
    )
    assert response.status_code == 200
    assert "only a need taken into scoping can get a mission order" in text(response)
    assert 'id="id_need_error"' in response.content.decode()
    assert Mission.objects.count() == 1


def test_new_order_bad_input(cast):
    past = closed_mission(cast)
    client = cast.client("coordinator")
    response = client.post(reverse("cases:reuse", args=[past.pk]), {"need": ""})
    assert "Choose the need that gets the new order." in text(response)
    response = client.post(reverse("cases:reuse", args=[past.pk]), {"need": 999999})
    assert "There is no such need" in text(response)
    assert Mission.objects.count() == 1


def test_no_new_order_from_a_mission_that_is_not_closed(cast):
    running = MissionFactory(organisation=cast.organisation, status=Mission.Status.IN_PROGRESS)
    need = NeedFactory(organisation=cast.organisation, status=Need.Status.SCOPING)
    client = cast.client("coordinator")
    assert "Only a closed mission can be the model" in text(
        client.get(reverse("cases:reuse", args=[running.pk]))
    )
    response = client.post(reverse("cases:reuse", args=[running.pk]), {"need": need.pk})
    assert "Only a closed mission can be the model of a new order." in text(response)
    assert not Mission.objects.filter(need=need).exists()


@pytest.mark.parametrize("who", ["member", "supervisor", "volunteer"])
def test_only_coordinators_start_a_new_order(cast, who):
    past = closed_mission(cast)
    need = NeedFactory(organisation=cast.organisation, status=Need.Status.SCOPING)
    client = cast.client(who)
    assert client.get(reverse("cases:reuse", args=[past.pk])).status_code == 403
    assert client.post(reverse("cases:reuse", args=[past.pk]), {"need": need.pk}).status_code == 403
    assert not Mission.objects.filter(need=need).exists()
