"""Takes one of the demo's closed missions from publication to the public case, through the
same services as the pages: the team selected, kick-off, news, hours logged and validated,
a deliverable, delivered, accepted, both closing surveys and the supervisor's note, closed,
the team's certificates, and a case published with the deliverable offered.

Runs only on the mission the loader has just published (like running.py); a mission that
already existed is left as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from soscience.accounts.models import User
from soscience.applications import services as applications
from soscience.applications.models import Application, TeamMember
from soscience.cases import services as cases
from soscience.cases.models import Case
from soscience.certificates.models import Certificate
from soscience.certificates.services import certificates_issue_for_mission
from soscience.closing import services as closing
from soscience.closing import services_surveys as surveys
from soscience.closing.models import ClosingNote, OrganisationSurvey, VolunteerSurvey
from soscience.core.demo.content import ClosedSpec
from soscience.execution import services as execution
from soscience.execution.models import HoursEntry, ProgressUpdate
from soscience.execution.models_deliverables import Deliverable
from soscience.execution.services_deliverables import deliverable_upload
from soscience.execution.services_hours import hours_log, hours_validate
from soscience.impact import rollup
from soscience.missions.models import Mission, MissionEvent, MissionOrderVersion
from soscience.needs.models import Need, NeedEvent
from soscience.volunteers.models import Skill


class MissionClose:
    """One closed mission's whole life; each step is done by the person who does it."""

    def __init__(
        self, mission: Mission, spec: ClosedSpec, *, coordinator: User, representative: User,
        volunteers: list[User], pdf: Callable[[str], bytes],
    ) -> None:  # fmt: skip
        self.mission = mission
        self.spec = spec
        self.coordinator = coordinator
        self.representative = representative
        self.team = volunteers  # in the order of spec.team; the first leads
        self.pdf = pdf  # the loader's demo_pdf (the loader imports this module)
        self.supervisor: User = mission.supervisor  # type: ignore[assignment]
        # The start date is months ago (MissionSpec.starts_in_days < 0; no rule asks an
        # order to start in the future): the kick-off happened on it, and the hours are
        # logged on days of the mission, all in the past.
        self.kick_off: dt.date = mission.start_date

    def day(self, number: int) -> dt.date:
        return self.kick_off + dt.timedelta(days=number)

    def run(self) -> None:
        self.select_team()
        self.mission = execution.mission_kick_off(
            mission=self.mission, by=self.supervisor, on=self.kick_off
        )
        execution.update_post(
            mission=self.mission, author=self.team[0], body=self.spec.shared_update,
            visibility=ProgressUpdate.Visibility.SHARED,
        )  # fmt: skip
        self.hours()
        deliverable = self.deliver()
        closing.mission_deliver(mission=self.mission, by=self.team[0])
        closing.delivery_accept(mission=self.mission, by=self.representative)
        self.surveys()
        closing.mission_close(mission=self.mission, by=self.coordinator)
        certificates_issue_for_mission(mission=self.mission, by=self.coordinator)
        self.case(deliverable)
        Calendar(self.mission).backdate()

    def select_team(self) -> None:
        # Invited by the team, as for the running mission: an invitation lets a volunteer
        # apply whatever campus their profile names.
        for index, ((_email, motivation), volunteer) in enumerate(
            zip(self.spec.team, self.team, strict=True)
        ):
            invitation = applications.application_invite(
                mission=self.mission, volunteer=volunteer, by=self.coordinator
            )
            application = applications.application_submit(
                mission=invitation.mission, volunteer=volunteer, motivation=motivation,
                availability_confirmed=True,
            )  # fmt: skip
            role = TeamMember.Role.LEAD if index == 0 else TeamMember.Role.MEMBER
            applications.application_select(application=application, by=self.coordinator, role=role)

    def hours(self) -> None:
        for index, day, hours, description in self.spec.hours:
            hours_log(
                mission=self.mission, by=self.team[index], worked_on=self.day(day),
                hours=Decimal(hours), description=description,
            )  # fmt: skip
        pending = HoursEntry.objects.filter(mission=self.mission, validated_at__isnull=True)
        ids = list(pending.order_by("pk").values_list("pk", flat=True))
        hours_validate(mission=self.mission, by=self.supervisor, ids=ids)

    def deliver(self) -> Deliverable:
        title, kind, name, description = self.spec.deliverable
        upload = SimpleUploadedFile(name, self.pdf(title), content_type="application/pdf")
        return deliverable_upload(
            mission=self.mission, by=self.team[0], title=title, kind=kind, file=upload,
            description=description,
        )  # fmt: skip

    def surveys(self) -> None:
        answers = self.spec.organisation_survey
        surveys.organisation_survey_answer(
            mission=self.mission, by=self.representative, worked=answers.worked,
            applied=answers.applied, not_applied_why=answers.not_applied_why,
            local_impact=answers.local_impact, beneficiaries=answers.beneficiaries,
            recommend=answers.recommend, testimonial=answers.testimonial,
            testimonial_consent=True, case_consent=True,
        )  # fmt: skip
        for volunteer, answer in zip(self.team, self.spec.volunteer_surveys, strict=True):
            surveys.volunteer_survey_answer(
                mission=self.mission, by=volunteer,
                skills_used=list(Skill.objects.filter(slug__in=answer.skills_used)),
                skills_gained=list(Skill.objects.filter(slug__in=answer.skills_gained)),
                confidence_before=answer.confidence_before,
                confidence_after=answer.confidence_after, would_change=answer.would_change,
            )  # fmt: skip
        # Written before closing: a closed mission's note can no longer be changed.
        surveys.closing_note_save(
            mission=self.mission, by=self.supervisor, body=self.spec.closing_note
        )

    def case(self, deliverable: Deliverable) -> None:
        case = cases.case_create_from_mission(mission=self.mission, by=self.coordinator)
        case = cases.case_update(
            case=case, by=self.coordinator, title=case.title, problem=case.problem,
            solution=case.solution, results=case.results, files=[deliverable],
        )  # fmt: skip
        cases.case_publish(case=case, by=self.coordinator)


class Calendar:
    """Moves the closed mission's recorded moments to the days they belong to.

    The services stamp every step with the moment it is done, so a mission the loader
    takes through its whole life in a second would be published, delivered, accepted and
    closed today, months after its end date: its timeline, the testimonial's date, the
    certificates and the dashboard's per-year figures and lead times would all say so.
    Only the dates are rewritten here, after the services did every write and check; the
    steps themselves are theirs. The notifications keep today's date: they are what the
    demo accounts find new in their inbox."""

    def __init__(self, mission: Mission) -> None:
        self.mission = mission
        self.start: dt.date = mission.kicked_off_on  # type: ignore[assignment]
        self.end: dt.date = mission.end_date

    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        zone = timezone.get_current_timezone()
        return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)

    def before(self, days: int, hour: int = 10) -> dt.datetime:
        return self.at(self.start - dt.timedelta(days=days), hour)

    def after_end(self, days: int, hour: int = 10) -> dt.datetime:
        return self.at(self.end + dt.timedelta(days=days), hour)

    def backdate(self) -> None:
        self.need()
        self.order()
        self.team()
        self.work()
        self.closing()

    def need(self) -> None:
        need = self.mission.need
        Need.objects.filter(pk=need.pk).update(
            submitted_at=self.before(45), triaged_at=self.before(40)
        )
        NeedEvent.objects.filter(need=need, kind=NeedEvent.Kind.SUBMITTED).update(
            created_at=self.before(45)
        )
        NeedEvent.objects.filter(need=need).exclude(kind=NeedEvent.Kind.SUBMITTED).update(
            created_at=self.before(40)
        )

    def order(self) -> None:
        versions = MissionOrderVersion.objects.filter(mission=self.mission)
        versions.update(created_at=self.before(33), decided_at=self.before(31))
        Mission.objects.filter(pk=self.mission.pk).update(
            created_at=self.before(36), published_at=self.before(28),
            delivered_at=self.after_end(-2), accepted_at=self.after_end(3),
            closed_at=self.after_end(12),
        )  # fmt: skip
        when = {
            MissionEvent.Kind.CREATED: self.before(36),
            MissionEvent.Kind.SUBMITTED: self.before(33),
            MissionEvent.Kind.APPROVED: self.before(31),
            MissionEvent.Kind.PUBLISHED: self.before(28),
            MissionEvent.Kind.KICKED_OFF: self.at(self.start, 9),
            MissionEvent.Kind.DELIVERED: self.after_end(-2),
            MissionEvent.Kind.DELIVERY_ACCEPTED: self.after_end(3),
            MissionEvent.Kind.CLOSED: self.after_end(12),
        }
        for kind, moment in when.items():
            MissionEvent.objects.filter(mission=self.mission, kind=kind).update(created_at=moment)

    def team(self) -> None:
        Application.objects.filter(mission=self.mission).update(
            created_at=self.before(20), applied_at=self.before(18), decided_at=self.before(10)
        )
        TeamMember.objects.filter(mission=self.mission).update(joined_at=self.before(10))

    def work(self) -> None:
        ProgressUpdate.objects.filter(mission=self.mission).update(created_at=self.after_end(-5))
        HoursEntry.objects.filter(mission=self.mission).update(validated_at=self.after_end(-1))
        rollup.refresh([self.mission.pk])  # update() sends no signal
        Deliverable.objects.filter(mission=self.mission).update(uploaded_at=self.after_end(-3))

    def closing(self) -> None:
        OrganisationSurvey.objects.filter(mission=self.mission).update(
            answered_at=self.after_end(8)
        )
        VolunteerSurvey.objects.filter(mission=self.mission).update(answered_at=self.after_end(9))
        ClosingNote.objects.filter(mission=self.mission).update(written_at=self.after_end(10))
        Certificate.objects.filter(mission=self.mission).update(issued_at=self.after_end(12, 11))
        Case.objects.filter(mission=self.mission).update(
            created_at=self.after_end(14), published_at=self.after_end(20)
        )
