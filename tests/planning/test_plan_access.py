"""The access walk of the plan pages (namespace ``planning``): every URL for anonymous, a member
without a role, a lezer and a controller (read, never edit), the beleidsadviseur (edits) and a
beleidsadviseur of another gemeente (Breda, with its own copy of the plan: sees Breda's plan or
a 404, never Groningen's data).

``WALKED`` names every URL walked here; tests/dashboard/test_permissions.py counts them as tested.
"""

from __future__ import annotations

import pytest

from django.test import Client
from django.urls import get_resolver, reverse

from openveiligheid.policy.models import Change, Goal
from tests.conftest import with_role
from tests.planning.conftest import ACTIVITY, GOAL, INDICATOR, YEAR

#: url name -> (arguments, method, data, edit). ``edit``: needs ``policy.bewerken``.
PAGES: dict[str, tuple[dict, str, dict, bool]] = {
    "planning:plan": ({}, "get", {}, False),
    "planning:export": ({}, "get", {}, False),
    "planning:activiteiten-export": ({}, "get", {}, False),
    "planning:wijzigingen": ({}, "get", {}, False),
    "planning:doel": ({"key": GOAL}, "get", {}, False),
    "planning:doel-bewerken": ({"key": GOAL}, "get", {}, True),
    "planning:doel-verwijderen": ({"key": GOAL}, "get", {}, True),
    "planning:doel-terugzetten": ({"key": GOAL}, "post", {}, True),
    "planning:streefwaarden": ({"key": INDICATOR}, "get", {}, True),
    "planning:activiteit-nieuw": ({"key": GOAL, "year": YEAR}, "get", {}, True),
    "planning:activiteit": ({"key": GOAL, "year": YEAR, "code": ACTIVITY}, "get", {}, True),
    "planning:oordeel": ({"key": GOAL, "year": YEAR}, "get", {}, True),
}
#: The edit pages once more, as the POST that would change something.
POSTS: dict[str, dict] = {
    "planning:doel-bewerken": {"code": "1.1", "name": "Gewijzigd door een lezer"},
    "planning:doel-verwijderen": {},
    "planning:doel-terugzetten": {},
    "planning:streefwaarden": {f"jaar_{YEAR}": "< 1"},
    "planning:activiteit-nieuw": {"code": "9Z", "name": "x", "moment": "jaarrekening"},
    "planning:activiteit": {"name": "x", "moment": "jaarrekening", "inhoud": "rood"},
    "planning:oordeel": {"judgement": "nee", "realisation": "x"},
}
#: Everything walked here (tests/dashboard/test_permissions.py counts these as tested).
WALKED = set(PAGES)
READ = sorted(name for name, page in PAGES.items() if not page[3])
EDIT = sorted(name for name, page in PAGES.items() if page[3])

pytestmark = pytest.mark.usefixtures("activity")


def _request(client: Client, name: str):
    kwargs, method, data, _ = PAGES[name]
    url = reverse(name, kwargs=kwargs)
    return client.post(url, data) if method == "post" else client.get(url)


def test_every_planning_url_is_walked() -> None:
    resolver = get_resolver()
    names = {
        f"planning:{name}"
        for name in resolver.namespace_dict["planning"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names == WALKED


def test_activity_codes_with_dots_and_letters_reverse_and_resolve() -> None:
    for code in ["1.7", "1E", "II.3", "7.2.1-a"]:
        url = reverse("planning:activiteit", kwargs={"key": GOAL, "year": YEAR, "code": code})
        assert url == f"/plan/doel/{GOAL}/{YEAR}/activiteit/{code}/"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_is_sent_to_the_login_page(client: Client, name: str) -> None:
    response = _request(client, name)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_member_without_a_role_gets_403(client: Client, nobody, name: str) -> None:
    client.force_login(nobody)
    response = _request(client, name)
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


@pytest.mark.parametrize("role", ["lezer", "controller"])
@pytest.mark.parametrize("name", READ)
def test_readers_read_the_plan(client: Client, request, plan, role: str, name: str) -> None:
    client.force_login(request.getfixturevalue(role))
    response = _request(client, name)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode("utf-8")
    if "html" in response["Content-Type"]:
        assert plan.name in content
        for edit in ["bewerken/", "verwijderen/", "terugzetten/", "streefwaarden/", "oordeel/"]:
            assert edit not in content, f"{role} ziet een bewerkknop ({edit})"


@pytest.mark.parametrize("role", ["lezer", "controller"])
@pytest.mark.parametrize("name", EDIT)
def test_readers_get_403_on_every_edit_page(client: Client, request, role: str, name: str) -> None:
    client.force_login(request.getfixturevalue(role))
    kwargs = PAGES[name][0]
    changes = Change.objects.count()
    assert client.get(reverse(name, kwargs=kwargs)).status_code in {403, 405}
    assert client.post(reverse(name, kwargs=kwargs), POSTS[name]).status_code == 403
    assert Change.objects.count() == changes  # nothing was saved
    goal = Goal.objects.get(theme__plan__gemeente_code="GM0014", key=GOAL)
    assert goal.removed_at is None and goal.name != POSTS["planning:doel-bewerken"]["name"]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_beleidsadviseur_gets_every_page(
    client: Client, plan, breda_plan, adviseur, name: str
) -> None:
    client.force_login(adviseur)
    response = _request(client, name)
    if PAGES[name][1] == "post":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode("utf-8")
    assert breda_plan.name not in content
    if "html" in response["Content-Type"]:
        assert plan.name in content


def test_the_beleidsadviseur_sees_the_edit_buttons(client: Client, adviseur) -> None:
    client.force_login(adviseur)
    content = client.get(reverse("planning:doel", kwargs={"key": GOAL})).content.decode()
    for name in ["doel-bewerken", "doel-verwijderen", "oordeel", "activiteit-nieuw"]:
        kwargs = {"key": GOAL} if name.startswith("doel") else {"key": GOAL, "year": YEAR}
        assert reverse(f"planning:{name}", kwargs=kwargs) in content


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_beleidsadviseur_of_another_gemeente_sees_nothing_of_this_one(
    client: Client, plan, breda_plan, elsewhere, name: str
) -> None:
    client.force_login(elsewhere)
    changes = Change.objects.filter(plan=plan).count()
    response = _request(client, name)
    assert response.status_code in {200, 302, 404}
    content = response.content.decode("utf-8")
    assert plan.name not in content
    assert "Groningen" not in content
    if response.status_code == 200 and "html" in response["Content-Type"]:
        assert breda_plan.name in content  # their own plan
    assert Change.objects.filter(plan=plan).count() == changes
    if name == "planning:activiteit":  # Groningen's activity: not in Breda's plan
        assert response.status_code == 404


def test_a_beleidsadviseur_of_a_gemeente_without_a_plan_gets_no_other_plan(
    client: Client, plan, django_user_model
) -> None:
    # Zwolle has no plan in the demo (Groningen, Breda and Nijmegen have)
    zwolle = with_role(django_user_model, "zwolle", "beleidsadviseur", "GM0193")
    client.force_login(zwolle)
    for name, (kwargs, method, _, _) in PAGES.items():
        url = reverse(name, kwargs=kwargs)
        response = client.post(url) if method == "post" else client.get(url)
        assert response.status_code in {200, 404}, name
        content = response.content.decode("utf-8")
        assert plan.name not in content and "Groningen" not in content, name
    assert "nog geen veiligheidsplan" in client.get(reverse("planning:plan")).content.decode()
