from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError
from soscience.volunteers.models import Campus


@transaction.atomic
def campus_save(*, campus: Campus, by: User) -> Campus:
    """Create or change a campus. Only one campus may be the home campus: a concurrent save
    that breaks that rule is refused with a reason, not a server error."""
    if not is_coordinator(by):
        raise DomainError(_("Only coordinators manage campuses."))
    try:
        with transaction.atomic():
            campus.save()
    except IntegrityError as exc:
        raise DomainError(_("Another campus is already the home campus."), field="is_home") from exc
    return campus
