from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from soscience.accounts.roles import GROUP_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def with_role(self, role: Role) -> models.QuerySet[User]:
        return self.filter(groups__name=role.value, is_active=True)


# What an erased account is called (stored in English, shown translated).
ERASED_NAME = gettext_noop("Former volunteer")


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email address is the login; roles come from groups and memberships."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # GDPR retention: the inactivity warning sent, and when the account was anonymised
    # (erased on request or after long inactivity); its rows stay for others' records.
    retention_warned_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        # An erased account shows a translated placeholder, whatever is stored.
        return gettext(ERASED_NAME) if self.anonymised_at else self.full_name

    def get_short_name(self) -> str:
        name = self.get_full_name()
        return name.split(" ")[0] if name else self.email

    @cached_property
    def roles(self) -> frozenset[str]:
        names = set(self.groups.filter(name__in=GROUP_ROLES).values_list("name", flat=True))
        if self.memberships.exists():
            names.add(Role.ORGANISATION_MEMBER)
        return frozenset(names)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_coordinator(self) -> bool:
        return Role.COORDINATOR in self.roles

    @property
    def is_supervisor(self) -> bool:
        return Role.SUPERVISOR in self.roles


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry() -> timezone.datetime:
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """A coordinator's invitation for someone to join the coordination team."""

    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"),
        max_length=32,
        choices=[(r.value, r.label) for r in (Role.COORDINATOR, Role.SUPERVISOR)],
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
