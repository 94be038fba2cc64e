"""The demo data `make run` loads: consistent with the rules, and safe to load again."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
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
from soscience.applications.models import Application, TeamMember
from soscience.cases.models import Case
from soscience.certificates.models import Certificate
from soscience.closing.models import ClosingNote, OrganisationSurvey, VolunteerSurvey
from soscience.closing.services_followup import add_months
from soscience.core.models import InternalNote, OutgoingMail, PlatformSettings
from soscience.events.models import Event, Registration
from soscience.execution.models import (
    EquipmentRequest,
    HoursEntry,
    Milestone,
    ProgressUpdate,
    UpdateReply,
)
from soscience.execution.models_deliverables import Deliverable
from soscience.groups.models import GroupMember, GroupPost, WorkingGroup
from soscience.impact import rollup
from soscience.impact.models import ValidatedHours
from soscience.missions.models import Mission, MissionEvent, MissionOrderVersion
from soscience.needs.models import Need, NeedEvent
from soscience.network.models import Referral, ShareLink
from soscience.notifications.models import Notification
from soscience.organisations.models import Membership, Organisation, OrganisationEvent
from soscience.prospects.models import ContactLog, Prospect
from soscience.volunteers.models import Ambassadorship, Campus, VolunteerProfile

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
    MissionEvent, MissionOrderVersion, InternalNote, Application, TeamMember, Milestone,
    ProgressUpdate, UpdateReply, EquipmentRequest, HoursEntry, Deliverable, Notification,
    OrganisationSurvey, VolunteerSurvey, ClosingNote, Certificate, Case, Ambassadorship,
    VolunteerProfile, Event, Registration, ShareLink, Referral, WorkingGroup, GroupMember,
    GroupPost, Prospect, ContactLog,
)  # fmt: skip
RUNNING = "Capteur de niveau pour les réservoirs des lave-mains de Thiès"
CLOSED_WEST_AFRICA = "Lave-mains à pédale pour les écoles de Thiès"
CLOSED_FRANCE = "Banc d'essai des freins de fauteuils roulants pour un atelier solidaire"


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
    assert first["ProgressUpdate"] == 4
    assert first["Deliverable"] == 3
    # Two closed missions, each with a team of two: four certificates, two public cases.
    assert first["Certificate"] == 4
    assert first["Case"] == 2
    assert first["OrganisationSurvey"] == 2
    assert first["VolunteerSurvey"] == 4
    # The campus network: three events, the ambassador's link and what it brought, one
    # working group, four prospects.
    assert first["Event"] == 3
    assert first["ShareLink"] == 1
    assert first["Referral"] == 4
    assert first["WorkingGroup"] == 1
    assert first["GroupPost"] == 2
    assert first["Prospect"] == 4


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
    assert {"draft", "awaiting_approval", "approved", "open", "in_progress", "closed"} <= statuses
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
        if mission.status == Mission.Status.IN_PROGRESS:
            # Kicked off on its start date, weeks ago; it ends in the future.
            assert mission.start_date == mission.kicked_off_on < today < mission.end_date
        elif mission.status == Mission.Status.CLOSED:
            # Done months ago, each step in its order, every hour validated.
            assert mission.start_date == mission.kicked_off_on < mission.end_date < today
            assert mission.published_at < mission.delivered_at < mission.accepted_at
            assert mission.accepted_at < mission.closed_at
            assert timezone.localdate(mission.closed_at) < today
            assert mission.need.submitted_at < mission.published_at
            assert not mission.hours.filter(validated_at=None).exists()
            # Its first follow-up survey is not due yet: no worker run mails it to the
            # demo's fictitious addresses right after `make run`.
            first = PlatformSettings.load().followup_first_months
            assert add_months(timezone.localdate(mission.closed_at), first) > today
        else:
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
    # The impact figures' sums count every validated hour of the demo.
    assert ValidatedHours.objects.exists()
    assert rollup.differences() == {}


# The services queue mail on commit, so these two tests let the command really commit.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_demo_mail_is_queued_by_default():
    load("--quiet")
    assert Mission.objects.published().exists()
    assert mail.outbox == []
    # Nor left in the outbox, where the worker or the cron run would send it later.
    assert not OutgoingMail.objects.exists()
    # The inbox lines stay: the demo accounts see what happened to them.
    assert Notification.objects.filter(user__email="encadrant@soscience.test").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_mail_can_be_sent_on_request():
    load("--quiet", "--send-mail")
    recipients = {address for message in mail.outbox for address in message.to}
    assert "coordination@soscience.test" in recipients
    assert "structure@soscience.test" in recipients


# The running mission: what a person trying the demo sees of a mission under way.


def logged_in(email: str) -> Client:
    client = Client()
    assert client.login(email=email, password=PASSWORD)
    return client


def running_mission() -> Mission:
    return Mission.objects.get(title=RUNNING)


def test_the_supervisor_follows_the_running_mission(demo, settings):
    settings.SOSCIENCE_MFA_REQUIRED_ROLES = []  # as on a developer's laptop (make run)
    client = logged_in("encadrant@soscience.test")
    page = client.get(reverse("supervision:my_missions")).content.decode()
    # The demo accounts read the site in French: check what does not depend on the language.
    assert RUNNING in page
    assert 'class="status status-in_progress"' in page
    # The next milestone is the one not done yet.
    assert "Prototype autonome : mesure et SMS quotidien au laboratoire" in page
    assert "Capteur et microcontrôleur choisis" not in page


def test_the_organisation_reads_the_shared_news_and_its_reply(demo, settings):
    settings.SOSCIENCE_MFA_REQUIRED_ROLES = []  # as on a developer's laptop (make run)
    mission = running_mission()
    space = reverse("execution:space", kwargs={"pk": mission.pk})
    page = logged_in("structure@soscience.test").get(space).content.decode()
    assert "Le capteur est choisi" in page
    assert "les réservoirs ont tous un couvercle vissé" in page  # Awa Ndiaye's reply
    assert "Awa Ndiaye" in page
    assert "Note de choix du capteur de niveau" in page  # the delivered report
    assert "la mesure dérive de 2 cm" not in page  # the team's internal note
    team_page = logged_in("encadrant@soscience.test").get(space).content.decode()
    assert "la mesure dérive de 2 cm" in team_page
    assert "Capteur et microcontrôleur choisis" in team_page


def test_the_volunteer_sees_their_hours_and_the_approved_kit(demo):
    mission = running_mission()
    client = logged_in("benevole@soscience.test")
    hours = client.get(reverse("equipment:hours", kwargs={"pk": mission.pk})).content.decode()
    # Her total: 9.5 h validated, 7 h pending (numbers in the French format she reads).
    # SQLite and PostgreSQL sum decimals with a different scale (9,5 / 9,50).
    assert re.search(r"Léa Moreau</th><td>9[.,]50?</td><td>7([.,]00?)?</td>", hours)
    assert "Essais du capteur à ultrasons sur un seau gradué." in hours
    # Only the two pending entries can still be corrected or deleted.
    assert len(re.findall(r"/execution/hours/\d+/delete/", hours)) == 2
    equipment = client.get(reverse("equipment:list", kwargs={"pk": mission.pk}))
    assert "Kit microcontrôleur ESP32" in equipment.content.decode()
    assert EquipmentRequest.objects.get(mission=mission).status == "approved"
    files = client.get(reverse("deliverables:list", kwargs={"pk": mission.pk}))
    assert "Note de choix du capteur de niveau" in files.content.decode()


def test_a_running_mission_the_team_changed_is_left_alone(demo):
    mission = running_mission()
    HoursEntry.objects.filter(mission=mission).delete()
    load("--quiet")
    assert not HoursEntry.objects.filter(mission=mission).exists()
    assert Mission.objects.filter(title=RUNNING).count() == 1


# The closed missions: what the public, the coordinators and the volunteers see of issue 5.


def test_the_public_impact_page_shows_the_countries_and_a_testimonial(demo):
    page = Client().get(reverse("impact:public")).content.decode()
    # The map's dots and the table beside it: the closed missions' countries among them.
    for code in ("SN", "FR", "BF", "PH"):
        assert f'data-country="{code}"' in page
    assert "Senegal" in page
    assert "France" in page
    # Eau Vive Thiès agreed to publish its testimonial with its name.
    assert "les enfants adorent appuyer dessus" in page
    assert "Eau Vive Thiès" in page
    # The organisations' estimates of the people who benefit (1,300 + 150).
    assert re.search(r"<dd>1[ ,.\u00a0\u202f]?450</dd>", page)


def test_the_solutions_library_lists_the_cases_with_their_files(demo):
    client = Client()
    library = client.get(reverse("cases:list")).content.decode()
    assert CLOSED_WEST_AFRICA in library
    assert "Banc d&#x27;essai des freins" in library
    case = Case.objects.get(mission__title=CLOSED_WEST_AFRICA)
    assert case.status == Case.Status.PUBLISHED
    page = client.get(reverse("cases:detail", kwargs={"slug": case.slug})).content.decode()
    assert "Cinq écoles sur douze" in page  # the results, from the organisation's survey
    deliverable = case.files.get()
    download = client.get(reverse("cases:file", kwargs={"slug": case.slug, "pk": deliverable.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_demo_volunteer_has_a_certificate_anyone_can_verify(demo):
    page = logged_in("benevole@soscience.test").get(reverse("certificates:mine"))
    certificate = Certificate.objects.get(
        volunteer__email="benevole@soscience.test", mission__title=CLOSED_WEST_AFRICA
    )
    assert CLOSED_WEST_AFRICA in page.content.decode()
    assert certificate.code in page.content.decode()
    # Her hours are the validated ones (14.5 h), whatever the database's decimal scale.
    assert certificate.hours == Decimal("14.5")
    verify = reverse("certificates:verify", kwargs={"code": certificate.code})
    assert "Léa Moreau" in Client().get(verify).content.decode()


def test_the_coordinator_dashboard_has_figures(demo, settings):
    # As under `make run` (DEBUG): the demo coordinator has no second factor to show.
    settings.SOSCIENCE_MFA_REQUIRED_ROLES = []
    response = logged_in("coordination@soscience.test").get(reverse("impact:dashboard"))
    assert response.status_code == 200
    data = response.context["data"]
    assert sum(tally.value for tally in data.closed_per_year) == 2
    assert data.satisfaction.answered == 2
    assert data.satisfaction.beneficiaries == 1450
    # Validated hours: 9.5 on the running mission, 25 and 17 on the closed ones.
    assert data.hours.hours == Decimal("51.5")
    # Léa (running and closed missions) and Inès (both closed missions) came back.
    assert data.volunteers.returning == 2
    assert data.lead_times.need_to_publication > 0


# The campus network (issue 6): what the ambassador, the volunteer and the coordinator see.

CONFERENCE = "Conférence : des capteurs bon marché au service des écoles"


def test_the_network_is_alive_for_the_ambassador_and_the_volunteer(demo):
    today = timezone.localdate()
    events = Client().get(reverse("events:list")).content.decode()
    assert "Conférence : des capteurs bon marché" in events
    assert "Atelier en ligne : décrire un besoin scientifique" in events
    assert "Soirée de rentrée" not in events  # over: on the past events' page
    conference = Event.objects.get(title=CONFERENCE)
    assert conference.campus.slug == "estp"
    assert 14 <= (timezone.localdate(conference.starts_at) - today).days <= 28
    assert conference.registrations.filter(user__email="benevole@soscience.test").exists()
    past = Event.objects.get(title__startswith="Soirée de rentrée")
    assert timezone.localdate(past.ends_at) < today
    attended = past.registrations.filter(status=Registration.Status.CONFIRMED)
    assert sorted(attended.values_list("attended", flat=True)) == [False, True, True]

    # The ambassador's campus dashboard: the partnership and his link's counts.
    client = logged_in("ambassadeur@soscience.test")
    response = client.get(reverse("network:dashboard", kwargs={"slug": "estp"}))
    assert response.status_code == 200
    assert "Groupe des élèves de génie mécanique" in response.content.decode()
    (link,) = response.context["board"].links
    assert (link.visits, link.applications, link.registrations) == (2, 1, 1)
    assert CONFERENCE in response.content.decode()
    campus = Campus.objects.get(slug="estp")
    assert campus.contact_name
    assert campus.partnership_start < today

    # The working group, for its member the demo volunteer, around the hardest mission.
    groups = logged_in("benevole@soscience.test").get(reverse("groups:list")).content.decode()
    assert "Étalonner des capteurs d&#x27;air bon marché" in groups
    group = WorkingGroup.objects.get()
    assert group.mission.title == "Réseau de capteurs de qualité de l'air à bas coût"
    assert group.skills.count() == group.mission.skill_needs.count()


def test_the_coordinator_follows_four_prospects(demo, settings):
    settings.SOSCIENCE_MFA_REQUIRED_ROLES = []
    page = logged_in("coordination@soscience.test").get(reverse("prospects:pipeline"))
    html = page.content.decode()
    for name in ("Bunot Boards", "Fablab solidaire de Cachan", "La Halte", "Val de Bièvre"):
        assert name in html
    stages = dict(Prospect.objects.values_list("name", "stage"))
    assert len(set(stages.values())) == 4
    registered = Prospect.objects.get(stage=Prospect.Stage.REGISTERED)
    assert registered.organisation.name == "Bunot Boards"
    assert Prospect.objects.get(stage=Prospect.Stage.DECLINED).decline_reason
    due = Prospect.objects.get(next_action_on=timezone.localdate())
    assert due.next_action
    # The daily reminder was given while loading: no mail leaves the demo later.
    assert due.reminded_for == due.next_action_on
    assert all(prospect.contacts.count() >= 2 for prospect in Prospect.objects.all())
