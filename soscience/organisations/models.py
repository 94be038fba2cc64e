from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from soscience.core.models import Event


def proof_upload_to(instance: Organisation, filename: str) -> str:
    # A random name: the original one is kept in the row, never trusted on disk.
    return f"private/proofs/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def verified(self) -> OrganisationQuerySet:
        return self.filter(status=Organisation.Status.VERIFIED)

    def awaiting_review(self) -> OrganisationQuerySet:
        return self.filter(status=Organisation.Status.PENDING).order_by("submitted_at", "pk")

    def of_member(self, user: object) -> OrganisationQuerySet:
        return self.filter(memberships__user=user)


class Organisation(models.Model):
    """A social enterprise or association that brings scientific needs (principle 1)."""

    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", _("Association (loi 1901)")
        FOUNDATION = "foundation", _("Foundation")
        COOPERATIVE = "cooperative", _("Cooperative (SCOP, SCIC)")
        ESUS = "esus", _("ESUS-approved company")
        SOCIAL_ENTERPRISE = "social_enterprise", _("Other social enterprise")
        FOREIGN_NGO = "foreign_ngo", _("NGO outside France")
        PUBLIC_BODY = "public_body", _("Public body")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    class NewsFrequency(models.TextChoices):
        IMMEDIATE = "immediate", _("As soon as a team shares it")
        WEEKLY = "weekly", _("In a weekly digest")

    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120)
    website = models.URLField(_("website"), blank=True)
    social_mission = models.TextField(
        _("social mission"),
        max_length=4000,
        help_text=_("What social benefit does your organisation create, and for whom?"),
    )
    beneficiaries = models.TextField(
        _("beneficiaries"),
        max_length=2000,
        help_text=_("Who benefits, and roughly how many people each year."),
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    rna = models.CharField(_("RNA number"), max_length=10, blank=True)
    proof_document = models.FileField(
        _("proof document"), upload_to=proof_upload_to, max_length=200
    )
    proof_name = models.CharField(max_length=200, blank=True)
    proof_content_type = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decision_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(null=True, blank=True)
    news_frequency = models.CharField(
        _("progress news by mail"), max_length=10, choices=NewsFrequency.choices,
        default=NewsFrequency.IMMEDIATE,
        help_text=_("How your members receive the news that mission teams share with you."),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # The review queue's decided tabs: the latest decisions first.
            models.Index(fields=["status", "-reviewed_at"], name="organisation_status_reviewed"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class Membership(models.Model):
    """A person acting for an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    is_representative = models.BooleanField(_("representative"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class OrganisationEvent(Event):
    """The organisation's history: registration, eligibility decisions, members."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        UPDATED = "updated", _("Details updated and sent for review again")
        VERIFIED = "verified", _("Eligibility verified")
        REJECTED = "rejected", _("Eligibility rejected")
        MEMBER_ADDED = "member_added", _("Member added")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)


class MemberInvitation(models.Model):
    """An address invited to join an organisation; claimed once that address is verified."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="memberinvitation_one_open",
            )
        ]

    def __str__(self) -> str:
        return self.email
