"""schemathesis against the live OpenAPI schema of /api/v1/: every operation, with and
without a valid token, must answer without a server error and as its schema says."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from soscience.api.services import token_create
from soscience.applications.models import Application
from soscience.events.models import Event
from soscience.execution.models import ProgressUpdate
from soscience.missions.models import Mission
from soscience.volunteers.models import VolunteerProfile
from soscience.wsgi import application
from tests.factories import MissionFactory, NeedFactory

EXAMPLES = 15


# The live schema, fetched from the application itself (serving it reads no table).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI application closes the database connection when a request starts and
    finishes; inside a test's transaction (PostgreSQL) that would end the test's data.
    Django's test client does the same as this."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(cast, settings) -> str:
    """A member of an organisation who is also a volunteer: every /me endpoint has data."""
    mission = MissionFactory(
        organisation=cast.organisation, status=Mission.Status.OPEN, published_at=timezone.now(),
        created_by=cast.coordinator, confidentiality=Mission.Confidentiality.DISCREET,
    )  # fmt: skip
    MissionFactory(
        organisation=cast.other_organisation, status=Mission.Status.OPEN,
        published_at=timezone.now(), created_by=cast.coordinator,
    )  # fmt: skip
    VolunteerProfile.objects.create(
        user=cast.member, languages=["fr"], consent_matching_at=timezone.now()
    )
    Application.objects.create(
        mission=mission, volunteer=cast.member, status=Application.Status.APPLIED,
        applied_at=timezone.now(),
    )  # fmt: skip
    NeedFactory(organisation=cast.organisation, submitted_by=cast.member)
    ProgressUpdate.objects.create(mission=mission, author=cast.coordinator, body="News.")
    start = timezone.now() + dt.timedelta(days=3)
    Event.objects.create(
        title="Talk", slug="talk", description="A talk.", starts_at=start,
        ends_at=start + dt.timedelta(hours=1), capacity=10, status=Event.Status.PUBLISHED,
        created_by=cast.coordinator,
    )  # fmt: skip
    settings.SOSCIENCE_API_RATE_ANON = 1_000_000
    settings.SOSCIENCE_API_RATE_TOKEN = 1_000_000
    cache.clear()
    _token, key = token_create(user=cast.member, name="schemathesis", valid_days=30)
    return key


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
def test_api_conforms_to_its_schema_anonymously(case, token):
    case.call_and_validate()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
def test_api_conforms_to_its_schema_with_a_token(case, token):
    # The valid token replaces whatever schemathesis put in Authorization, so a case it
    # made invalid through its token becomes valid: its "schema-violating request accepted"
    # check would be wrong here. The anonymous run above keeps every check.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, excluded_checks=[negative_data_rejection]
    )
