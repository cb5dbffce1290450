"""Who may see the pages: log-in first, then the dashboard permission; log-out is a POST."""

from __future__ import annotations

import pytest

from django.template import loader
from django.test import Client
from django.urls import reverse

from openveiligheid.accounts.access import VIEW_DASHBOARD
from tests.conftest import PASSWORD

PAGES = ["/", "/indicator/fietsdiefstal/", "/?jaar=2021"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_the_login_page(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("url", PAGES)
def test_logged_in_without_permission_gets_a_dutch_403(client: Client, nobody, url) -> None:
    client.force_login(nobody)
    response = client.get(url)
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert "Geen toegang" in content
    assert "beleidsadviseur" in content
    assert 'action="/uitloggen/"' in content  # so the user can switch accounts


def test_the_beleidsadviseur_role_has_the_dashboard_permission(adviseur) -> None:
    assert adviseur.has_perm(VIEW_DASHBOARD)


def test_beleidsadviseur_sees_the_start_page(client: Client, adviseur) -> None:
    client.force_login(adviseur)
    response = client.get("/")
    assert response.status_code == 200


def test_start_page_without_a_plan_explains_how_to_load_one(adviseur_client: Client) -> None:
    response = adviseur_client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "nog geen veiligheidsplan ingelezen" in content
    assert "openveiligheid load_plan PLAN.yaml" in content


def test_indicator_page_without_a_plan_is_404(adviseur_client: Client) -> None:
    response = adviseur_client.get("/indicator/fietsdiefstal/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_login_page_is_dutch_and_has_csrf(client: Client) -> None:
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    content = response.content.decode()
    assert "csrfmiddlewaretoken" in content
    assert "Gebruikersnaam" in content
    assert "Wachtwoord" in content
    assert "Username" not in content
    assert "Bron: CBS / Politie" in content
    assert "Kadaster" not in content


def test_logging_in_leads_to_the_start_page(adviseur) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("login"),
        {"username": "adviseur", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard:overzicht")
    assert client.get("/").status_code == 200


def test_wrong_password_shows_a_dutch_error(client: Client, adviseur) -> None:
    response = client.post(
        reverse("login"),
        {"username": "adviseur", "password": "fout"},
        HTTP_ACCEPT_LANGUAGE="en-US",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in content


def test_header_shows_user_and_a_post_logout_form(adviseur_client: Client) -> None:
    content = adviseur_client.get("/").content.decode()
    assert "Anna de Vries" in content
    assert "Open Veiligheid" in content
    form_start = content.index('action="/uitloggen/"')
    form = content[content.rindex("<form", 0, form_start) : content.index("</form>", form_start)]
    assert 'method="post"' in form
    assert "csrfmiddlewaretoken" in form


def test_logout_needs_post_with_csrf(adviseur) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(adviseur)
    page = client.get("/")
    token = page.cookies["csrftoken"].value
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 403  # no CSRF token
    assert client.get("/").status_code == 200  # still logged in
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get("/").status_code == 302  # logged out


def test_error_pages_render_without_a_request() -> None:
    """Django renders 500.html with an empty context; it must not need the request."""
    content = loader.get_template("500.html").render()
    assert "Er ging iets mis" in content
    assert "Uitloggen" not in content
