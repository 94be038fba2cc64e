"""Shared fixtures: the fixed cast of ARCHITECTURE.md and the settings every test uses."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from soscience.accounts.models import User
from soscience.accounts.roles import Role
from soscience.core.page_cache import empty_caches
from soscience.organisations.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.SOSCIENCE_MFA_REQUIRED_ROLES = ["coordinator", "supervisor"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MATCHING_INDEX_DIR = tmp_path / "matching"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"
    empty_caches()


@dataclass
class Cast:
    """One person per role (ARCHITECTURE.md), and the organisations they belong to."""

    coordinator: User
    supervisor: User
    member: User  # member of `organisation`
    other_member: User  # member of `other_organisation`
    volunteer: User  # will be on the team (applications come with issue 3)
    other_volunteer: User
    ambassador: User
    organisation: Organisation
    other_organisation: Organisation

    def client(self, who: str | None) -> Client:
        """A test client logged in as ``who`` (a field name), or anonymous for None."""
        client = Client()
        if who is not None:
            client.force_login(getattr(self, who))
        return client


ROLES_OF_CAST = (
    None, "coordinator", "supervisor", "member", "other_member", "volunteer",
    "other_volunteer", "ambassador",
)  # fmt: skip


@pytest.fixture
def cast(db) -> Cast:
    coordinator = UserFactory(full_name="Claire Coordinatrice", roles=[Role.COORDINATOR])
    supervisor = UserFactory(full_name="Samuel Superviseur", roles=[Role.SUPERVISOR])
    member = UserFactory(full_name="Mariam Membre")
    other_member = UserFactory(full_name="Oscar Autre")
    organisation = OrganisationFactory(name="Eau Claire Thiès", created_by=member)
    other_organisation = OrganisationFactory(name="Soleil Mangue", created_by=other_member)
    MembershipFactory(organisation=organisation, user=member)
    MembershipFactory(organisation=other_organisation, user=other_member)
    return Cast(
        coordinator=coordinator,
        supervisor=supervisor,
        member=member,
        other_member=other_member,
        volunteer=UserFactory(full_name="Valentin Volontaire", roles=[Role.VOLUNTEER]),
        other_volunteer=UserFactory(full_name="Vera Volontaire", roles=[Role.VOLUNTEER]),
        ambassador=UserFactory(full_name="Amina Ambassadrice", roles=[Role.AMBASSADOR]),
        organisation=organisation,
        other_organisation=other_organisation,
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the trust suites checked (tests/tally.py)."""
    from tests.tally import COUNTS

    if not COUNTS:
        return
    terminalreporter.section("what was checked")
    for name, count in sorted(COUNTS.items()):
        terminalreporter.write_line(f"{name}: {count:,}")
