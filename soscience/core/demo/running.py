"""Takes the demo's running mission from publication to some weeks of work, through the
same services as the pages: the team selected, kick-off, milestones, news and a reply,
material approved, hours logged and validated, a report delivered.

Runs only on the mission the loader has just published: a mission that already existed is
left as its team made it (the loader never modifies what exists)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from soscience.accounts.models import User
from soscience.applications import services as applications
from soscience.applications.models import TeamMember
from soscience.core.demo.content import RunSpec
from soscience.execution import services as execution
from soscience.execution.models import ProgressUpdate
from soscience.execution.services_deliverables import deliverable_upload
from soscience.execution.services_equipment import request_create, request_decide
from soscience.execution.services_hours import hours_log, hours_validate
from soscience.missions.models import Mission


class MissionRun:
    """One run of a published mission; each step is done by the person who does it."""

    def __init__(
        self, mission: Mission, spec: RunSpec, *, coordinator: User, representative: User,
        volunteer: User, pdf: Callable[[str], bytes],
    ) -> None:  # fmt: skip
        self.mission = mission
        self.spec = spec
        self.coordinator = coordinator
        self.representative = representative
        self.volunteer = volunteer
        self.pdf = pdf  # the loader's demo_pdf (the loader imports this module)
        self.supervisor: User = mission.supervisor  # type: ignore[assignment]
        # The mission's start date is in the past (MissionSpec.starts_in_days < 0; no rule
        # asks an order to start in the future): the kick-off happened on it.
        self.kick_off: date = mission.start_date

    def day(self, number: int) -> date:
        return self.kick_off + timedelta(days=number)

    def run(self) -> None:
        self.select_team()
        self.mission = execution.mission_kick_off(
            mission=self.mission, by=self.supervisor, on=self.kick_off
        )
        self.milestones()
        self.news()
        self.equipment()
        self.hours()
        self.deliver()

    def select_team(self) -> None:
        # The team invited the volunteer: an invitation lets them apply whatever campus
        # their profile names (the demo volunteer has none), as the team chose them.
        invitation = applications.application_invite(
            mission=self.mission, volunteer=self.volunteer, by=self.coordinator
        )
        application = applications.application_submit(
            mission=invitation.mission, volunteer=self.volunteer,
            motivation=self.spec.motivation, availability_confirmed=True,
        )  # fmt: skip
        applications.application_select(
            application=application, by=self.coordinator, role=TeamMember.Role.LEAD
        )

    def milestones(self) -> None:
        for title, planned, done in self.spec.milestones:
            milestone = execution.milestone_add(
                mission=self.mission, by=self.supervisor, title=title, planned_on=self.day(planned)
            )
            if done is not None:
                execution.milestone_done(milestone=milestone, by=self.volunteer, on=self.day(done))

    def news(self) -> None:
        shared = execution.update_post(
            mission=self.mission, author=self.volunteer, body=self.spec.shared_update,
            visibility=ProgressUpdate.Visibility.SHARED,
        )  # fmt: skip
        execution.update_reply(update=shared, author=self.representative, body=self.spec.reply)
        execution.update_post(
            mission=self.mission, author=self.volunteer, body=self.spec.internal_update,
            visibility=ProgressUpdate.Visibility.INTERNAL,
        )  # fmt: skip

    def equipment(self) -> None:
        item, quantity, reason, cost, link = self.spec.equipment
        request = request_create(
            mission=self.mission, by=self.volunteer, item=item, quantity=quantity,
            reason=reason, estimated_cost=Decimal(cost), link=link,
        )  # fmt: skip
        request_decide(request=request, by=self.supervisor, approve=True)

    def hours(self) -> None:
        validated = []
        for day, hours, description, is_validated in self.spec.hours:
            entry = hours_log(
                mission=self.mission, by=self.volunteer, worked_on=self.day(day),
                hours=Decimal(hours), description=description,
            )  # fmt: skip
            if is_validated:
                validated.append(entry.pk)
        if validated:
            hours_validate(mission=self.mission, by=self.supervisor, ids=validated)

    def deliver(self) -> None:
        title, kind, name, description = self.spec.deliverable
        upload = SimpleUploadedFile(name, self.pdf(title), content_type="application/pdf")
        deliverable_upload(
            mission=self.mission, by=self.volunteer, title=title, kind=kind, file=upload,
            description=description,
        )  # fmt: skip
