"""Shared fixtures: paths of the small real files under ``tests/data``, and the users of the
page tests (a beleidsadviseur, and a user without any role)."""

from __future__ import annotations

from pathlib import Path

import pytest

from django.contrib.auth.models import Group
from django.test import Client

DATA = Path(__file__).parent / "data"
PASSWORD = "geheim-wachtwoord-42"


@pytest.fixture
def data_dir() -> Path:
    return DATA


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture
def adviseur(django_user_model):
    user = django_user_model.objects.create_user(
        "adviseur", password=PASSWORD, first_name="Anna", last_name="de Vries"
    )
    user.groups.add(Group.objects.get(name="beleidsadviseur"))
    return user


@pytest.fixture
def nobody(django_user_model):
    """Logged in, but without any role."""
    return django_user_model.objects.create_user("zonderrol", password=PASSWORD)


@pytest.fixture
def adviseur_client(adviseur) -> Client:
    client = Client()
    client.force_login(adviseur)
    return client
