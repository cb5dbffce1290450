"""The access walk: every URL of the site, for four users (anonymous, no role, allowed, allowed
for another gemeente only), on the real demo data plus a second gemeente with its own plan.

A new URL pattern without an entry in ``ACCESS`` (or ``PUBLIC``) fails
``test_every_url_pattern_has_an_access_test``: add it there, with the arguments of a real page.
"""

from __future__ import annotations

import pytest

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from openveiligheid.accounts.access import SESSION_KEY, Scope, visible_gemeenten
from openveiligheid.accounts.models import Gemeente, Organisation
from openveiligheid.indicators.models import Indicator, IndicatorTarget
from openveiligheid.policy.models import Goal, Plan, Theme
from openveiligheid.policy.services import plan_for
from tests.cases.test_case_permissions import WALKED as CASE_URLS_WALKED
from tests.conftest import BREDA_PLAN, member_of, with_role
from tests.planning.test_finance_access import WALKED as FINANCE_URLS_WALKED
from tests.planning.test_plan_access import WALKED as PLAN_URLS_WALKED
from tests.reports.test_report_access import WALKED as REPORT_URLS_WALKED
from tests.uploads.test_upload_access import WALKED as UPLOAD_URLS_WALKED

#: url name -> (arguments, method). Every page a user can reach, with a real example.
ACCESS: dict[str, tuple[dict, str]] = {
    "dashboard:overzicht": ({}, "get"),
    "dashboard:indicator": ({"key": "fietsdiefstal-aangiften"}, "get"),
    "dashboard:download": ({"key": "fietsdiefstal-aangiften", "fmt": "csv"}, "get"),
    "dashboard:kaart": ({}, "get"),
    "dashboard:gebied": ({"code": "BU00140000"}, "get"),
    "dashboard:vergelijken": ({}, "get"),
    "insight:monitor": ({}, "get"),
    "insight:methoden": ({}, "get"),
    "insight:methode": ({"slug": "hotspots"}, "get"),
    "insight:afspraken": ({"periode": "2017-08-28"}, "post"),
    "accounts:gemeente": ({}, "post"),
    # The yearly report of a register: aggregates, a dashboard page (suppressed outside the
    # register's role). The other register pages and the audit log: tests/cases/.
    "cases:rapport": ({"register": "woonoverlast"}, "get"),
}
#: Open without a log-in by design (log-in and log-out: test_access.py; the health check:
#: tests/core/test_health.py; single sign-on, a log-in itself: tests/accounts/test_sso.py and
#: the test below); the admin guards itself.
PUBLIC = {"login", "logout", "gezondheid", "accounts:sso", "accounts:sso-terug"}
#: url name -> what a logged-in user without any role sees there: pages about one's own
#: account, which need a log-in but no role (tests/accounts/test_twofactor.py).
LOGGED_IN: dict[str, int] = {
    "accounts:code": 302,  # no app set up: straight on to the start page
    "accounts:tweestaps": 200,
}
#: The admin guards itself; the API's routes are walked in tests/api/test_api.py (ENDPOINTS).
SKIPPED_NAMESPACES = {"admin", "api"}


def _url_names(patterns, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def _request(client: Client, name: str):
    kwargs, method = ACCESS[name]
    url = reverse(name, kwargs=kwargs)
    if method == "post":
        return client.post(url, {"gemeente": "GM0014", "next": "/kaart/"})
    return client.get(url)


def test_every_url_pattern_has_an_access_test() -> None:
    names = _url_names(get_resolver().url_patterns)
    walked = CASE_URLS_WALKED | PLAN_URLS_WALKED | FINANCE_URLS_WALKED | UPLOAD_URLS_WALKED
    walked |= REPORT_URLS_WALKED
    tested = PUBLIC | set(ACCESS) | set(LOGGED_IN) | walked
    assert names - tested == set(), "URL zonder toegangstest: voeg toe aan ACCESS"
    assert (set(ACCESS) | set(LOGGED_IN)) - names == set(), "ACCESS noemt een URL die niet bestaat"


@pytest.mark.parametrize("name", sorted(LOGGED_IN))
def test_account_pages_need_a_log_in_but_no_role(client: Client, nobody, name: str) -> None:
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    client.force_login(nobody)
    response = client.get(url)
    assert response.status_code == LOGGED_IN[name]
    assert "no-store" in response["Cache-Control"]


def test_single_sign_on_is_off_by_default(client: Client) -> None:
    assert "organisatie-account" not in client.get(reverse("login")).content.decode()
    for name in ["accounts:sso", "accounts:sso-terug"]:
        assert client.get(reverse(name) + "?code=x&state=y").status_code == 404


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_anonymous_is_sent_to_the_login_page(client: Client, plan, name: str) -> None:
    response = _request(client, name)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_a_member_without_a_role_gets_403(client: Client, plan, nobody, name: str) -> None:
    client.force_login(nobody)
    response = _request(client, name)
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_a_beleidsadviseur_of_the_gemeente_gets_the_page(
    client: Client, plan, breda_plan, adviseur, name: str
) -> None:
    client.force_login(adviseur)
    response = _request(client, name)
    if ACCESS[name][1] == "post":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # never kept by a browser or proxy
    content = response.content.decode("utf-8-sig")
    assert BREDA_PLAN not in content
    if "html" in response["Content-Type"]:
        assert plan.name in content  # the header names the plan of the chosen gemeente


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_a_beleidsadviseur_of_another_gemeente_sees_nothing_of_this_one(
    client: Client, plan, breda_plan, elsewhere, name: str
) -> None:
    client.force_login(elsewhere)
    response = _request(client, name)
    assert response.status_code in {200, 302, 404}
    content = response.content.decode("utf-8-sig")
    assert plan.name not in content
    assert "Groningen" not in content
    if name == "accounts:gemeente":  # asked for Groningen: not granted, still Breda
        assert client.session.get(SESSION_KEY) != "GM0014"
        assert BREDA_PLAN in client.get("/").content.decode()
    if name == "dashboard:gebied":  # a buurt of Groningen
        assert response.status_code == 404
    if response.status_code == 200 and "html" in response["Content-Type"]:
        assert BREDA_PLAN in content


def test_a_role_without_any_gemeente_explains_what_is_missing(
    client: Client, plan, django_user_model
) -> None:
    user = django_user_model.objects.create_user("nieuw")
    user.groups.add(Group.objects.get(name="beleidsadviseur"))
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert "hoort nog bij geen enkele gemeente" in response.content.decode()


def test_a_member_of_two_gemeenten_chooses_and_stays_in_the_section(
    client: Client, plan, breda_plan, adviseur
) -> None:
    member_of(adviseur, "GM0758", "Breda")
    client.force_login(adviseur)
    page = client.get("/kaart/").content.decode()
    assert 'name="gemeente"' in page and ">Groningen</option>" in page
    assert BREDA_PLAN in page  # first by name; both have a plan
    response = client.post(
        reverse("accounts:gemeente"), {"gemeente": "GM0014", "next": "/kaart/?niveau=buurt"}
    )
    assert response.url == "/kaart/"  # same section, without the old gemeente's query
    assert plan.name in client.get("/kaart/").content.decode()
    response = client.post(
        reverse("accounts:gemeente"),
        {"gemeente": "GM0758", "next": "/indicator/fietsdiefstal-aangiften/"},
    )
    assert response.url == "/"  # a page about one indicator: back to the start
    assert BREDA_PLAN in client.get("/").content.decode()
    response = client.post(
        reverse("accounts:gemeente"), {"gemeente": "GM0014", "next": "https://elders.example/"}
    )
    assert response.url == "/"
    assert client.get(reverse("accounts:gemeente")).status_code == 405


def test_a_link_to_an_area_of_another_own_gemeente_switches_to_it(
    client: Client, plan, breda_plan, elsewhere
) -> None:
    member_of(elsewhere, "GM0014", "Groningen")
    client.force_login(elsewhere)
    assert BREDA_PLAN in client.get("/").content.decode()  # Breda first by name
    response = client.get("/gebied/BU00140000/")
    assert response.status_code == 200
    assert plan.name in response.content.decode()
    assert client.session[SESSION_KEY] == "GM0014"


def test_visible_to_is_the_one_filter_for_gemeente_bound_rows(
    plan, breda_plan, adviseur, elsewhere, nobody, django_user_model
):
    # the regional demo: Groningen, Breda (its own plan and the test's) and Nijmegen
    nijmegen = with_role(django_user_model, "nijmegen", "beleidsadviseur", "GM0268")
    models = [Plan, Theme, Goal, Indicator, IndicatorTarget]
    for model in models:
        everything = model.objects.count()
        counts = [model.objects.visible_to(u).count() for u in (adviseur, elsewhere, nijmegen)]
        assert sum(counts) == everything > 0 and all(counts), model
        assert model.objects.visible_to(nobody).count() == 0  # no role: nothing
    assert set(Plan.objects.visible_to(adviseur)) == {plan}
    theirs = set(Plan.objects.visible_to(elsewhere))
    assert breda_plan in theirs and {p.gemeente_code for p in theirs} == {"GM0758"}


def test_a_superuser_sees_every_gemeente_but_anonymous_none(plan, breda_plan, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    admin = django_user_model.objects.create_superuser("beheer", password="x")
    codes = set(visible_gemeenten(admin).values_list("code", flat=True))
    assert codes == {"GM0014", "GM0758", "GM0268"}  # the regional demo
    assert visible_gemeenten(AnonymousUser()).count() == 0
    assert Plan.objects.visible_to(AnonymousUser()).count() == 0
    breda = Gemeente.objects.get(code="GM0758")
    assert plan_for(Scope(admin, breda)) == breda_plan


def test_loading_a_plan_registers_its_gemeente_with_an_organisation(plan, breda_plan):
    breda = Gemeente.objects.get(code="GM0758")
    assert breda.name == "Breda"  # from the area register
    assert Organisation.objects.filter(gemeenten=breda, name="Gemeente Breda").exists()


def test_the_admin_lists_only_plans_of_the_users_gemeenten(
    client: Client, plan, breda_plan, elsewhere
):
    elsewhere.is_staff = True
    elsewhere.save()
    client.force_login(elsewhere)
    for url in ["/beheer/policy/plan/", "/beheer/indicators/indicator/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "Groningen" not in content, url
    assert client.get("/beheer/policy/goal/").status_code == 403  # not in the role
    assert BREDA_PLAN in client.get("/beheer/policy/plan/").content.decode()
    assert client.get(f"/beheer/policy/plan/{plan.pk}/change/").status_code == 302  # not found
