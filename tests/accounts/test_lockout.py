"""Repeated wrong passwords lock out the account and the address (django-axes), before any
password is hashed, with a Dutch page; a successful log-in resets the account's count."""

from __future__ import annotations

from unittest import mock

import pytest

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _attempt(client: Client, username: str, password: str, address: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_an_account_is_locked_after_repeated_failures_even_for_the_right_password(adviseur):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        assert _attempt(client, "adviseur", f"fout-{attempt}", "192.0.2.1").status_code == 200
    blocked = _attempt(client, "adviseur", "nog-een-fout", "192.0.2.1")
    assert blocked.status_code == 429
    page = blocked.content.decode()
    assert "Tijdelijk geblokkeerd" in page and f"({limit} keer)" in page
    with mock.patch("django.contrib.auth.base_user.check_password") as hashed:
        right = _attempt(Client(), "adviseur", PASSWORD, "198.51.100.7")  # another address
    assert right.status_code == 429  # the account stays locked
    hashed.assert_not_called()  # refused before the password was hashed
    assert "_auth_user_id" not in right.client.session


def test_an_address_is_locked_after_failures_for_many_names(adviseur):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, f"gok{attempt}", "fout", "203.0.113.5")
    assert _attempt(client, "adviseur", PASSWORD, "203.0.113.5").status_code == 429
    elsewhere = _attempt(Client(), "adviseur", PASSWORD, "203.0.113.6")
    assert elsewhere.status_code == 302  # the same account from another address: fine


def test_a_successful_log_in_resets_the_accounts_count(adviseur):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(client, "adviseur", f"fout-{attempt}", "192.0.2.2")
    assert _attempt(client, "adviseur", PASSWORD, "192.0.2.2").status_code == 302
    client.post(reverse("logout"))
    assert _attempt(client, "adviseur", "weer-fout", "192.0.2.2").status_code == 200
