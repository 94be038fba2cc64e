"""Consents, recorded each time one is given or withdrawn, with the version of the text the
person saw. A new wording of a consent's text gets a new version here (the date it changed),
so the register proves what exactly was agreed to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from soscience.privacy.models import Consent

if TYPE_CHECKING:
    from soscience.accounts.models import User
    from soscience.volunteers.models import VolunteerProfile

Purpose = Consent.Purpose

# The version of each consent's wording (the date the text last changed).
TEXT_VERSIONS: dict[str, str] = {
    Purpose.MATCHING: "2025-01-matching-v1",
    Purpose.CAMPUS_DIGEST: "2025-06-campus-digest-v1",
    Purpose.TESTIMONIAL: "2025-03-testimonial-v1",
    Purpose.CASE: "2025-03-case-v1",
    Purpose.PRIVACY: "2025-07-privacy-notice-v1",
}


def consent_record(*, user: User, purpose: str, given: bool) -> Consent:
    """One row: ``user`` gave (or withdrew) the consent for ``purpose`` now. Callers run in
    the transaction of the action that changed the choice."""
    return Consent.objects.create(
        user=user, purpose=purpose, text_version=TEXT_VERSIONS[purpose], given=given
    )


def profile_consents_record(*, profile: VolunteerProfile, matching: bool, digest: bool) -> None:
    """Called by ``profile_save`` before it changes ``profile``: a row for each consent of the
    profile whose choice changes (ticking a box already ticked records nothing)."""
    user = profile.user
    if matching != (profile.consent_matching_at is not None):
        consent_record(user=user, purpose=Purpose.MATCHING, given=matching)
    if digest != profile.campus_digest:
        consent_record(user=user, purpose=Purpose.CAMPUS_DIGEST, given=digest)


def survey_consents_record(*, user: User, testimonial: bool, case: bool) -> None:
    """An organisation's closing survey answers both publication consents, yes or no: both
    are recorded, for the member who answered."""
    consent_record(user=user, purpose=Purpose.TESTIMONIAL, given=testimonial)
    consent_record(user=user, purpose=Purpose.CASE, given=case)
