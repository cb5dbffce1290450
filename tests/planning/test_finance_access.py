"""The access walk of the money pages (namespace ``financien``): every page, read and posted, for
anonymous, a member without a role, a lezer, a beleidsadviseur, the controller, and users of
another gemeente. Reading needs the dashboard permission; editing needs the controller's
``policy.financien_bewerken`` for the plan's gemeente. ``WALKED`` is imported by
``tests/dashboard/test_permissions.py::test_every_url_pattern_has_an_access_test``.
"""

from __future__ import annotations

import pytest

from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from openveiligheid.policy.models import Change, Credit, FinanceAmount, Goal
from tests.conftest import with_role

KEY = "minder-fietsdiefstal"
YEAR = 2022
#: url name -> arguments. Every page of the namespace, with a real goal of the demo plan.
PAGES: dict[str, dict] = {
    "financien:doel": {"key": KEY},
    "financien:bewerken": {"key": KEY, "year": YEAR},
    "financien:kredieten": {"key": KEY, "year": YEAR},
}
#: The pages that change something (the controller's); a POST to them with valid data.
EDITS: dict[str, dict[str, str]] = {
    "financien:bewerken": {
        "begroting__lasten": "1.616.141",
        "jaarrekening__lasten": "1.962.937",
        "variance_analysis": "Lagere lasten door latere start.",
    },
    "financien:kredieten": {
        "krediet-TOTAL_FORMS": "1",
        "krediet-INITIAL_FORMS": "0",
        "krediet-MIN_NUM_FORMS": "0",
        "krediet-MAX_NUM_FORMS": "200",
        "krediet-0-project": "Infra camera's binnenstad",
        "krediet-0-omvang": "316.906",
        "krediet-0-gerealiseerd_tm_vorig_jaar": "51.698",
        "krediet-0-besteding": "63.807",
    },
}
#: Everything walked here (tests/dashboard/test_permissions.py counts these as tested).
WALKED: set[str] = set(PAGES)
REQUESTS = [(name, "get") for name in PAGES] + [(name, "post") for name in EDITS]


def url(name: str) -> str:
    return reverse(name, kwargs=PAGES[name])


def send(client: Client, name: str, method: str):
    if method == "post":
        return client.post(url(name), EDITS[name])
    return client.get(url(name))


def stored(plan) -> tuple[int, int, int]:
    """What an edit of the goal in the year would add to."""
    goal = Goal.objects.get(theme__plan=plan, key=KEY)
    return (
        FinanceAmount.objects.filter(goal=goal, year=YEAR).count(),
        Credit.objects.filter(goal=goal, year=YEAR).count(),
        Change.objects.filter(plan=plan, object_key=f"{KEY}/{YEAR}").count(),
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_page_of_the_namespace_is_walked() -> None:
    resolver = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "financien"
    )
    assert {f"financien:{p.name}" for p in resolver.url_patterns} == WALKED
    assert set(EDITS) <= WALKED


@pytest.mark.parametrize(("name", "method"), REQUESTS)
def test_anonymous_is_sent_to_the_login_page(client: Client, plan, name: str, method: str) -> None:
    before = stored(plan)
    response = send(client, name, method)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert stored(plan) == before


@pytest.mark.parametrize(("name", "method"), REQUESTS)
def test_a_member_without_a_role_gets_403(plan, nobody, name: str, method: str) -> None:
    before = stored(plan)
    response = send(logged_in(nobody), name, method)
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()
    assert stored(plan) == before


@pytest.mark.parametrize("role", ["lezer", "adviseur"])
@pytest.mark.parametrize(("name", "method"), REQUESTS)
def test_a_lezer_and_a_beleidsadviseur_read_but_do_not_edit(
    request, plan, role: str, name: str, method: str
) -> None:
    user = request.getfixturevalue(role)
    before = stored(plan)
    response = send(logged_in(user), name, method)
    if name in EDITS:
        assert response.status_code == 403
        assert "Geen toegang" in response.content.decode()
    else:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        html = response.content.decode()
        assert plan.name in html and "Financieel overzicht doel" in html
        # No way to the forms: neither the buttons nor their addresses.
        assert "/bewerken/" not in html and "/kredieten/" not in html
        assert "Bedragen en verschillenanalyse bewerken" not in html
    assert stored(plan) == before


@pytest.mark.parametrize(("name", "method"), REQUESTS)
def test_the_controller_reads_and_edits(plan, controller, name: str, method: str) -> None:
    before = stored(plan)
    response = send(logged_in(controller), name, method)
    if method == "post":
        assert response.status_code == 302
        assert response.url == f"{url('financien:doel')}?jaar={YEAR}"
        assert stored(plan) != before
        return
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert plan.name in html
    if name == "financien:doel":
        assert reverse("financien:bewerken", args=[KEY, 2023]) in html  # the demo's year
        assert reverse("financien:kredieten", args=[KEY, 2023]) in html
    else:
        assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert stored(plan) == before


@pytest.mark.parametrize(("name", "method"), REQUESTS)
def test_a_user_of_another_gemeente_gets_404(plan, elsewhere, name: str, method: str) -> None:
    before = stored(plan)
    response = send(logged_in(elsewhere), name, method)
    assert response.status_code == 404
    assert plan.name not in response.content.decode()
    assert stored(plan) == before


@pytest.mark.parametrize(("name", "method"), REQUESTS)
def test_a_controller_of_another_gemeente_works_only_in_its_own_plan(
    plan, breda_plan, django_user_model, name: str, method: str
) -> None:
    """Breda's copy of the demo plan has the same goal keys: the same URL is Breda's goal."""
    groningen = Goal.objects.get(theme__plan=plan, key=KEY)
    FinanceAmount.objects.create(
        goal=groningen, year=YEAR, step="begroting", part="baten", amount=777_777
    )
    before = stored(plan)
    breda = with_role(django_user_model, "controller-breda", "controller", "GM0758")
    response = send(logged_in(breda), name, method)
    assert response.status_code == (302 if method == "post" else 200)
    assert stored(plan) == before  # nothing of Groningen changed
    if method == "post":
        assert stored(breda_plan) != (0, 0, 0)
        return
    html = response.content.decode()
    assert breda_plan.name in html
    assert plan.name not in html and "Groningen" not in html
    assert "777.777" not in html
