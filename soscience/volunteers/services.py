"""Writes of the volunteers app: campuses, ambassadors, volunteer profiles; the taxonomy's
services live in ``volunteers.taxonomy`` and are re-exported here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.accounts.services import role_grant, role_revoke
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError
from soscience.core.models import Domain
from soscience.notifications.services import notify
from soscience.privacy.consents import profile_consents_record
from soscience.volunteers.languages import WorkingLanguage
from soscience.volunteers.models import (
    Ambassadorship,
    Availability,
    Campus,
    Skill,
    SkillLevel,
    VolunteerProfile,
    VolunteerSkill,
)
from soscience.volunteers.search import SkillIndex, split_terms
from soscience.volunteers.taxonomy import (
    skill_create,
    skill_lookup,
    skill_merge,
    skill_rename,
    skill_update,
    unmatched_term_map,
    unmatched_term_record,
)

__all__ = [
    "AvailabilityWindow", "ProfileInput", "ProfileSaved", "ambassador_appoint",
    "ambassador_remove", "campus_save", "profile_changed", "profile_save", "profiles_changed",
    "skill_create", "skill_lookup", "skill_merge", "skill_rename", "skill_update",
    "unmatched_term_map", "unmatched_term_record",
]  # fmt: skip

MAX_HOURS_PER_WEEK = 40
MAX_YEAR = 10


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


# Ambassadors


@transaction.atomic
def ambassador_appoint(*, campus: Campus, email: str, by: User) -> Ambassadorship:
    """Make the account with ``email`` an ambassador of ``campus`` (and give it the role)."""
    if not is_coordinator(by):
        raise DomainError(_("Only coordinators appoint ambassadors."))
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise DomainError(
            _("No account uses this address: ask the student to sign up first."), field="email"
        )
    if Ambassadorship.objects.filter(user=user, campus=campus).exists():
        raise DomainError(
            _("%(name)s is already an ambassador of this campus.") % {"name": user},
            field="email",
        )
    ambassadorship = Ambassadorship.objects.create(user=user, campus=campus)
    role_grant(user=user, role=Role.AMBASSADOR, by=by)
    notify(
        user, "volunteers/mail/ambassador_appointed", {"campus": campus.name},
        url=reverse("core:dashboard"),
    )  # fmt: skip
    return ambassadorship


@transaction.atomic
def ambassador_remove(*, ambassadorship: Ambassadorship, by: User) -> None:
    """End an ambassadorship; the role goes with the person's last campus."""
    if not is_coordinator(by):
        raise DomainError(_("Only coordinators appoint ambassadors."))
    user, campus = ambassadorship.user, ambassadorship.campus
    ambassadorship.delete()
    if not Ambassadorship.objects.filter(user=user).exists():
        role_revoke(user=user, role=Role.AMBASSADOR, by=by)
    notify(
        user, "volunteers/mail/ambassador_removed", {"campus": campus.name},
        url=reverse("core:dashboard"),
    )  # fmt: skip


# Volunteer profiles


def profile_changed(profile_id: int) -> None:
    """A profile was saved: the matching index is marked out of date and its rebuild is
    queued for the worker (a burst of saves costs one rebuild)."""
    # Imported here: the matching app reads this app's models.
    from soscience.matching.services import volunteer_changed

    volunteer_changed(profile_id)


def profiles_changed(profile_ids: Sequence[int]) -> None:
    """Several profiles changed at once (a skill merge): each is refreshed."""
    for profile_id in profile_ids:
        profile_changed(profile_id)


@dataclass(frozen=True)
class AvailabilityWindow:
    start: dt.date
    end: dt.date
    hours_per_week: int


@dataclass
class ProfileInput:
    """What a volunteer says about themself on the profile form."""

    kind: str = VolunteerProfile.Kind.STUDENT
    campus: Campus | None = None
    programme: str = ""
    year: int | None = None
    bio: str = ""
    domains: Sequence[Domain] = ()
    languages: Sequence[str] = ()
    country: str = "FR"
    city: str = ""
    notify: str = VolunteerProfile.Notify.WEEKLY
    consent_matching: bool = False
    campus_digest: bool = False
    skills: Sequence[tuple[Skill, int]] = ()
    skills_text: str = ""
    availabilities: Sequence[AvailabilityWindow] = ()


@dataclass
class ProfileSaved:
    """The saved profile, and what became of the skills typed as free text."""

    profile: VolunteerProfile
    added: list[Skill] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    ambiguous: list[tuple[str, list[Skill]]] = field(default_factory=list)


def _check_profile(data: ProfileInput, profile: VolunteerProfile) -> None:
    if data.year is not None and not 1 <= data.year <= MAX_YEAR:
        raise DomainError(
            _("Enter a year of study between 1 and %(max)d.") % {"max": MAX_YEAR}, field="year"
        )
    campus = data.campus
    if campus is not None and not campus.is_active and campus.pk != profile.campus_id:
        raise DomainError(_("This campus is no longer a partner: choose another."), field="campus")
    if not data.languages:
        raise DomainError(_("Choose at least one language you work in."), field="languages")
    if set(data.languages) - set(WorkingLanguage.values):
        raise DomainError(_("Choose languages from the list."), field="languages")
    seen: set[int] = set()
    for skill, level in data.skills:
        if skill.pk in seen:
            raise DomainError(_("This skill is already in the list."), field="skills")
        if level not in SkillLevel.values:
            raise DomainError(_("Choose a level for each skill."), field="skills")
        seen.add(skill.pk)
    for window in data.availabilities:
        if window.end <= window.start:
            raise DomainError(_("The end date must be after the start date."), field="availability")
        if not 1 <= window.hours_per_week <= MAX_HOURS_PER_WEEK:
            raise DomainError(
                _("Between 1 and %(max)d hours a week.") % {"max": MAX_HOURS_PER_WEEK},
                field="availability",
            )


def _free_text_skills(text: str, named: set[int], saved: ProfileSaved) -> list[Skill]:
    """Skills recognised in the free-text entry; unknown terms are kept for coordinators."""
    index = SkillIndex.load()
    added: list[Skill] = []
    for term in split_terms(text):
        skill, candidates = index.resolve(term)
        if skill is not None:
            if skill.pk not in named:
                named.add(skill.pk)
                added.append(skill)
        elif candidates:
            saved.ambiguous.append((term, candidates))
        else:
            unmatched_term_record(term)
            saved.unknown.append(term)
    return added


def _set_skills(profile: VolunteerProfile, wanted: dict[int, int]) -> None:
    current = {vs.skill_id: vs for vs in VolunteerSkill.objects.filter(profile=profile)}
    VolunteerSkill.objects.filter(profile=profile).exclude(skill_id__in=wanted).delete()
    changed = []
    for skill_id, level in wanted.items():
        row = current.get(skill_id)
        if row is not None and row.level != level:
            row.level = level
            changed.append(row)
    VolunteerSkill.objects.bulk_update(changed, ["level"])
    VolunteerSkill.objects.bulk_create(
        VolunteerSkill(profile=profile, skill_id=skill_id, level=level)
        for skill_id, level in wanted.items()
        if skill_id not in current
    )


@transaction.atomic
def profile_save(*, user: User, data: ProfileInput) -> ProfileSaved:
    """Create or update ``user``'s volunteer profile in one go: the fields, domains, skills
    (rows and recognised free text), availability windows, and the consent to matching
    (recorded with its date; withdrawing it clears the date). Gives the volunteer role."""
    profile, _created = VolunteerProfile.objects.select_for_update().get_or_create(user=user)
    _check_profile(data, profile)
    profile_consents_record(
        profile=profile, matching=data.consent_matching, digest=data.campus_digest
    )
    profile.kind, profile.campus, profile.programme = data.kind, data.campus, data.programme
    profile.year, profile.bio, profile.languages = data.year, data.bio, list(data.languages)
    profile.country, profile.city, profile.notify = data.country, data.city, data.notify
    profile.campus_digest = data.campus_digest
    if not data.consent_matching:
        profile.consent_matching_at = None
    elif profile.consent_matching_at is None:
        profile.consent_matching_at = timezone.now()
    profile.save()
    profile.domains.set(data.domains)

    saved = ProfileSaved(profile=profile)
    wanted = {skill.pk: level for skill, level in data.skills}
    saved.added = _free_text_skills(data.skills_text, set(wanted), saved)
    wanted.update((skill.pk, SkillLevel.PRACTISED) for skill in saved.added)
    _set_skills(profile, wanted)

    profile.availabilities.all().delete()
    Availability.objects.bulk_create(
        Availability(profile=profile, start=w.start, end=w.end, hours_per_week=w.hours_per_week)
        for w in data.availabilities
    )
    if Role.VOLUNTEER not in user.roles:
        role_grant(user=user, role=Role.VOLUNTEER, by=user)
    transaction.on_commit(partial(profile_changed, profile.pk))
    return saved
