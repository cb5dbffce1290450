"""``/gezondheid/``: open, small, and honest about the database and migrations."""

from __future__ import annotations

import json

import pytest

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthy_server_answers_200_without_a_log_in(client: Client) -> None:
    response = client.get("/gezondheid/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "migraties": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_missing_migration_makes_it_503(client: Client) -> None:
    MigrationRecorder(connection).migration_qs.filter(
        app="accounts", name="0002_gemeenten_of_existing_plans"
    ).delete()
    response = client.get("/gezondheid/")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "fout",
        "database": "ok",
        "migraties": "achter",
    }


def test_it_tells_nothing_else(client: Client) -> None:
    assert client.post("/gezondheid/").status_code == 405
    body = client.get("/gezondheid/").content.decode()
    assert len(body) < 80
