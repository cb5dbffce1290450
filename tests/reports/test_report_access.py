"""The access walk of the jaarverslag pages (``reports``) and the public pages (``openbaar``):
anonymous, no role, lezer, controller, beleidsadviseur, and a beleidsadviseur of another
gemeente, on the real demo plan.

``WALKED`` is imported by tests/dashboard/test_permissions.py
(``test_every_url_pattern_has_an_access_test``): a new url of these namespaces belongs here.
"""

from __future__ import annotations

import pytest

from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from openveiligheid.reports.adoption import adopt
from tests.conftest import BREDA_PLAN, with_role

pytestmark = pytest.mark.django_db

YEAR = 2022  # a past year of the demo plan, not adopted unless a test does so

#: url name -> (arguments, query): every page of the jaarverslag, with a real example.
REPORT_URLS: dict[str, tuple[dict, str]] = {
    "reports:jaarverslag": ({}, f"?jaar={YEAR}"),
    "reports:download": ({"fmt": "docx"}, f"?jaar={YEAR}"),
    "reports:vaststellen": ({"year": YEAR}, ""),
}
#: The public pages (no log-in; only for a plan switched to public and an adopted year).
PUBLIC_URLS: dict[str, tuple[dict, str]] = {
    "openbaar:plan": ({"gemeente": "GM0014"}, ""),
    "openbaar:jaarverslag": ({"gemeente": "GM0014", "year": YEAR}, ""),
}
WALKED: set[str] = set(REPORT_URLS) | set(PUBLIC_URLS)

#: role -> expected status per url name (GET)
EXPECTED = {
    "lezer": {"reports:jaarverslag": 200, "reports:download": 200, "reports:vaststellen": 403},
    "controller": {
        "reports:jaarverslag": 200,
        "reports:download": 200,
        "reports:vaststellen": 403,
    },
    "beleidsadviseur": {
        "reports:jaarverslag": 200,
        "reports:download": 200,
        "reports:vaststellen": 200,
    },
}


def url(name: str, table=REPORT_URLS) -> str:
    kwargs, query = table[name]
    return reverse(name, kwargs=kwargs) + query


def test_every_url_of_the_two_namespaces_is_walked() -> None:
    names = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace in {"reports", "openbaar"}:
            names |= {f"{pattern.namespace}:{p.name}" for p in pattern.url_patterns}
    assert names == WALKED


@pytest.mark.parametrize("name", sorted(REPORT_URLS))
def test_anonymous_is_sent_to_the_login_page(client: Client, plan, name: str) -> None:
    response = client.get(url(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    response = client.post(reverse("reports:vaststellen", kwargs={"year": YEAR}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(REPORT_URLS))
def test_a_member_without_a_role_gets_403(client: Client, plan, nobody, name: str) -> None:
    client.force_login(nobody)
    response = client.get(url(name))
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("name", sorted(REPORT_URLS))
def test_each_role_of_the_gemeente(
    client: Client, plan, breda_plan, django_user_model, role: str, name: str
) -> None:
    user = with_role(django_user_model, f"gebruiker-{role}", role)
    client.force_login(user)
    response = client.get(url(name))
    assert response.status_code == EXPECTED[role][name]
    if response.status_code != 200:
        return
    assert "no-store" in response["Cache-Control"]
    if "html" in response["Content-Type"]:
        content = response.content.decode()
        assert plan.name in content
        assert BREDA_PLAN not in content


def test_a_lezer_and_a_controller_cannot_vaststellen(
    client: Client, plan, lezer, controller
) -> None:
    for user in (lezer, controller):
        client.force_login(user)
        response = client.post(reverse("reports:vaststellen", kwargs={"year": YEAR}), {})
        assert response.status_code == 403
        page = client.get(url("reports:jaarverslag")).content.decode()
        assert reverse("reports:vaststellen", kwargs={"year": YEAR}) not in page
    assert not plan.adopted.exists()


@pytest.mark.parametrize("name", sorted(REPORT_URLS))
def test_a_beleidsadviseur_of_another_gemeente_sees_only_their_own_plan(
    client: Client, plan, breda_plan, elsewhere, name: str
) -> None:
    client.force_login(elsewhere)
    response = client.get(url(name))
    assert response.status_code == 200
    content = response.content
    if name == "reports:download":
        import io

        import docx

        content = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
        assert "GM0758" in content
    else:
        content = content.decode()
        assert BREDA_PLAN in content
    assert plan.name not in content
    assert "Groningen" not in content
    assert "GM0014" not in content


def test_a_beleidsadviseur_of_another_gemeente_without_a_plan_sees_no_plan(
    client: Client, plan, django_user_model
) -> None:
    # Zwolle has no plan in the demo (Groningen, Breda and Nijmegen have)
    zwolle = with_role(django_user_model, "zwolle", "beleidsadviseur", "GM0193")
    client.force_login(zwolle)
    page = client.get(url("reports:jaarverslag"))
    assert page.status_code == 200
    assert "Er is nog geen veiligheidsplan ingelezen" in page.content.decode()
    assert plan.name not in page.content.decode()
    for name in ("reports:download", "reports:vaststellen"):
        assert client.get(url(name)).status_code == 404


@pytest.mark.parametrize("name", sorted(PUBLIC_URLS))
def test_the_public_pages_are_off_for_everyone_until_switched_on(
    client: Client, plan, adviseur, name: str
) -> None:
    adopt(plan, YEAR, adviseur)
    for user in (None, adviseur):
        if user:
            client.force_login(user)
        response = client.get(url(name, PUBLIC_URLS))
        assert response.status_code == 404
        content = response.content.decode()
        assert plan.name not in content
        assert "Groningen" not in content


@pytest.mark.parametrize("name", sorted(PUBLIC_URLS))
def test_the_public_pages_once_switched_on_are_open_to_all(
    client: Client, plan, adviseur, nobody, lezer, controller, elsewhere, name: str
) -> None:
    adopt(plan, YEAR, adviseur)
    plan.public = True
    plan.save()
    for user in (None, nobody, lezer, controller, adviseur, elsewhere):
        if user:
            client.force_login(user)
        response = client.get(url(name, PUBLIC_URLS))
        assert response.status_code == 200, user
        content = response.content.decode()
        assert plan.name in content
        assert "Uitloggen" not in content and "Hoofdmenu" not in content  # no app frame
    assert client.get(url("reports:jaarverslag")).status_code == 200  # elsewhere: own page


def test_anonymous_reaches_openbaar_but_nothing_else(client: Client, plan, adviseur) -> None:
    adopt(plan, YEAR, adviseur)
    plan.public = True
    plan.save()
    assert client.get(url("openbaar:jaarverslag", PUBLIC_URLS)).status_code == 200
    for path in ["/jaarverslag/", "/jaarverslag/download.md", "/plan/", "/", "/openbaarx/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("login") + "?next=")
