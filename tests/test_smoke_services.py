"""The need-to-publication path through the services, as the views will drive it."""

import datetime as dt

import pytest
from django.utils import timezone

from soscience.core.errors import DomainError, TransitionRefused
from soscience.core.models import Domain
from soscience.missions import services as missions
from soscience.missions.models import Mission, MissionOrderVersion
from soscience.needs import services as needs
from soscience.needs.models import Need
from soscience.volunteers.models import Skill
from tests.factories import CampusFactory

pytestmark = pytest.mark.django_db


def _order_data(**overrides):
    start = timezone.localdate() + dt.timedelta(days=10)
    data = {
        "title": "Filtre à sable lent",
        "context": "École rurale",
        "problem": "Eau trouble",
        "objectives": "Concevoir",
        "deliverables": "Plans",
        "out_of_scope": "Construction",
        "team_size": 2,
        "hours_per_week": 5,
        "start_date": start,
        "end_date": start + dt.timedelta(weeks=8),
        "work_mode": "remote",
        "country": "SN",
        "city": "Thiès",
        "languages": ["fr"],
        "equipment_budget": 150,
        "results_licence": "open",
        "confidentiality": "public",
    }
    data.update(overrides)
    return data


def test_need_becomes_a_published_mission(cast):
    water = Domain.objects.get(slug="water")
    need = needs.need_submit(
        organisation=cast.organisation,
        by=cast.member,
        domains=[water],
        data={
            "title": "Eau trouble",
            "problem": "p",
            "context": "",
            "already_tried": "",
            "desired_outcome": "o",
            "country": "SN",
            "city": "",
            "deadline": None,
        },
    )
    needs.need_take_into_scoping(need=need, by=cast.coordinator)
    mission = missions.mission_create_from_need(
        need=need,
        by=cast.coordinator,
        data=_order_data(),
        domains=[water],
        skills=[(Skill.objects.get(slug="hydraulics"), 2)],
        supervisor=cast.supervisor,
    )
    version = missions.mission_submit_for_approval(mission=mission, by=cast.coordinator)
    missions.mission_approve(mission=mission, by=cast.member, version_number=version.number)
    missions.mission_publish(mission=mission, by=cast.coordinator, campuses=[CampusFactory()])
    mission.refresh_from_db()
    assert mission.status == Mission.Status.OPEN
    assert Need.objects.get(pk=need.pk).status == Need.Status.SCOPING
    assert list(mission.events.values_list("kind", flat=True)) == [
        "created",
        "submitted",
        "approved",
        "published",
    ]


def test_editing_an_approved_order_needs_a_new_approval(cast):
    mission = missions.mission_create_from_need(
        need=_scoping_need(cast),
        by=cast.coordinator,
        data=_order_data(),
        domains=[],
        skills=[(Skill.objects.get(slug="hydraulics"), 2)],
        supervisor=cast.supervisor,
    )
    v1 = missions.mission_submit_for_approval(mission=mission, by=cast.coordinator)
    missions.mission_approve(mission=mission, by=cast.member, version_number=1)
    missions.mission_update(
        mission=mission,
        by=cast.coordinator,
        data=_order_data(title="Nouveau titre"),
        domains=[],
        skills=[(Skill.objects.get(slug="hydraulics"), 3)],
        supervisor=cast.supervisor,
    )
    mission.refresh_from_db()
    assert mission.status == Mission.Status.DRAFT
    v1.refresh_from_db()
    assert v1.status == MissionOrderVersion.Status.APPROVED
    assert v1.content["title"] == "Filtre à sable lent"
    with pytest.raises(TransitionRefused):
        missions.mission_publish(mission=mission, by=cast.coordinator, campuses=[CampusFactory()])


def test_too_long_mission_is_refused(cast):
    with pytest.raises(DomainError) as error:
        missions.mission_create_from_need(
            need=_scoping_need(cast),
            by=cast.coordinator,
            data=_order_data(end_date=timezone.localdate() + dt.timedelta(weeks=30)),
            domains=[],
            skills=[],
            supervisor=None,
        )
    assert error.value.field == "end_date"
    assert not Mission.objects.exists()


def _scoping_need(cast):
    return Need.objects.create(
        organisation=cast.organisation,
        title="t",
        problem="p",
        desired_outcome="o",
        country="SN",
        submitted_by=cast.member,
        status=Need.Status.SCOPING,
    )
