"""Creates the demo's campus network (issue 6) through the same services as the pages: the
campuses' partnerships, the ambassador's campus, events with registrations and attendance,
a share link with the visits and the application it brought, a working group and four
prospects. The content is in content_network.py.

Idempotent like the rest of the loader: each part is found by a natural key and left as it
is when it exists (event and group titles, prospect names, the ambassador's link to the
mission); a campus's partnership is only filled in while it is blank."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Q
from django.utils import timezone

from soscience.accounts.models import User
from soscience.applications import services as applications
from soscience.core.demo.content import AMBASSADOR, COORDINATOR
from soscience.core.demo.content_network import (
    AMBASSADOR_CAMPUS,
    CONFERENCE,
    EVENTS,
    GROUP,
    PARTNERSHIPS,
    PROSPECTS,
    SHARE_LABEL,
    SHARED_MISSION,
    SOFIANE,
    STUDENT_BIO,
    STUDENT_MOTIVATION,
    STUDENT_PROGRAMME,
    STUDENT_SKILLS,
    VISITOR,
    EventSpec,
    ProspectSpec,
)
from soscience.events import services as events
from soscience.events import services_registrations as registrations
from soscience.events.models import Event, Registration
from soscience.groups import services as groups
from soscience.groups.models import WorkingGroup
from soscience.missions.models import Mission
from soscience.network import services as network
from soscience.network.models import ShareLink
from soscience.organisations.models import Organisation
from soscience.prospects import services as prospects
from soscience.prospects.models import Prospect
from soscience.volunteers import services as volunteers
from soscience.volunteers.models import Ambassadorship, Campus, Skill, VolunteerProfile


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


class NetworkLoad:
    """One load of the network part; ``users`` are the loader's accounts by email."""

    def __init__(self, users: dict[str, User], created: Counter[str]) -> None:
        self.users = users
        self.created = created
        self.coordinator = users[COORDINATOR]
        self.ambassador = users[AMBASSADOR]

    def run(self) -> None:
        self.partnerships()
        self.ambassadorship()
        self.student_profile()
        for spec in EVENTS:
            self.event(spec)
        self.share_link()
        self.group()
        for spec in PROSPECTS:
            self.prospect(spec)

    # --- campuses -------------------------------------------------------------------------

    def partnerships(self) -> None:
        today = timezone.localdate()
        for slug, (name, email, since_days) in PARTNERSHIPS.items():
            campus = Campus.objects.filter(slug=slug).first()
            if campus is None or campus.contact_name or campus.contact_email:
                continue  # the team filled it in: theirs
            if campus.partnership_start is not None:
                continue
            campus.contact_name, campus.contact_email = name, email
            campus.partnership_start = today - dt.timedelta(days=since_days)
            volunteers.campus_save(campus=campus, by=self.coordinator)
            self.created["campus partnerships"] += 1

    def ambassadorship(self) -> None:
        # Only while the ambassador has no campus at all: one the team gave him stays his.
        campus = Campus.objects.filter(slug=AMBASSADOR_CAMPUS).first()
        if campus is None or Ambassadorship.objects.filter(user=self.ambassador).exists():
            return
        volunteers.ambassador_appoint(campus=campus, email=AMBASSADOR, by=self.coordinator)
        self.created["ambassadorships"] += 1

    def student_profile(self) -> None:
        student = self.users[SOFIANE]
        campus = Campus.objects.filter(slug=AMBASSADOR_CAMPUS).first()
        if campus is None or VolunteerProfile.objects.filter(user=student).exists():
            return
        skills = [(Skill.objects.get(slug=slug), level) for slug, level in STUDENT_SKILLS]
        data = volunteers.ProfileInput(
            campus=campus, programme=STUDENT_PROGRAMME, year=2, bio=STUDENT_BIO,
            languages=["fr", "en"], city="Cachan", consent_matching=True, campus_digest=True,
            skills=skills,
        )  # fmt: skip
        volunteers.profile_save(user=student, data=data)
        self.created["volunteer profiles"] += 1

    # --- events ---------------------------------------------------------------------------

    def event(self, spec: EventSpec) -> None:
        if Event.objects.filter(title=spec.title).exists():
            return
        data = self._event_data(spec, spec.starts_in_days)
        past = spec.starts_in_days < 0
        # A past event is created with its real dates (its address carries the date), then
        # moved ahead for the time of publication and registrations - which the services
        # only allow before an event starts - and put back on its dates.
        event = events.event_create(by=self.coordinator, **data)
        if past:
            event = events.event_update(
                event=event, by=self.coordinator, **self._event_data(spec, 1)
            )
        event = events.event_publish(event=event, by=self.coordinator)
        for email in spec.registered:
            registrations.registration_register_user(event=event, user=self.users[email])
        if spec is CONFERENCE:
            self.visitor(event)
        if past:
            event = events.event_update(event=event, by=self.coordinator, **data)
            came = Registration.objects.filter(event=event, email__in=spec.attended)
            events.attendance_record(
                event=event, by=self.coordinator, attended=list(came.values_list("pk", flat=True))
            )
            # The registrations were made before the event (dates only; see closed.py).
            Registration.objects.filter(event=event).update(
                created_at=_at(spec.starts_in_days - 10, 12),
                confirmed_at=_at(spec.starts_in_days - 10, 12),
            )
        self.created["events"] += 1

    def _event_data(self, spec: EventSpec, starts_in_days: int) -> dict[str, Any]:
        starts = _at(starts_in_days, spec.hour)
        campus = Campus.objects.filter(slug=spec.campus).first() if spec.campus else None
        return {
            "title": spec.title, "description": spec.description, "speakers": spec.speakers,
            "campus": campus, "online": bool(spec.online_url), "online_url": spec.online_url,
            "room": spec.room, "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=spec.hours), "capacity": spec.capacity,
            "audience": spec.audience,
        }  # fmt: skip

    def visitor(self, event: Event) -> None:
        """A visitor registers and clicks the link of the (local) confirmation mail."""
        name, email = VISITOR
        registration = registrations.registration_request_visitor(
            event=event, name=name, email=email, language="fr"
        )
        registrations.registration_confirm_visitor(registration=registration, language="fr")

    # --- the ambassador's share link ----------------------------------------------------

    def share_link(self) -> None:
        mission = Mission.objects.published().filter(title=SHARED_MISSION).first()
        campus = Campus.objects.filter(slug=AMBASSADOR_CAMPUS).first()
        if mission is None or campus is None:
            return
        if ShareLink.objects.filter(ambassador=self.ambassador, mission=mission).exists():
            return
        if mission.status != Mission.Status.OPEN:
            return
        link = network.share_link_create(
            mission=mission, by=self.ambassador, channel=ShareLink.Channel.AMBASSADOR,
            label=SHARE_LABEL, campus=campus,
        )  # fmt: skip
        self.created["share links"] += 1
        # Two people follow it; the second is a student of the campus who then applies and
        # registers to the conference in the same session (each session is what a browser
        # would hold: the code of the link it followed).
        network.link_visit(link=link, session={})
        session: dict[str, Any] = {}
        network.link_visit(link=link, session=session)
        student = self.users[SOFIANE]
        if not mission.applications.filter(volunteer=student).exists():
            applications.application_submit(
                mission=mission, volunteer=student, motivation=STUDENT_MOTIVATION,
                availability_confirmed=True,
            )  # fmt: skip
            network.referral_record(session, "application", student, mission=mission)
        conference = Event.objects.filter(
            title=CONFERENCE.title, status=Event.Status.PUBLISHED, starts_at__gt=timezone.now()
        ).first()
        if (
            conference is not None
            and not conference.registrations.filter(
                Q(user=student) | Q(email__iexact=student.email)
            ).exists()
        ):
            # The registration carries the link: the service records the referral.
            registrations.registration_register_user(event=conference, user=student, referral=link)

    # --- working group --------------------------------------------------------------------

    def group(self) -> None:
        if WorkingGroup.objects.filter(title=GROUP.title).exists():
            return
        mission = Mission.objects.filter(title=GROUP.mission).order_by("pk").first()
        needs = mission.skill_needs.select_related("skill") if mission is not None else []
        skills = [need.skill for need in needs]
        group = groups.group_create(
            by=self.coordinator, title=GROUP.title, description=GROUP.description,
            theme=GROUP.theme, mission=mission, skills=skills,
        )  # fmt: skip
        for email, expertise in GROUP.members:
            groups.member_add(group=group, by=self.coordinator, email=email, expertise=expertise)
        for email, body in GROUP.posts:
            groups.post_add(group=group, by=self.users[email], body=body)
        self.created["working groups"] += 1

    # --- prospecting ----------------------------------------------------------------------

    def prospect(self, spec: ProspectSpec) -> None:
        if Prospect.objects.filter(name=spec.name).exists():
            return
        organisation = None
        if spec.stage == Prospect.Stage.REGISTERED:
            organisation = Organisation.objects.filter(name=spec.organisation).first()
            if organisation is None or Prospect.objects.filter(organisation=organisation).exists():
                return
        data = {
            "name": spec.name, "country": spec.country, "city": spec.city,
            "website": spec.website, "contact_name": spec.contact[0],
            "contact_email": spec.contact[1], "source": spec.source,
            "source_detail": spec.source_detail, "owner": self.coordinator,
            "event": self._past_event() if spec.from_event else None,
        }  # fmt: skip
        if spec.suggested_by_ambassador:
            prospect = prospects.prospect_suggest(
                by=self.ambassador, data=data, what_i_know=spec.suggestion
            )
            prospect = prospects.prospect_update(
                prospect=prospect, by=self.coordinator,
                data={"name": spec.name, "owner": self.coordinator},
            )  # fmt: skip
        else:
            prospect = prospects.prospect_create(by=self.coordinator, data=data)
        self._contacts(prospect, spec)
        self._stage(prospect, spec, organisation)
        self.created["prospects"] += 1

    def _past_event(self) -> Event | None:
        return Event.objects.filter(starts_at__lt=timezone.now()).order_by("-starts_at").first()

    def _contacts(self, prospect: Prospect, spec: ProspectSpec) -> None:
        today = timezone.localdate()
        last = len(spec.log) - 1
        for index, (days_ago, kind, summary) in enumerate(spec.log):
            action, due = "", None
            if index == last and spec.next_action is not None:
                action, in_days = spec.next_action
                due = today + dt.timedelta(days=in_days)
            prospects.contact_add(
                prospect=prospect, by=self.coordinator, on=today - dt.timedelta(days=days_ago),
                kind=kind, summary=summary, next_action=action, next_action_on=due,
            )  # fmt: skip

    def _stage(self, prospect: Prospect, spec: ProspectSpec, organisation: Organisation | None):
        by = self.coordinator
        if organisation is not None:
            prospects.prospect_register(prospect=prospect, by=by, organisation=organisation)
            return
        if spec.stage in (Prospect.Stage.INTERESTED, Prospect.Stage.DECLINED):
            # Along the pipeline, as the team moves it; each move is a line in the log.
            prospects.prospect_stage_change(
                prospect=prospect, by=by, stage=Prospect.Stage.CONTACTED
            )
        if spec.stage != Prospect.Stage.CONTACTED:
            prospects.prospect_stage_change(
                prospect=prospect, by=by, stage=spec.stage, reason=spec.decline_reason
            )
        else:
            prospects.prospect_stage_change(prospect=prospect, by=by, stage=spec.stage)
        if spec.next_action is not None and spec.next_action[1] <= 0:
            # The worker's daily run would remind the coordinator of the action due today:
            # done now, so the reminder is in her inbox and no mail leaves the demo later.
            prospects.prospect_reminders_send()
