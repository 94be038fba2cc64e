"""factory_boy factories for the domain; one place, used by every test module."""

from __future__ import annotations

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.models import Domain
from soscience.missions.models import Mission, MissionSkill
from soscience.needs.models import Need
from soscience.organisations.models import Membership, Organisation
from soscience.volunteers.models import Campus, Skill

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# The smallest valid PDF a browser would accept; content-sniffed as application/pdf.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name: str = "statuts.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    language = "en"  # tests read English; French is tested explicitly
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if not create:
            return
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))
        if Role.COORDINATOR in (extracted or []) or Role.SUPERVISOR in (extracted or []):
            TOTP.activate(self, TOTP_SECRET)
        self.save()
        EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association Eau Claire {n}")
    legal_form = Organisation.LegalForm.ASSOCIATION
    country = "FR"
    city = "Paris"
    social_mission = "Bring safe drinking water to schools."
    beneficiaries = "About 2,000 pupils a year."
    rna = "W751234567"
    proof_document = factory.django.FileField(filename="statuts.pdf", data=PDF_BYTES)
    proof_name = "statuts.pdf"
    proof_content_type = "application/pdf"
    status = Organisation.Status.VERIFIED
    created_by = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    is_representative = True


class CampusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campus
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"École d'ingénieurs {n}")
    short_name = factory.Sequence(lambda n: f"EI{n}")
    slug = factory.Sequence(lambda n: f"ei-{n}")
    city = "Paris"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Filtrer l'eau du puits {n}")
    problem = "The well water is cloudy after the rains."
    desired_outcome = "A filter the school can build and maintain."
    country = "SN"
    city = "Thiès"
    submitted_by = factory.LazyAttribute(lambda o: o.organisation.created_by)
    status = Need.Status.SUBMITTED

    @factory.post_generation
    def domains(self, create: bool, extracted: list[Domain] | None, **kwargs: object) -> None:
        if create:
            self.domains.set(extracted or [Domain.objects.get(slug="water")])


def _start() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=14)


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    need = None
    title = factory.Sequence(lambda n: f"Concevoir un filtre à sable {n}")
    context = "A rural school of 300 pupils."
    problem = "Cloudy water after the rains."
    objectives = "Design a slow sand filter."
    deliverables = "Plans and a build guide."
    out_of_scope = "Building the filter on site."
    team_size = 2
    hours_per_week = 5
    start_date = factory.LazyFunction(_start)
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(weeks=8))
    work_mode = Mission.WorkMode.REMOTE
    country = "SN"
    city = "Thiès"
    languages = factory.LazyFunction(lambda: ["fr"])
    status = Mission.Status.DRAFT
    created_by = factory.LazyAttribute(lambda o: o.organisation.created_by)

    @factory.post_generation
    def domains(self, create: bool, extracted: list[Domain] | None, **kwargs: object) -> None:
        if create:
            self.domains.set(extracted or [Domain.objects.get(slug="water")])

    @factory.post_generation
    def skills(self, create: bool, extracted: list[tuple[str, int]] | None, **kw: object) -> None:
        if create:
            for slug, level in extracted or [("water-treatment", 2)]:
                MissionSkill.objects.create(
                    mission=self, skill=Skill.objects.get(slug=slug), level=level
                )


def forget_sent_mail() -> None:
    """What the setup put in the outbox counts as sent, as it would have been when its action
    committed (a test's transaction never commits), and is forgotten with ``mail.outbox``."""
    from django.core import mail

    from soscience.core.outbox import send_due_mail

    send_due_mail()
    mail.outbox.clear()
