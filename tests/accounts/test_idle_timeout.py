"""A session idle longer than OV_INACTIEF_MINUTEN ends: the user is logged out (and that is in
the audit log) and sent to the log-in page, which says why; an active session goes on."""

import time
from datetime import timedelta

import pytest

from django.test import Client
from django.utils import timezone

from openveiligheid.accounts.middleware import LAST_SEEN
from openveiligheid.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _idle_for(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def test_an_idle_session_ends_and_the_login_page_says_why(adviseur, settings) -> None:
    settings.SESSION_IDLE_MINUTES = 30
    client = Client()
    client.force_login(adviseur)
    assert client.get("/methoden/").status_code == 200
    assert LAST_SEEN in client.session
    _idle_for(client, 29 * 60)
    assert client.get("/methoden/").status_code == 200  # still within the limit
    _idle_for(client, 31 * 60)
    response = client.get("/methoden/")
    assert response.status_code == 302
    assert response.url.startswith("/inloggen/?") and "inactief=1" in response.url
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditEvent.LOGOUT).exists()
    page = client.get(response.url).content.decode()
    assert "uitgelogd omdat u een tijd niets heeft gedaan" in page


def test_zero_turns_the_idle_timeout_off(adviseur, settings) -> None:
    settings.SESSION_IDLE_MINUTES = 0
    client = Client()
    client.force_login(adviseur)
    _idle_for(client, 10 * 3600)
    assert client.get("/methoden/").status_code == 200


def test_an_active_session_still_ends_after_the_session_age(adviseur, settings) -> None:
    """Noting the last request saves the session every minute; that must not move its end."""
    settings.SESSION_IDLE_MINUTES = 30
    client = Client()
    client.force_login(adviseur)
    end = client.session.get_expiry_date()
    assert abs((end - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 60
    _idle_for(client, 5 * 60)  # the next page view notes the time: a save of the session
    assert client.get("/methoden/").status_code == 200
    assert client.session[LAST_SEEN] > time.time() - 60
    assert client.session.get_expiry_date() == end
    session = client.session
    session.set_expiry(timezone.now() - timedelta(seconds=1))  # the end has come
    session.save()
    response = client.get("/methoden/")
    assert response.status_code == 302 and response.url.startswith("/inloggen/")
