"""Creates the demo through the same services as the pages, so it obeys the platform's rules.

Idempotent: objects are found by natural keys; what exists is never modified."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.accounts.services import role_grant
from soscience.core.demo.closed import MissionClose
from soscience.core.demo.content import (
    CAMPUSES,
    COORDINATOR,
    DEMO_PASSWORD,
    MISSIONS,
    NEEDS,
    NOTES,
    ORGANISATIONS,
    ROLE_ACCOUNTS,
    SUPERVISOR,
    ClosedSpec,
    MissionSpec,
    NeedSpec,
    OrgSpec,
    RunSpec,
)
from soscience.core.demo.content_closed import CLOSED_MISSIONS, CLOSED_NEEDS, CLOSED_VOLUNTEERS
from soscience.core.demo.content_network import STUDENT
from soscience.core.demo.network import NetworkLoad
from soscience.core.demo.running import MissionRun
from soscience.core.models import Domain, InternalNote, OutgoingMail, PlatformSettings
from soscience.core.services import note_add
from soscience.missions import services as missions
from soscience.missions.models import Mission
from soscience.needs import services as needs
from soscience.needs.models import Need
from soscience.organisations import services as organisations
from soscience.organisations.models import Organisation
from soscience.volunteers.models import Campus, Skill


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF saying it is a demo proof document."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    safe = ascii_title.replace("\\", "").replace("(", "[").replace(")", "]")
    stream = (
        f"BT /F1 16 Tf 72 760 Td ({safe}) Tj 0 -28 Td /F1 12 Tf "
        "(Document de demonstration - SoScience - sans valeur) Tj ET"
    )
    bodies = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += (
        f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode("ascii")
    return out


@contextmanager
def mail_kept_local(send_mail: bool) -> Iterator[None]:
    """Send none of the demo's mail: the demo's addresses are fictitious and some seventy
    notifications would bury the server's first lines (the inbox lines stay).

    The services write each mail to the outbox in their transaction and nudge the worker
    on commit. The tasks they enqueue go to Django's dummy backend, which runs nothing, and
    the outbox rows written while loading are deleted in the same transaction, so no worker
    or cron run can ever send them. (Rows are told by their id: the demo never runs in
    production, where another action could write mail at the same moment.)"""
    if send_mail:
        yield
        return
    dummy = "django.tasks.backends.dummy.DummyBackend"
    tasks = {alias: {**config, "BACKEND": dummy} for alias, config in settings.TASKS.items()}
    with override_settings(TASKS=tasks), transaction.atomic():
        before = OutgoingMail.objects.aggregate(last=Max("pk"))["last"] or 0
        yield
        OutgoingMail.objects.filter(pk__gt=before).delete()


# The closed missions' needs and missions come after the others (content_closed.py).
ALL_NEEDS = [*NEEDS, *CLOSED_NEEDS]
ALL_MISSIONS = [*MISSIONS, *CLOSED_MISSIONS]


def _by_name(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).order_by("pk").first()


class DemoLoader:
    """Creates what is missing, in dependency order, and counts what it created."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.users: dict[str, User] = {}
        # Hashed once for every account: hashing is deliberately slow, and make run
        # should not spend seconds on it.
        self.password_hash = make_password(DEMO_PASSWORD)

    def load(self) -> Counter[str]:
        for email, name, role in ROLE_ACCOUNTS:
            self.user(email, name, role)
        self.coordinator = self.users[COORDINATOR]
        for spec in ORGANISATIONS:
            self.user(*spec.representative, Role.ORGANISATION_MEMBER, language=spec.language)
        for email, name in CLOSED_VOLUNTEERS:
            self.user(email, name, Role.VOLUNTEER)
        self.campuses()
        for spec in ORGANISATIONS:
            self.organisation(spec)
        for spec in ALL_NEEDS:
            self.need(spec)
        for spec in ALL_MISSIONS:
            mission = self.mission(spec)
            if mission is not None and spec.running is not None:
                self.run(mission, spec.running)
            elif mission is not None and spec.closed is not None:
                self.close(mission, spec.closed)
        for kind, key, body in NOTES:
            self.note(kind, key, body)
        # The campus network (issue 6), once the missions it relays exist (network.py).
        self.user(*STUDENT, Role.VOLUNTEER)
        NetworkLoad(self.users, self.created).run()
        return self.created

    # --- people and places -------------------------------------------------------------

    def user(self, email: str, name: str, role: Role, *, language: str = "fr") -> User:
        if email in self.users:
            return self.users[email]
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=name, language=language)
            user.password = self.password_hash
            user.save()
            # Verified at once: the demo cannot receive the confirmation mail.
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if role != Role.ORGANISATION_MEMBER:  # that one comes from a membership
                role_grant(user=user, role=role)
            self.created["accounts"] += 1
        self.users[email] = user
        return user

    def campuses(self) -> None:
        for slug, name, short_name, city, is_home in CAMPUSES:
            if Campus.objects.filter(slug=slug).exists():
                continue
            # An installation may already have its own home campus: keep it.
            home = is_home and not Campus.objects.filter(is_home=True).exists()
            Campus.objects.create(
                slug=slug, name=name, short_name=short_name, city=city, is_home=home
            )
            self.created["campuses"] += 1

    # --- the path of a mission, through the services ------------------------------------

    def organisation(self, spec: OrgSpec) -> None:
        if Organisation.objects.filter(name=spec.name).exists():
            return
        data = {
            "name": spec.name, "legal_form": spec.legal_form, "country": spec.country,
            "city": spec.city, "website": spec.website, "social_mission": spec.social_mission,
            "beneficiaries": spec.beneficiaries, "siren": spec.siren, "siret": spec.siret,
            "rna": spec.rna,
        }  # fmt: skip
        proof = SimpleUploadedFile(
            "statuts-demo.pdf", demo_pdf(spec.name), content_type="application/pdf"
        )
        representative = self.users[spec.representative[0]]
        organisation = organisations.organisation_register(
            by=representative, data=data, proof=proof
        )
        if spec.status == Organisation.Status.VERIFIED:
            organisations.organisation_verify(
                organisation=organisation, by=self.coordinator,
                note="Statuts et rapport d'activité vérifiés (démo).",
            )  # fmt: skip
        elif spec.status == Organisation.Status.REJECTED:
            organisations.organisation_reject(
                organisation=organisation, by=self.coordinator, reason=spec.reason
            )
        self.created["organisations"] += 1

    def _representative(self, organisation: Organisation) -> User:
        spec = next(s for s in ORGANISATIONS if s.name == organisation.name)
        return self.users[spec.representative[0]]

    def need(self, spec: NeedSpec) -> None:
        organisation = _by_name(spec.organisation)
        if organisation is None or organisation.needs.filter(title=spec.title).exists():
            return
        author = self._representative(organisation)
        data = {
            "title": spec.title, "problem": spec.problem, "context": spec.context,
            "already_tried": spec.already_tried, "desired_outcome": spec.desired_outcome,
            "country": spec.country, "city": spec.city, "deadline": None,
        }  # fmt: skip
        need = needs.need_submit(
            organisation=organisation, by=author, data=data,
            domains=Domain.objects.filter(slug__in=spec.domains),
        )  # fmt: skip
        by = self.coordinator
        match spec.status:
            case Need.Status.SCOPING:
                needs.need_take_into_scoping(need=need, by=by)
            case Need.Status.DECLINED:
                reason, detail = spec.decline
                needs.need_decline(need=need, by=by, reason=reason, detail=detail)
            case Need.Status.DUPLICATE:
                original = organisation.needs.filter(title=spec.duplicate_of).first()
                if original is None:
                    raise CommandError(f"Demo need {spec.duplicate_of!r} is missing.")
                needs.need_mark_duplicate(need=need, by=by, original=original)
            case Need.Status.WITHDRAWN:
                needs.need_withdraw(need=need, by=author)
        self.created["needs"] += 1

    def mission(self, spec: MissionSpec) -> Mission | None:
        """Create the mission and take it to its stage; the published mission when it was
        created now (None when it existed, or stopped short of publication)."""
        need_spec = next(n for n in ALL_NEEDS if n.title == spec.need)
        organisation = _by_name(need_spec.organisation)
        if organisation is None or organisation.missions.filter(title=spec.title).exists():
            return None
        need = organisation.needs.filter(title=spec.need).first()
        if need is None:
            return None
        if need.status != Need.Status.SCOPING:
            return None  # someone triaged it otherwise since: leave it as they decided
        mission = missions.mission_create_from_need(
            need=need, by=self.coordinator, data=self._order(spec),
            domains=Domain.objects.filter(slug__in=spec.domains),
            skills=[(Skill.objects.get(slug=slug), level) for slug, level in spec.skills],
            supervisor=self.users[SUPERVISOR],
        )  # fmt: skip
        self.created["missions"] += 1
        if spec.status == Mission.Status.DRAFT:
            return None
        version = missions.mission_submit_for_approval(mission=mission, by=self.coordinator)
        if spec.status == Mission.Status.AWAITING_APPROVAL:
            return None
        missions.mission_approve(
            mission=mission, by=self._representative(need.organisation),
            version_number=version.number,
        )  # fmt: skip
        if spec.status == Mission.Status.APPROVED:
            return None
        missions.mission_publish(
            mission=mission, by=self.coordinator,
            campuses=list(Campus.objects.filter(slug__in=spec.campuses)),
        )  # fmt: skip
        return mission

    def run(self, mission: Mission, spec: RunSpec) -> None:
        """Some weeks of work on a mission published just now (see running.py)."""
        mission.refresh_from_db()
        MissionRun(
            mission, spec, coordinator=self.coordinator,
            representative=self._representative(mission.organisation),
            volunteer=self.users[spec.volunteer], pdf=demo_pdf,
        ).run()  # fmt: skip
        self.created["running missions"] += 1

    def close(self, mission: Mission, spec: ClosedSpec) -> None:
        """A whole mission, months ago, to its public case (see closed.py)."""
        mission.refresh_from_db()
        MissionClose(
            mission, spec, coordinator=self.coordinator,
            representative=self._representative(mission.organisation),
            volunteers=[self.users[email] for email, _motivation in spec.team], pdf=demo_pdf,
        ).run()  # fmt: skip
        self.created["closed missions"] += 1

    def _order(self, spec: MissionSpec) -> dict[str, Any]:
        # Within the platform's current maximum, whatever the team configured.
        weeks = min(spec.weeks, PlatformSettings.load().max_mission_weeks)
        start = timezone.localdate() + timedelta(days=spec.starts_in_days)
        return {
            "title": spec.title, "context": spec.context, "problem": spec.problem,
            "objectives": spec.objectives, "deliverables": spec.deliverables,
            "out_of_scope": spec.out_of_scope, "team_size": spec.team_size,
            "hours_per_week": spec.hours_per_week, "start_date": start,
            "end_date": start + timedelta(weeks=weeks), "work_mode": spec.work_mode,
            "country": spec.country, "city": spec.city, "languages": list(spec.languages),
            "equipment_budget": spec.equipment_budget, "results_licence": spec.results_licence,
            "confidentiality": spec.confidentiality,
        }  # fmt: skip

    def note(self, kind: str, key: str, body: str) -> None:
        model = Organisation if kind == "organisation" else Mission
        lookup = {"name": key} if kind == "organisation" else {"title": key}
        subject = model.objects.filter(**lookup).first()
        if subject is None:
            return
        exists = InternalNote.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=subject.pk,
            body=body,
        ).exists()  # fmt: skip
        if not exists:
            note_add(subject=subject, by=self.coordinator, body=body)
            self.created["internal notes"] += 1
