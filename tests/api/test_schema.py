"""The OpenAPI schema of the API, and a schemathesis run over every operation: generated
requests (with a valid token) never give a server error and every response matches the
schema. A fixed, derandomised budget keeps it to a few seconds in CI."""

from __future__ import annotations

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from openveiligheid.wsgi import application

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


def test_the_schema_describes_every_endpoint_in_dutch_terms() -> None:
    paths = set(schema.raw_schema["paths"])
    assert "/api/v1/plannen/{id}/indicatoren/" in paths
    assert "/api/v1/cijfers/" in paths
    parameters = {
        p["name"] for p in schema.raw_schema["paths"]["/api/v1/cijfers/"]["get"]["parameters"]
    }
    assert {"maat", "gebied", "gemeente", "niveau", "periode", "indeling", "pagina"} <= parameters


@pytest.fixture
def token(plan, adviseur) -> str:
    return Token.objects.get_or_create(user=adviseur)[0].key


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """schemathesis calls the WSGI app itself; as Django's test client does, keep the test's
    database connection (and its transaction) open across requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, token) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {token}"})
