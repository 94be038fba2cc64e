"""`manage.py generate_scale_data`: the synthetic platform the benchmarks measure, at a tiny
size. It must obey the platform's rules, so that every page shows what it would in
production, and refuse to run where it could do harm."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from soscience.accounts.models import User
from soscience.applications.models import Application, TeamMember
from soscience.certificates.models import Certificate
from soscience.closing.models import OrganisationSurvey
from soscience.core.scale.sink import Sink
from soscience.core.scale.world import COORDINATOR, MEMBER, PASSWORD, SUPERVISOR, VOLUNTEER
from soscience.events.models import Event, Registration
from soscience.execution.models import (
    Deliverable,
    EquipmentRequest,
    HoursEntry,
    ProgressUpdate,
    UpdateReply,
)
from soscience.groups.models import GroupPost, WorkingGroup
from soscience.impact import rollup
from soscience.impact.models import ValidatedHours
from soscience.missions.models import Mission
from soscience.needs.models import Need
from soscience.notifications.models import Notification
from soscience.organisations.models import Organisation
from soscience.volunteers.models import Campus, VolunteerProfile, VolunteerSkill
from tests.factories import MissionFactory

TINY = (
    "--campuses", "2", "--volunteers", "200", "--organisations", "10", "--missions", "40",
    "--updates", "200", "--hours", "400", "--events", "2", "--applications", "300",
    "--notifications", "300", "--matching-index", "skip",
)  # fmt: skip
WORKING = (Mission.Status.IN_PROGRESS, Mission.Status.DELIVERED, Mission.Status.ACCEPTED,
           Mission.Status.CLOSED)  # fmt: skip


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_scale_data", *TINY, *args, stdout=out)
    return out.getvalue()


def _run_settings(media: object) -> override_settings:
    # pytest runs with DEBUG off, which the command refuses; files go to a temporary folder.
    return override_settings(
        DEBUG=True, MEDIA_ROOT=media, LANGUAGE_CODE="en",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )  # fmt: skip


@pytest.fixture
def fresh(db, settings) -> str:
    """A run of its own, for the tests that run the command again."""
    settings.DEBUG = True
    return generate()


def login(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


class TestTinyPlatform:
    """What one tiny run made: only read here."""

    @pytest.fixture(scope="class")
    def generated(
        self, django_db_setup, django_db_blocker, tmp_path_factory
    ) -> Iterator[tuple[str, Path]]:
        """One tiny platform for the tests of this class, rolled back after them (each
        test runs in a savepoint inside this transaction)."""
        media = tmp_path_factory.mktemp("media")
        with django_db_blocker.unblock(), _run_settings(media), transaction.atomic():
            yield generate(), media
            transaction.set_rollback(True)

    @pytest.fixture
    def scale(self, generated, db, settings) -> str:
        output, media = generated
        settings.MEDIA_ROOT = media  # where the run wrote its placeholder files
        return output

    def test_it_makes_the_counts_asked_for_and_reports_them(self, scale):
        assert Mission.objects.count() == 40
        assert VolunteerProfile.objects.count() == 200
        assert Organisation.objects.count() == 10
        assert Campus.objects.count() == 2
        assert Event.objects.count() == 2
        assert ProgressUpdate.objects.count() == 200
        assert HoursEntry.objects.count() == 400
        # Applications: at least what was asked within a few percent (teams need theirs).
        assert 250 <= Application.objects.count() <= 400
        assert 200 <= Notification.objects.count() <= 400
        for line in (
            "execution_hoursentry",
            "Included: planning",
            "Database size",
            PASSWORD,
        ):
            assert line in scale

    def test_every_status_and_every_kind_of_row_is_there(self, scale):
        assert set(Mission.objects.values_list("status", flat=True)) == set(Mission.Status.values)
        assert set(Application.objects.values_list("status", flat=True)) == set(
            Application.Status.values
        )
        assert set(Need.objects.values_list("status", flat=True)) == set(Need.Status.values)
        assert Mission.objects.values("country").distinct().count() >= 3
        assert VolunteerSkill.objects.exists()
        assert VolunteerProfile.objects.filter(consent_matching_at__isnull=False).count() > 150
        kinds = (UpdateReply, EquipmentRequest, OrganisationSurvey, Certificate, Registration,
                 Deliverable, WorkingGroup, GroupPost)  # fmt: skip
        for model in kinds:
            assert model.objects.exists(), model.__name__
        # The platform refuses a delivery without a file: every handed-over mission has one.
        handed_over = Mission.objects.filter(status__in=WORKING).exclude(status="in_progress")
        assert not handed_over.filter(delivered_files__isnull=True).exists()
        assert HoursEntry.objects.filter(validated_at__isnull=True).exists()
        assert HoursEntry.objects.filter(validated_at__isnull=False).exists()
        # COPY sends no signal: the impact figures' sums of validated hours are made once.
        assert ValidatedHours.objects.exists()
        assert rollup.differences() == {}

    def test_teams_never_exceed_their_size_and_hours_fall_within_the_mission(self, scale):
        seated = Count("team", filter=~Q(team__role=TeamMember.Role.ADVISOR))
        assert (
            not Mission.objects.annotate(seated=seated).filter(seated__gt=F("team_size")).exists()
        )
        selected = Count(
            "applications",
            filter=Q(applications__status=Application.Status.SELECTED),
            distinct=True,
        )
        on_team = Count("team", distinct=True)
        assert not Mission.objects.annotate(s=selected, t=on_team).exclude(s=F("t")).exists()
        assert not Mission.objects.filter(status__in=WORKING, team__isnull=True).exists()
        outside = Q(worked_on__lt=F("mission__start_date")) | Q(
            worked_on__gt=F("mission__end_date")
        )
        assert not HoursEntry.objects.filter(outside).exists()
        assert not HoursEntry.objects.filter(worked_on__gt=timezone.localdate()).exists()
        team = set(TeamMember.objects.values_list("mission_id", "volunteer_id"))
        assert set(HoursEntry.objects.values_list("mission_id", "volunteer_id")) <= team
        # A certificate's hours are the volunteer's validated hours on the mission.
        for certificate in Certificate.objects.all():
            hours = HoursEntry.objects.filter(
                mission=certificate.mission,
                volunteer=certificate.volunteer,
                validated_at__isnull=False,
            )
            assert sum(h.hours for h in hours) == certificate.hours
        assert not Application.objects.filter(applied_at__gt=F("decided_at")).exists()

    def test_the_named_accounts_open_their_main_pages(self, scale):
        anonymous = Client()
        open_mission = Mission.objects.filter(status=Mission.Status.OPEN).first()
        domain = open_mission.domains.first()
        pages = [
            (anonymous, reverse("missions:catalogue")),
            (anonymous, reverse("missions:catalogue") + f"?domain={domain.slug}&q=pour"),
            (anonymous, reverse("missions:detail", args=[open_mission.pk])),
            (anonymous, reverse("impact:public")),
            (login(COORDINATOR), reverse("needs:triage")),
            (login(COORDINATOR), reverse("impact:dashboard")),
            (login(COORDINATOR), reverse("missions:manage", args=[open_mission.pk])),
            (login(COORDINATOR), reverse("core:dashboard")),
            (login(SUPERVISOR), reverse("supervision:my_missions")),
            (login(VOLUNTEER), reverse("core:dashboard")),
            (login(VOLUNTEER), reverse("applications:mine")),
            (login(MEMBER), reverse("core:dashboard")),
        ]
        deliverable = Deliverable.objects.filter(mission__status=Mission.Status.CLOSED).first()
        member = Organisation.objects.get(missions__delivered_files=deliverable).memberships.first()
        pages += [
            (login(member.user.email), reverse("deliverables:download", args=[deliverable.pk])),
            (login(COORDINATOR), reverse("organisations:proof", args=[member.organisation_id])),
            (anonymous, reverse("cases:list")),
            (login(VOLUNTEER), reverse("groups:list")),
        ]
        for client, url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
        # The catalogue's search finds an open mission by the words of its title (on
        # PostgreSQL, the search document its trigger wrote while the data was loaded).
        found = anonymous.get(reverse("missions:catalogue"), {"q": open_mission.title})
        assert open_mission.title in found.content.decode()

    def test_the_named_accounts_have_what_their_pages_need(self, scale):
        supervisor = User.objects.get(email=SUPERVISOR)
        assert Mission.objects.filter(supervisor=supervisor).count() >= 10
        volunteer = User.objects.get(email=VOLUNTEER)
        assert volunteer.volunteer_profile.campus is not None
        assert volunteer.volunteer_profile.skills.count() >= 3
        assert (
            Application.objects.filter(volunteer=volunteer).values("status").distinct().count() >= 3
        )
        assert TeamMember.objects.filter(
            volunteer=volunteer, mission__status=Mission.Status.IN_PROGRESS
        ).exists()
        member = User.objects.get(email=MEMBER)
        organisation = Organisation.objects.get(memberships__user=member)
        assert organisation.needs.count() >= 4
        # Every generated account logs in with the printed password.
        assert Client().login(email=VOLUNTEER, password=PASSWORD)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="foreign keys deferred on PostgreSQL")
def test_a_dangling_reference_rolls_the_run_back(db):
    sink = Sink(connection, batch_size=10)
    sink.begin()
    assert sink.foreign_keys_deferred  # the test database's role is a superuser
    sink.write(Need.domains.through, ("need_id", "domain_id"), [(987_654, 1)])
    with pytest.raises(IntegrityError, match=r"needs_need_domains\.need_id = 987654"):
        sink.verify()


def test_a_second_run_needs_append_and_then_adds_to_the_first(fresh):
    with pytest.raises(CommandError, match="already has missions"):
        generate()
    generate("--append", "--seed", "9")
    assert Mission.objects.count() == 80
    assert User.objects.filter(email__in=[COORDINATOR, SUPERVISOR, VOLUNTEER, MEMBER]).count() == 4
    assert Certificate.objects.values("code").distinct().count() == Certificate.objects.count()
    # The id sequences moved past the generated ids: the application can add rows.
    largest = Mission.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert MissionFactory().pk > largest
    assert rollup.differences() == {}  # the sums count both runs' hours


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        generate()
    assert not Mission.objects.exists()
