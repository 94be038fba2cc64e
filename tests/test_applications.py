"""Applications and selection, as volunteers and the coordination team click through them.

A volunteer applies (or is invited), may withdraw with a reason; the team shortlists,
selects into numbered seats (never more than the team size), declines kindly with a reason;
everyone is told by mail and in the inbox; nobody waits past the promised answer date.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone

from soscience.accounts.roles import Role
from soscience.applications import services
from soscience.applications.models import Application, ApplicationEvent, TeamMember
from soscience.applications.tasks import remind_unanswered_applications
from soscience.core.models import PlatformSettings
from soscience.missions.models import Mission
from soscience.notifications.models import Notification
from soscience.volunteers.models import Campus, VolunteerProfile
from tests.factories import CampusFactory, MissionFactory, UserFactory, forget_sent_mail

pytestmark = pytest.mark.django_db

MINE = reverse("applications:mine")


# Helpers: pages as the user reads them.


def text(response) -> str:
    return html.unescape(response.content.decode())


def plain(response) -> str:
    """The page's text without tags, spaces collapsed (what a reader sees)."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def field_error(response, field: str, suffix: str = "") -> str:
    """The error shown next to ``field`` (the block tied to it by id), or ''."""
    match = re.search(rf'id="id_{field}{suffix}_error">(.*?)</div>', text(response), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else ""


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def published(*, campuses: list[Campus] | None = None, days_ago: int = 1, **kwargs) -> Mission:
    kwargs.setdefault("supervisor", None)
    mission = MissionFactory(
        status=Mission.Status.OPEN,
        published_at=timezone.now() - dt.timedelta(days=days_ago),
        **kwargs,
    )
    mission.campuses.set(campuses or [])
    return mission


def volunteer(name: str = "Lina Volontaire", *, campus: Campus | None = None, kind=None):
    user = UserFactory(full_name=name, roles=[Role.VOLUNTEER])
    VolunteerProfile.objects.create(
        user=user, campus=campus, kind=kind or VolunteerProfile.Kind.STUDENT
    )
    return user


def apply_url(mission: Mission) -> str:
    return reverse("applications:apply", kwargs={"pk": mission.pk})


def team_url(mission: Mission) -> str:
    return reverse("applications:mission_applications", kwargs={"pk": mission.pk})


APPLY = {"motivation": "I built **sand filters** in Dakar.", "availability_confirmed": "on"}


def applied(mission: Mission, user) -> Application:
    return services.application_submit(
        mission=mission, volunteer=user, motivation="Motivated.", availability_confirmed=True
    )


def mails_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to]


# Applying.


def test_a_volunteer_applies_and_everyone_is_told(cast, django_capture_on_commit_callbacks):
    mission = published(supervisor=cast.supervisor, title="Sand filter for Thiès")
    client = cast.client("volunteer")
    page = client.get(apply_url(mission))
    answer_by = timezone.localdate(mission.published_at) + dt.timedelta(days=14 + 7)
    assert f"the team answers by {day(answer_by)}" in plain(page)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(mission), APPLY, follow=True)

    assert response.redirect_chain[-1][0] == MINE
    application = Application.objects.get(mission=mission, volunteer=cast.volunteer)
    assert application.status == Application.Status.APPLIED
    assert application.answer_by == answer_by
    assert f"The team will answer by {day(answer_by)}" in " ".join(messages_of(response))
    assert "Sand filter for Thiès" in plain(response)
    # The volunteer gets a receipt with the date; the coordinator and supervisor are told.
    (receipt,) = mails_to(cast.volunteer)
    assert "Application received" in receipt.subject
    assert day(answer_by) in receipt.body
    for person in (cast.coordinator, cast.supervisor):
        (news,) = mails_to(person)
        assert "New application from Valentin Volontaire" in news.subject
        assert Notification.objects.filter(user=person, text=news.subject).exists()
    assert Notification.objects.filter(user=cast.volunteer, url=MINE).count() == 1
    assert application.events.get().kind == ApplicationEvent.Kind.APPLIED


def test_motivation_and_confirmation_are_required(cast):
    mission = published()
    client = cast.client("volunteer")

    response = client.post(apply_url(mission), {"motivation": "  ", "availability_confirmed": ""})
    assert response.status_code == 200
    assert "why you want to join" in field_error(response, "motivation")
    assert "Confirm that you are available" in field_error(response, "availability_confirmed")

    response = client.post(apply_url(mission), {"motivation": "I know hydraulics."})
    assert field_error(response, "motivation") == ""
    assert "Confirm that you are available" in field_error(response, "availability_confirmed")
    assert "I know hydraulics." in text(response)  # what was typed is kept
    assert not Application.objects.exists()


def test_applying_twice_is_refused_with_the_reason(cast):
    mission = published()
    client = cast.client("volunteer")
    assert client.post(apply_url(mission), APPLY).status_code == 302

    response = client.post(apply_url(mission), {**APPLY, "motivation": "Again!"})
    assert response.status_code == 200
    assert "You already applied to this mission." in plain(response)
    assert Application.objects.get().motivation == APPLY["motivation"]
    # The page says where the application stands instead of offering the form again.
    assert "You applied on" in plain(client.get(apply_url(mission)))


def test_a_withdrawn_volunteer_cannot_apply_again(cast):
    mission = published()
    application = applied(mission, cast.volunteer)
    services.application_withdraw(
        application=application, by=cast.volunteer, reason="unavailable", detail=""
    )
    response = cast.client("volunteer").post(apply_url(mission), APPLY)
    assert "You withdrew your application to this mission" in plain(response)


@pytest.mark.parametrize("status", [Mission.Status.APPROVED, Mission.Status.CANCELLED])
def test_an_unpublished_mission_does_not_exist_for_volunteers(cast, status):
    mission = MissionFactory(status=status)
    assert cast.client("volunteer").get(apply_url(mission)).status_code == 404
    assert cast.client("volunteer").post(apply_url(mission), APPLY).status_code == 404
    assert not Application.objects.exists()


def test_only_volunteers_apply(cast):
    mission = published()
    response = cast.client("member").get(apply_url(mission))
    assert response.status_code == 403
    assert "Only volunteers can apply" in text(response)


def test_a_mission_not_offered_to_my_campus_is_refused_with_the_reason(cast):
    home = CampusFactory(name="École Centrale de Lyon", slug="ecl")
    other = CampusFactory(name="INSA Toulouse", slug="insa")
    mission = published(campuses=[home])
    outsider = volunteer("Olga Ailleurs", campus=other)
    client = cast.client(None)
    client.force_login(outsider)

    page = client.get(apply_url(mission))
    assert "offered only to volunteers of École Centrale de Lyon" in plain(page)
    assert 'name="motivation"' not in text(page)
    assert f'href="{reverse("volunteers:profile")}"' in text(page)
    response = client.post(apply_url(mission), APPLY)
    assert "offered only to volunteers of École Centrale de Lyon" in plain(response)
    assert not Application.objects.exists()
    # No campus in the profile: told where to say it.
    response = cast.client("volunteer").post(apply_url(mission), APPLY)
    assert "Say which campus you belong to in your volunteer profile" in plain(response)
    # A volunteer of the campus applies.
    insider = volunteer("Ines Dedans", campus=home)
    client.force_login(insider)
    assert client.post(apply_url(mission), APPLY).status_code == 302
    assert Application.objects.get().volunteer == insider


def test_applications_close_on_their_date(cast):
    mission = published(applications_close_on=timezone.localdate() - dt.timedelta(days=1))
    response = cast.client("volunteer").post(apply_url(mission), APPLY)
    assert "Applications to this mission closed on" in plain(response)
    assert not Application.objects.exists()


# The answer date.


def test_answer_date_follows_the_platform_setting_and_the_closing_date(cast):
    settings_row = PlatformSettings.load()
    settings_row.answer_within_days = 10
    settings_row.save()
    closes = timezone.localdate() + dt.timedelta(days=5)
    mission = published(applications_close_on=closes)
    client = cast.client("volunteer")

    expected = closes + dt.timedelta(days=10)
    assert f"the team answers by {day(expected)}" in plain(client.get(apply_url(mission)))
    client.post(apply_url(mission), APPLY)
    assert Application.objects.get().answer_by == expected
    mine = plain(client.get(MINE))
    assert f"The team answers by {day(expected)}" in mine
    public = plain(client.get(reverse("missions:detail", kwargs={"pk": mission.pk})))
    assert "You applied on" in public
    assert f"the team answers by {day(expected)}" in public


def test_a_late_applicant_still_gets_the_full_delay(cast):
    """Without a closing date, applications close 14 days after publication for the
    answer date; someone applying later is not late on the day they apply."""
    mission = published(days_ago=30)
    application = applied(mission, cast.volunteer)
    assert application.answer_by == timezone.localdate() + dt.timedelta(days=7)


# Withdrawing.


def withdraw_url(application: Application) -> str:
    return reverse("applications:withdraw", kwargs={"pk": application.pk})


def test_a_volunteer_withdraws_with_a_reason_and_the_team_is_told(
    cast, django_capture_on_commit_callbacks
):
    mission = published(supervisor=cast.supervisor, title="Solar dryer")
    application = applied(mission, cast.volunteer)
    client = cast.client("volunteer")
    forget_sent_mail()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            withdraw_url(application),
            {"reason": "unavailable", "detail": "Exams moved to June."},
            follow=True,
        )
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.reason == Application.WithdrawReason.UNAVAILABLE
    assert "Your application was withdrawn" in " ".join(messages_of(response))
    assert "I am no longer available" in plain(response)
    (news,) = mails_to(cast.coordinator)
    assert "Valentin Volontaire withdrew from" in news.subject
    assert "I am no longer available" in news.body
    assert "Exams moved to June." in news.body
    assert mails_to(cast.supervisor)


def test_withdrawing_needs_a_reason(cast):
    application = applied(published(), cast.volunteer)
    client = cast.client("volunteer")

    response = client.post(withdraw_url(application), {"reason": "", "detail": "Busy"})
    assert response.status_code == 200
    assert "Choose a reason" in field_error(response, "reason", f"_{application.pk}")
    assert "Busy" in text(response)

    response = client.post(withdraw_url(application), {"reason": "other", "detail": " "})
    assert "Please say why" in field_error(response, "detail", f"_{application.pk}")
    application.refresh_from_db()
    assert application.status == Application.Status.APPLIED


def test_no_withdrawing_once_selected(cast):
    application = applied(published(), cast.volunteer)
    services.application_select(application=application, by=cast.coordinator, role="member")
    response = cast.client("volunteer").post(
        withdraw_url(application), {"reason": "unavailable"}, follow=True
    )
    assert "You are already on the team" in " ".join(messages_of(response))
    application.refresh_from_db()
    assert application.status == Application.Status.SELECTED
    assert TeamMember.objects.filter(application=application).exists()


# Someone else's applications.


def test_other_volunteers_cannot_see_or_touch_my_application(cast):
    mission = published(title="My private application")
    application = applied(mission, cast.volunteer)
    other = cast.client("other_volunteer")
    assert other.post(withdraw_url(application), {"reason": "other"}).status_code == 404
    assert "My private application" not in plain(other.get(MINE))
    assert "My private application" in plain(cast.client("volunteer").get(MINE))
    application.refresh_from_db()
    assert application.status == Application.Status.APPLIED


def test_volunteers_get_403_on_the_team_pages(cast):
    mission = published()
    application = applied(mission, cast.other_volunteer)
    client = cast.client("volunteer")
    assert client.get(team_url(mission)).status_code == 403
    pk = {"pk": application.pk}
    assert client.post(reverse("applications:shortlist", kwargs=pk)).status_code == 403
    select = reverse("applications:select", kwargs=pk)
    assert client.post(select, {"role": "member"}).status_code == 403
    assert not TeamMember.objects.exists()


def test_the_supervisor_reads_the_applicants_but_does_not_select(cast):
    mission = published(supervisor=cast.supervisor)
    application = applied(mission, cast.volunteer)
    client = cast.client("supervisor")
    page = client.get(team_url(mission))
    assert page.status_code == 200
    assert "Valentin Volontaire" in plain(page)
    assert 'name="role"' not in text(page)
    select = reverse("applications:select", kwargs={"pk": application.pk})
    assert client.post(select, {"role": "member"}).status_code == 403
    # An unpublished mission they do not supervise does not exist for them.
    other = MissionFactory(status=Mission.Status.DRAFT, supervisor=None)
    assert client.get(team_url(other)).status_code == 404


def test_the_coordinator_goes_from_the_applicants_to_the_team_builder_and_suggestions(cast):
    mission = published(supervisor=cast.supervisor)
    builder = reverse("matching:team_builder", kwargs={"pk": mission.pk})
    suggestions = reverse("matching:suggestions", kwargs={"pk": mission.pk})
    page = text(cast.client("coordinator").get(team_url(mission)))
    assert f'<a href="{builder}">Team builder</a>' in page
    assert f'<a href="{suggestions}">Suggested volunteers</a>' in page
    # The supervisor cannot open the team builder: no link to it.
    page = text(cast.client("supervisor").get(team_url(mission)))
    assert builder not in page


# Invitations.


def test_an_invited_volunteer_is_told_and_completes_the_application(
    cast, django_capture_on_commit_callbacks
):
    home = CampusFactory(name="École Centrale de Lyon", slug="ecl")
    mission = published(campuses=[home], title="Biogas digester")
    invitee = volunteer("Ines Invitée", campus=None)
    coordinator = cast.client("coordinator")

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            reverse("applications:invite", kwargs={"pk": mission.pk}),
            {"email": invitee.email.upper()},
            follow=True,
        )
    assert "Ines Invitée is invited to apply" in " ".join(messages_of(response))
    (invitation,) = mails_to(invitee)
    assert "You are invited to apply: Biogas digester" in invitation.subject
    assert apply_url(mission) in invitation.body
    assert Notification.objects.get(user=invitee).url == apply_url(mission)

    client = cast.client(None)
    client.force_login(invitee)
    assert "Complete my application" in plain(client.get(MINE))
    page = client.get(reverse("missions:detail", kwargs={"pk": mission.pk}))
    assert "The team invited you to apply" in plain(page)
    # Invited by the team: the campus rule does not stand in the way.
    assert client.post(apply_url(mission), APPLY).status_code == 302
    application = Application.objects.get(volunteer=invitee)
    assert application.status == Application.Status.APPLIED
    assert application.invited_by == cast.coordinator
    assert application.answer_by is not None


def test_invitation_mistakes_are_explained(cast):
    mission = published()
    applied(mission, cast.volunteer)
    url = reverse("applications:invite", kwargs={"pk": mission.pk})
    client = cast.client("coordinator")

    response = client.post(url, {"email": "nobody@example.org"})
    assert "No volunteer has signed up with this address." in field_error(response, "email")
    assert "nobody@example.org" in text(response)
    response = client.post(url, {"email": cast.volunteer.email})
    assert "Valentin Volontaire already applied or was already invited." in plain(response)
    response = client.post(url, {"email": cast.member.email})  # not a volunteer
    assert "No volunteer has signed up with this address." in field_error(response, "email")
    response = client.post(url, {"volunteer": cast.member.pk})
    assert "This person is not a volunteer." in plain(response)
    assert Application.objects.count() == 1


def test_an_invitation_from_the_suggestions_page_goes_back_there(cast):
    mission = published()
    back = reverse("missions:manage", kwargs={"pk": mission.pk})
    url = reverse("applications:invite", kwargs={"pk": mission.pk})
    client = cast.client("coordinator")
    response = client.post(url, {"volunteer": cast.volunteer.pk, "next": back})
    assert response["Location"] == back
    response = client.post(url, {"volunteer": cast.volunteer.pk, "next": back}, follow=True)
    assert "already applied or was already invited" in " ".join(messages_of(response))
    response = client.post(url, {"volunteer": cast.volunteer.pk, "next": "https://evil.example"})
    assert response.status_code == 200  # an outside address is never followed


# Selection.


def select(client, application: Application, role: str = "member"):
    url = reverse("applications:select", kwargs={"pk": application.pk})
    return client.post(url, {"role": role}, follow=True)


def test_selection_respects_the_team_size_and_roles(cast, django_capture_on_commit_callbacks):
    mission = published(team_size=2, supervisor=cast.supervisor, title="Water sensor")
    people = [volunteer(f"Person {n}") for n in range(3)]
    researcher = volunteer("Rita Chercheuse", kind=VolunteerProfile.Kind.RESEARCHER)
    apps = [applied(mission, p) for p in [*people, researcher]]
    client = cast.client("coordinator")
    forget_sent_mail()

    with django_capture_on_commit_callbacks(execute=True):
        response = select(client, apps[0], "lead")
    assert "Person 0 joins the team" in " ".join(messages_of(response))
    (news,) = mails_to(people[0])
    assert "You are selected: Water sensor" in news.subject
    assert "Team lead" in news.body
    assert mails_to(cast.supervisor)

    response = select(client, apps[1], "lead")
    assert "Person 0 already leads this team." in " ".join(messages_of(response))
    select(client, apps[1], "member")
    response = select(client, apps[2], "member")
    assert "The team is complete (2 of 2)." in " ".join(messages_of(response))
    response = select(client, apps[2], "advisor")
    assert "Only a researcher can advise the team." in " ".join(messages_of(response))
    response = select(client, apps[3], "advisor")
    assert "Rita Chercheuse joins the team" in " ".join(messages_of(response))

    team = list(TeamMember.objects.filter(mission=mission).order_by("pk"))
    assert [(m.volunteer, m.role, m.seat) for m in team] == [
        (people[0], "lead", 1), (people[1], "member", 2), (researcher, "advisor", None),
    ]  # fmt: skip
    page = plain(client.get(team_url(mission)))
    assert "Seats taken 2 of 2" in page
    assert "no seat (advisor)" in page
    apps[2].refresh_from_db()
    assert apps[2].status == Application.Status.APPLIED


def test_selecting_the_same_applicant_twice_takes_one_seat(cast):
    mission = published(team_size=3)
    application = applied(mission, cast.volunteer)
    client = cast.client("coordinator")
    select(client, application)
    response = select(client, application)
    assert "Valentin Volontaire is already on the team." in " ".join(messages_of(response))
    assert TeamMember.objects.filter(mission=mission).count() == 1


def test_an_invited_volunteer_cannot_be_selected_before_applying(cast):
    mission = published()
    invitation = services.application_invite(
        mission=mission, volunteer=cast.volunteer, by=cast.coordinator
    )
    response = select(cast.client("coordinator"), invitation)
    assert "Valentin Volontaire has not applied yet." in " ".join(messages_of(response))


def test_removing_a_member_frees_the_seat(cast, django_capture_on_commit_callbacks):
    mission = published(team_size=1)
    first = applied(mission, cast.volunteer)
    second = applied(mission, cast.other_volunteer)
    client = cast.client("coordinator")
    select(client, first)
    assert "The team is complete (1 of 1)." in " ".join(messages_of(select(client, second)))

    member = TeamMember.objects.get(application=first)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:remove", kwargs={"pk": member.pk}),
            {"detail": "Wrong person, sorry."},
            follow=True,
        )
    assert "the seat is free" in " ".join(messages_of(response))
    (news,) = [m for m in mails_to(cast.volunteer) if "change in the team" in m.subject.lower()]
    assert "Wrong person, sorry." in news.body
    first.refresh_from_db()
    assert first.status == Application.Status.SHORTLISTED
    select(client, second)
    assert TeamMember.objects.get(mission=mission).volunteer == cast.other_volunteer


def test_shortlisting_tells_the_volunteer(cast, django_capture_on_commit_callbacks):
    mission = published(title="Cold room")
    application = applied(mission, cast.volunteer)
    forget_sent_mail()
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("coordinator").post(
            reverse("applications:shortlist", kwargs={"pk": application.pk})
        )
    application.refresh_from_db()
    assert application.status == Application.Status.SHORTLISTED
    (news,) = mails_to(cast.volunteer)
    assert "You are on the shortlist: Cold room" in news.subject
    assert "Status Shortlisted" in plain(cast.client("volunteer").get(MINE))


# Declining.


def test_declining_sends_a_kind_message_with_the_reason(cast, django_capture_on_commit_callbacks):
    mission = published(title="Cold room")
    application = applied(mission, cast.volunteer)
    url = reverse("applications:decline", kwargs={"pk": application.pk})
    client = cast.client("coordinator")
    forget_sent_mail()

    response = client.post(url, {"reason": "", "detail": "Next time!"})
    assert response.status_code == 200
    assert "Choose a reason" in field_error(response, "reason", f"_{application.pk}")
    assert "Next time!" in text(response)
    application.refresh_from_db()
    assert application.status == Application.Status.APPLIED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "availability", "detail": "We need someone in May."})
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert application.reason == "availability"
    assert application.decided_by == cast.coordinator
    (news,) = mails_to(cast.volunteer)
    assert "About your application: Cold room" in news.subject
    assert "Thank you for applying" in news.body
    assert "Availability does not fit the mission's dates" in news.body
    assert "We need someone in May." in news.body
    assert Notification.objects.filter(user=cast.volunteer, text=news.subject).exists()
    history = plain(client.get(team_url(mission)))
    assert "Not selected · Claire Coordinatrice We need someone in May." in history
    mine = plain(cast.client("volunteer").get(MINE))
    assert "Not selected" in mine
    assert "Availability does not fit the mission's dates" in mine


# The team's page.


def test_overlapping_commitments_are_flagged_not_hidden(cast):
    start = timezone.localdate() + dt.timedelta(days=20)
    earlier = published(
        title="Earlier mission", start_date=start - dt.timedelta(days=10),
        end_date=start + dt.timedelta(days=10),
    )  # fmt: skip
    later = published(
        title="Much later mission", start_date=start + dt.timedelta(days=200),
        end_date=start + dt.timedelta(days=230),
    )  # fmt: skip
    mission = published(start_date=start, end_date=start + dt.timedelta(weeks=6))
    for other in (earlier, later):
        services.application_select(
            application=applied(other, cast.volunteer), by=cast.coordinator, role="member"
        )
    applied(mission, cast.volunteer)
    applied(mission, cast.other_volunteer)

    page = plain(cast.client("coordinator").get(team_url(mission)))
    assert "Already on the team of “Earlier mission”" in page
    assert "Much later mission" not in page
    assert page.count("Already on the team of") == 1


def test_late_answers_are_highlighted(cast):
    mission = published()
    late = applied(mission, cast.volunteer)
    Application.objects.filter(pk=late.pk).update(
        answer_by=timezone.localdate() - dt.timedelta(days=1)
    )
    applied(mission, cast.other_volunteer)
    response = cast.client("coordinator").get(team_url(mission))
    page = plain(response)
    assert "1 answer is late" in page
    assert page.count("(late)") == 1
    assert 'class="card applicant applicant-late"' in text(response)


def test_the_applicants_page_has_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    campus = CampusFactory()
    mission = published(team_size=3, start_date=timezone.localdate() + dt.timedelta(days=30))
    busy = published(start_date=timezone.localdate() + dt.timedelta(days=30))
    for n in range(12):
        person = volunteer(f"Person {n}", campus=campus)
        application = applied(mission, person)
        if n < 2:
            services.application_select(application=application, by=cast.coordinator, role="member")
        if n == 5:
            services.application_select(
                application=applied(busy, person), by=cast.coordinator, role="member"
            )
    client = cast.client("coordinator")
    # session, user, roles (2), two-step check, mission, applications, their events,
    # overlaps, team, settings (answer date), unread count.
    with django_assert_max_num_queries(12):
        response = client.get(team_url(mission))
    assert plain(response).count("Already on the team of") == 1
    assert "Seats taken 2 of 3" in plain(response)


def test_my_applications_page_has_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for _ in range(8):
        applied(published(), cast.volunteer)
    client = cast.client("volunteer")
    # session, user, roles (2), applications with their missions, unread count.
    with django_assert_max_num_queries(6):
        response = client.get(MINE)
    assert plain(response).count("Withdraw my application") == 16  # summary and button


# The public mission page and the working page.


def test_the_public_page_offers_to_apply_then_shows_the_team_by_first_names(cast):
    mission = published(team_size=2)
    url = reverse("missions:detail", kwargs={"pk": mission.pk})
    client = cast.client("volunteer")
    page = client.get(url)
    assert f'href="{apply_url(mission)}"' in text(page)
    assert "Applications open soon" not in plain(page)

    application = applied(mission, cast.volunteer)
    services.application_select(application=application, by=cast.coordinator, role="lead")
    page = plain(cast.client(None).get(url))
    assert "Valentin · Team lead" in page
    assert "Volontaire" not in page  # first names only on the public page
    assert "You are on the team of this mission." in plain(client.get(url))


def test_the_manage_page_shows_the_team_and_links_to_the_applicants(cast):
    mission = published(team_size=3, organisation=cast.organisation, supervisor=cast.supervisor)
    application = applied(mission, cast.volunteer)
    services.application_select(application=application, by=cast.coordinator, role="member")
    manage = reverse("missions:manage", kwargs={"pk": mission.pk})

    page = cast.client("coordinator").get(manage)
    assert "Seats taken: 1 of 3." in plain(page)
    assert "Valentin Volontaire · Member" in plain(page)
    assert f'href="{team_url(mission)}"' in text(page)
    assert f'href="{team_url(mission)}"' in text(cast.client("supervisor").get(manage))
    # The organisation sees its team, not the applicants.
    member_page = cast.client("member").get(manage)
    assert "Valentin Volontaire · Member" in plain(member_page)
    assert f'href="{team_url(mission)}"' not in text(member_page)


# Reminders: nobody waits past the promised date.


def test_coordinators_are_reminded_of_answers_falling_due(cast, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    due = published(title="Due soon", supervisor=cast.supervisor)
    late = published(title="Already late")
    calm = published(title="Plenty of time")
    for mission, days in ((due, 2), (late, -1), (calm, 5)):
        application = applied(mission, cast.volunteer)
        Application.objects.filter(pk=application.pk).update(
            answer_by=today + dt.timedelta(days=days)
        )
    answered = applied(published(title="Answered"), cast.other_volunteer)
    Application.objects.filter(pk=answered.pk).update(
        answer_by=today - dt.timedelta(days=3), status=Application.Status.DECLINED
    )
    forget_sent_mail()

    with django_capture_on_commit_callbacks(execute=True):
        result = remind_unanswered_applications.enqueue()
    assert result.return_value == 2  # the coordinator and the supervisor of "Due soon"

    (to_coordinator,) = mails_to(cast.coordinator)
    assert "2 applications wait for the team's answer" in to_coordinator.subject
    assert "Due soon" in to_coordinator.body
    assert "Already late" in to_coordinator.body
    assert "1 late" in to_coordinator.body
    assert "Plenty of time" not in to_coordinator.body
    assert "Answered" not in to_coordinator.body
    assert team_url(due) in to_coordinator.body
    (to_supervisor,) = mails_to(cast.supervisor)
    assert "1 application waits" in to_supervisor.subject
    assert "Already late" not in to_supervisor.body
    assert Notification.objects.filter(user=cast.coordinator, text=to_coordinator.subject)


def test_the_reminder_command_queues_the_task_and_tells_nobody_when_nothing_is_due(cast, capsys):
    applied(published(), cast.volunteer)  # due in three weeks
    told_before = Notification.objects.filter(user=cast.coordinator).count()
    call_command("send_application_reminders")
    assert "Queued the reminder task" in capsys.readouterr().out
    call_command("send_application_reminders", "--now")
    assert "Reminded 0 people." in capsys.readouterr().out
    assert Notification.objects.filter(user=cast.coordinator).count() == told_before
