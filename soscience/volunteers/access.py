"""Who may see or change a campus, an ambassadorship, a skill or a volunteer's profile."""

from __future__ import annotations

from django.http import Http404

from soscience.accounts.roles import Role
from soscience.core.access import is_coordinator, require_coordinator
from soscience.volunteers.models import (
    Ambassadorship,
    Campus,
    Skill,
    UnmatchedTerm,
    VolunteerProfile,
)


def campus_for_user(user: object, pk: int, *, for_write: bool = False) -> Campus:
    """The campus ``pk`` for the coordination team's pages.

    Campuses are managed by coordinators only: anyone else gets PermissionDenied (the list
    of partner campuses is no secret). ``for_write`` asks for the same, and is kept so that
    every app's access functions read alike. Http404 when there is no such campus.
    """
    require_coordinator(user)
    campus = Campus.objects.filter(pk=pk).first()
    if campus is None:
        raise Http404
    return campus


def ambassadorship_for_user(user: object, campus_pk: int, user_pk: int) -> Ambassadorship:
    """The ambassadorship of person ``user_pk`` on campus ``campus_pk``, for coordinators
    (PermissionDenied for anyone else; Http404 when there is none)."""
    require_coordinator(user)
    ambassadorship = (
        Ambassadorship.objects.select_related("user", "campus")
        .filter(campus_id=campus_pk, user_id=user_pk)
        .first()
    )
    if ambassadorship is None:
        raise Http404
    return ambassadorship


def skill_for_user(user: object, pk: int, *, for_write: bool = False) -> Skill:
    """A skill of the taxonomy for the coordinators' pages (the taxonomy is public, so
    others get PermissionDenied). Http404 when there is no such skill."""
    require_coordinator(user)
    skill = Skill.objects.select_related("domain").filter(pk=pk).first()
    if skill is None:
        raise Http404
    return skill


def unmatched_term_for_user(user: object, pk: int) -> UnmatchedTerm:
    """A term typed by users that the taxonomy did not know, for coordinators only."""
    require_coordinator(user)
    term = UnmatchedTerm.objects.filter(pk=pk).first()
    if term is None:
        raise Http404
    return term


def profile_for_user(user: object, pk: int) -> VolunteerProfile:
    """A volunteer's profile, read by the coordination team (coordinators, supervisors) or
    by the volunteer. Anyone else may not know it exists: Http404."""
    profile = VolunteerProfile.objects.select_related("user", "campus").filter(pk=pk).first()
    if profile is None:
        raise Http404
    if is_coordinator(user):
        return profile
    if Role.SUPERVISOR in getattr(user, "roles", ()):
        return profile
    if profile.user_id == getattr(user, "pk", None):
        return profile
    raise Http404
