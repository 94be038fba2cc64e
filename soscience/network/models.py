"""The campus network: share links that say which ambassador or channel brought a visitor
(first-party attribution, no third-party tracker), and the weekly campus digests sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from soscience.missions.models import Mission
from soscience.volunteers.models import Campus


class ShareLink(models.Model):
    """A short link to a mission (or an event) for one ambassador or channel."""

    class Channel(models.TextChoices):
        AMBASSADOR = "ambassador", _("Ambassador")
        POSTER = "poster", _("Poster on a notice board")
        MAIL = "mail", _("Mailing list")
        SOCIAL = "social", _("Social network")
        OTHER = "other", _("Other")

    code = models.CharField(max_length=16, unique=True)
    mission = models.ForeignKey(
        Mission, null=True, blank=True, on_delete=models.CASCADE, related_name="share_links"
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="share_links"
    )
    campus = models.ForeignKey(
        Campus, null=True, blank=True, on_delete=models.SET_NULL, related_name="share_links"
    )
    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="share_links",
    )  # fmt: skip
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    label = models.CharField(_("label"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("share link")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mission__isnull=False) | models.Q(event__isnull=False),
                name="sharelink_has_target",
            )
        ]

    def __str__(self) -> str:
        return self.code


class Referral(models.Model):
    """What a share link brought: a visit, then perhaps a sign-up, an application or an event
    registration. No personal data about the visitor beyond the account or registration it
    became."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        SIGNUP = "signup", _("Sign-up")
        APPLICATION = "application", _("Application")
        REGISTRATION = "registration", _("Event registration")

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["link", "kind"])]

    def __str__(self) -> str:
        return f"{self.link_id} {self.kind}"


class CampusDigestSent(models.Model):
    """A volunteer got the campus digest that told them about this mission: never twice."""

    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "mission"], name="campus_digest_once_per_mission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.mission_id}"
