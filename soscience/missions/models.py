from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from soscience.core.models import Domain, Event
from soscience.needs.models import Need
from soscience.organisations.models import Organisation
from soscience.volunteers.models import Campus, Skill, SkillLevel

# Fields of the mission order that the organisation approves; a snapshot of exactly these
# is frozen in each MissionOrderVersion.
ORDER_FIELDS = (
    "title", "context", "problem", "objectives", "deliverables", "out_of_scope",
    "team_size", "hours_per_week", "start_date", "end_date", "work_mode", "country", "city",
    "languages", "equipment_budget", "results_licence", "confidentiality",
)  # fmt: skip


class MissionQuerySet(models.QuerySet["Mission"]):
    def published(self) -> MissionQuerySet:
        """Missions anyone can read in the catalogue."""
        return self.filter(status=Mission.Status.OPEN)


class Mission(models.Model):
    """A time-boxed mission order defined by the team from a need (principle 2)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the organisation's approval")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested by the organisation")
        APPROVED = "approved", _("Approved")
        OPEN = "open", _("Published")
        IN_PROGRESS = "in_progress", _("In progress")
        # The team handed over its work; the organisation accepts it or asks for changes.
        DELIVERED = "delivered", _("Delivered, awaiting the organisation's acceptance")
        ACCEPTED = "accepted", _("Accepted by the organisation")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class WorkMode(models.TextChoices):
        REMOTE = "remote", _("Remote")
        ON_SITE = "on_site", _("On site")
        HYBRID = "hybrid", _("Remote and on site")

    class ResultsLicence(models.TextChoices):
        OPEN = "open", _("Open: results published under CC BY 4.0 and reusable by all")
        ORGANISATION = (
            "organisation",
            _("The organisation owns the results; SoScience may describe them"),
        )
        SHARED = "shared", _("The organisation owns the results; reuse by other ESS actors allowed")

    class Confidentiality(models.TextChoices):
        PUBLIC = "public", _("Public: the organisation is named in the catalogue")
        DISCREET = "discreet", _("Discreet: the catalogue does not name the organisation")

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")
        PORTUGUESE = "pt", _("Portuguese")
        ARABIC = "ar", _("Arabic")
        FILIPINO = "tl", _("Filipino")

    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="missions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="missions"
    )
    title = models.CharField(_("title"), max_length=200)
    context = models.TextField(_("context"), max_length=8000)
    problem = models.TextField(_("problem"), max_length=8000)
    objectives = models.TextField(_("objectives"), max_length=6000)
    deliverables = models.TextField(_("deliverables"), max_length=6000)
    out_of_scope = models.TextField(_("out of scope"), max_length=4000)
    domains = models.ManyToManyField(Domain, verbose_name=_("domains"), related_name="missions")
    team_size = models.PositiveSmallIntegerField(_("team size"), default=1)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), default=4)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    work_mode = models.CharField(
        _("remote or on site"), max_length=16, choices=WorkMode.choices, default=WorkMode.REMOTE
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    languages = models.JSONField(_("working languages"), default=list)
    equipment_budget = models.DecimalField(
        _("equipment budget (EUR)"), max_digits=9, decimal_places=2, default=0
    )
    results_licence = models.CharField(
        _("results and reuse"), max_length=16, choices=ResultsLicence.choices,
        default=ResultsLicence.OPEN,
    )  # fmt: skip
    confidentiality = models.CharField(
        _("confidentiality"), max_length=16, choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
    )  # fmt: skip
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="supervised_missions", verbose_name=_("supervisor"),
    )  # fmt: skip
    campuses = models.ManyToManyField(
        Campus, blank=True, verbose_name=_("campuses"), related_name="missions"
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    kicked_off_on = models.DateField(_("kick-off"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered on"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=2000)
    applications_close_on = models.DateField(
        _("applications close on"), null=True, blank=True,
        help_text=_("The team answers every applicant within a few days of this date."),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["country", "status"]),
            # The coordinators' list of orders of one status, latest changed first.
            models.Index(fields=["status", "-updated_at"], name="mission_status_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")),
                                   name="mission_ends_after_start"),
            models.CheckConstraint(condition=Q(team_size__gte=1), name="mission_team_size_min"),
            models.CheckConstraint(condition=Q(hours_per_week__gte=1),
                                   name="mission_hours_min"),
            models.CheckConstraint(condition=Q(equipment_budget__gte=0),
                                   name="mission_budget_positive"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def duration_weeks(self) -> float:
        return (self.end_date - self.start_date).days / 7

    @property
    def public_organisation_name(self) -> str:
        if self.confidentiality == self.Confidentiality.DISCREET:
            return str(_("A partner organisation"))
        return self.organisation.name

    def language_labels(self) -> list[str]:
        labels = dict(self.Language.choices)
        return [str(labels.get(code, code)) for code in self.languages]


EDITABLE_STATUSES = frozenset(
    {
        Mission.Status.DRAFT,
        Mission.Status.AWAITING_APPROVAL,
        Mission.Status.CHANGES_REQUESTED,
        Mission.Status.APPROVED,
    }
)


class MissionSkill(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="skill_needs")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("level"), choices=SkillLevel.choices, default=SkillLevel.PRACTISED
    )

    class Meta:
        ordering = ["-level", "skill__name_fr"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "skill"], name="missionskill_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3),
                                   name="missionskill_level_range"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.skill} ({self.level})"


class MissionOrderVersion(models.Model):
    """A frozen copy of the mission order sent to the organisation for approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        SUPERSEDED = "superseded", _("Superseded by a later version")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=4000, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "number"], name="orderversion_unique"),
            models.UniqueConstraint(fields=["mission"], condition=Q(status="pending"),
                                    name="orderversion_one_pending"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.mission_id} v{self.number}"


class MissionEvent(Event):
    """One line of the mission's timeline, and its audit trail."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Mission order drafted")
        EDITED = "edited", _("Mission order edited")
        SUBMITTED = "submitted", _("Sent to the organisation for approval")
        APPROVED = "approved", _("Approved by the organisation")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested by the organisation")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Withdrawn from the catalogue")
        CANCELLED = "cancelled", _("Cancelled")
        KICKED_OFF = "kicked_off", _("Kick-off: the mission starts")
        EXTENDED = "extended", _("End date extended")
        DELIVERED = "delivered", _("Delivered by the team")
        DELIVERY_ACCEPTED = "delivery_accepted", _("Deliverables accepted by the organisation")
        DELIVERY_CHANGES = "delivery_changes", _("Changes to the deliverables asked")
        CLOSED = "closed", _("Mission closed")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    version = models.ForeignKey(
        MissionOrderVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
