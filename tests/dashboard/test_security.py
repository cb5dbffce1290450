"""OWASP basics on the pages: CSRF on log-in, hostile input in URLs, the admin for staff only."""

from __future__ import annotations

import re

import pytest

from django.test import Client

from openveiligheid.figures.models import Figure
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_without_csrf_token_is_refused(adviseur) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/inloggen/", {"username": "adviseur", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "url",
    [
        "/?jaar=2021%27%20OR%201%3D1--",
        "/?jaar=2021;DROP%20TABLE%20figures_figure",
        "/indicator/fietsdiefstal%27%20OR%20%271%27=%271/",
        "/indicator/fietsdiefstal/?jaar=%3Cscript%3Ealert(1)%3C/script%3E",
        "/kaart/?onderwerp=%3Cscript%3Ealert(1)%3C/script%3E&periode=%3Cscript%3E",
        "/kaart/?sorteer=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&niveau=buurt",
        "/gebied/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/vergelijken/?gebied=%3Cscript%3Ealert(1)%3C/script%3E&jaar=2016",
        "/monitor/?periode=%3Cscript%3Ealert(1)%3C/script%3E",
        "/indicator/fietsdiefstal-aangiften/download.csv?niveau=%27%20OR%201=1--",
    ],
)
def test_hostile_input_in_urls_is_harmless(adviseur_client: Client, plan, url: str) -> None:
    before = Figure.objects.count()
    response = adviseur_client.get(url)
    assert response.status_code in (200, 404)
    assert b"<script>alert(1)</script>" not in response.content
    assert Figure.objects.count() == before


def test_admin_is_for_staff_only(adviseur_client: Client) -> None:
    response = adviseur_client.get("/beheer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/beheer/login/")


def test_security_headers(adviseur_client: Client) -> None:
    response = adviseur_client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_content_security_policy_allows_only_own_scripts(adviseur_client: Client, plan) -> None:
    for url in ("/", "/kaart/", "/monitor/", "/inloggen/"):
        policy = adviseur_client.get(url)["Content-Security-Policy"]
        directives = dict(d.split(" ", 1) for d in policy.split("; "))
        assert directives["script-src"] == "'self'", url  # no inline or foreign script
        assert directives["default-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"


@pytest.mark.parametrize(
    "url", ["/kaart/?onderwerp=maat:%00x", "/gebied/BU%0000/", "/api/v1/cijfers/?maat=a%00b"]
)
def test_a_nul_character_is_refused_before_it_reaches_the_database(adviseur_client, url) -> None:
    """PostgreSQL cannot compare text with NUL: without this it would be a server error."""
    response = adviseur_client.get(url)
    assert response.status_code == 400
    assert "Ongeldig teken (NUL)" in response.content.decode()
    if url.startswith("/api/"):
        assert response.json() == {"detail": "Ongeldig teken (NUL) in het adres of de parameters."}


def test_the_admin_has_the_same_headers_and_no_inline_scripts(django_user_model) -> None:
    admin = django_user_model.objects.create_superuser("beheer", password="x")
    client = Client()
    client.force_login(admin)
    for url in ["/beheer/login/", "/beheer/", "/beheer/accounts/organisation/add/"]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY"
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", response.content.decode()) is None


@pytest.mark.parametrize(
    ("meta", "status", "text"),
    [
        ({"HTTP_HOST": "aanvaller.example"}, 400, "Onbekende hostnaam."),
        ({"REMOTE_ADDR": "203.0.113.9"}, 403, "alleen bereikbaar vanaf deze machine"),
    ],
)
def test_with_debug_on_no_debug_page_reaches_anyone_else(client, settings, meta, status, text):
    settings.DEBUG = True
    response = client.get("/inloggen/", **meta)
    assert response.status_code == status
    body = response.content.decode()
    assert text in body
    assert "SECRET_KEY" not in body and "Traceback" not in body and len(body) < 200
