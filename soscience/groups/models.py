"""Working groups: researchers and students with complementary skills around a hard mission
or a theme, with a discussion thread and shared files."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from soscience.missions.models import Mission
from soscience.volunteers.models import Skill


def group_file_to(instance: GroupFile, filename: str) -> str:
    return f"private/groups/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class WorkingGroup(models.Model):
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=8000)
    mission = models.ForeignKey(
        Mission, null=True, blank=True, on_delete=models.SET_NULL, related_name="working_groups",
        verbose_name=_("mission"),
    )  # fmt: skip
    # The skills the group needs: what the engine compares its members' skills with.
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills"))
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("working group")

    def __str__(self) -> str:
        return self.title


class GroupMember(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_groups"
    )
    expertise = models.CharField(_("expertise"), max_length=300, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}"


class GroupPost(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=8000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class GroupFile(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=group_file_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name
