"""Fixtures of the upload pages: the demo plan (tests/dashboard/conftest.py) and an analist."""

from __future__ import annotations

import pytest

from django.test import Client

from tests.conftest import with_role


@pytest.fixture
def analist(django_user_model):
    """An analist of Groningen: uploads figures, areas, boundaries and incidents."""
    return with_role(django_user_model, "analist", "analist")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
