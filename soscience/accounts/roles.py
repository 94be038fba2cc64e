from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles a person may hold; several at once. Group-based except organisation member."""

    COORDINATOR = "coordinator", _("Coordinator")
    SUPERVISOR = "supervisor", _("Supervisor")
    VOLUNTEER = "volunteer", _("Volunteer")
    AMBASSADOR = "ambassador", _("Ambassador")
    ORGANISATION_MEMBER = "organisation_member", _("Organisation member")


# Roles held through a Django group of the same name.
GROUP_ROLES = (Role.COORDINATOR, Role.SUPERVISOR, Role.VOLUNTEER, Role.AMBASSADOR)
# Roles a coordinator may give by invitation (the coordination team).
TEAM_ROLES = (Role.COORDINATOR, Role.SUPERVISOR)
