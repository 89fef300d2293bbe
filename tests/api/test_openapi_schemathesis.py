"""Property-based conformance of /api/v1 to its own OpenAPI document (schemathesis, stateless)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

EXAMPLES_PER_OPERATION = 10

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": False},
        "phases": {"stateful": {"enabled": False}},
    }
)


# The mail webhook takes raw RFC 822 bytes: send the generated binary as it is.
schemathesis.serializer.alias("message/rfc822", "application/octet-stream")

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


@pytest.fixture
def _same_connection():
    """Keep the test's DB connection across WSGI requests (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(request, role, token_for):
    name = role
    if name == "anonymous":
        return {}
    user = request.getfixturevalue(name if name != "technician" else "technician")
    if name == "technician":
        user = user.user
    return {"Authorization": f"Bearer {token_for(user)}"}


@pytest.fixture
def customer(db):
    from anxin.evidence.tests.factories import make_buyer

    return make_buyer()


@pytest.mark.parametrize("role", ["anonymous", "agent", "customer", "technician", "brand_staff"])
@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_openapi_document(case, auth_headers, _same_connection):
    case.call_and_validate(headers=auth_headers)
