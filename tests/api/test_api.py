"""The read API on the demo: the same numbers as the engine and the pages, the same permissions,
every endpoint walked for four users, JSON and CSV, and a schemathesis run over the schema."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from openveiligheid.figures.models import Figure
from openveiligheid.indicators.services import evaluate_plan

from .conftest import BREDA_PLAN

#: Every API route with an example (arguments filled in per test: plan id, measure name).
ENDPOINTS = {
    "api:schema": {},
    "api:gemeente-list": {},
    "api:gemeente-detail": {"code": "GM0014"},
    "api:gebied-list": {},
    "api:gebied-detail": {"pk": "area"},
    "api:maat-list": {},
    "api:maat-detail": {"name": "inwoners"},
    "api:cijfer-list": {},
    "api:cijfer-detail": {"pk": "figure"},
    "api:plan-list": {},
    "api:plan-detail": {"pk": "plan"},
    "api:plan-indicator-values": {"pk": "plan"},
    "api:hotspot-list": {},
    "api:hotspot-detail": {"pk": "hotspot"},
    "api:signaal-list": {},
    "api:signaal-detail": {"pk": "signal"},
}


def _api_names(patterns, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _api_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace.startswith("api:"):
            names.add(namespace + pattern.name)
    return names


def _url(name: str, plan) -> str:
    from openveiligheid.areas.models import Area
    from openveiligheid.insight.models import HotspotResult, Signal

    groningen = {
        "plan": plan.pk,
        "area": Area.objects.filter(gemeente_code="GM0014").first().pk,
        "figure": Figure.objects.filter(area__gemeente_code="GM0014").first().pk,
        "hotspot": HotspotResult.objects.filter(area__gemeente_code="GM0014").first().pk,
        "signal": Signal.objects.filter(area__gemeente_code="GM0014").first().pk,
    }
    kwargs = {k: groningen.get(v, v) for k, v in ENDPOINTS[name].items()}
    return reverse(name, kwargs=kwargs)


def _client(user=None, token: bool = True) -> APIClient:
    client = APIClient()
    if user is not None:
        key = Token.objects.get_or_create(user=user)[0].key
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_every_api_route_is_walked() -> None:
    assert _api_names(get_resolver().url_patterns) == set(ENDPOINTS)


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_anonymous_gets_401_and_no_data(plan, name: str) -> None:
    response = _client().get(_url(name, plan))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_member_without_a_role_gets_403(plan, nobody, name: str) -> None:
    assert _client(nobody).get(_url(name, plan)).status_code == 403


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_beleidsadviseur_gets_the_data_not_cached(plan, breda_plan, adviseur, name) -> None:
    response = _client(adviseur).get(_url(name, plan))
    assert response.status_code == 200
    assert BREDA_PLAN not in response.content.decode()
    if name != "api:schema":
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_another_gemeentes_user_sees_nothing_of_groningen(
    plan, breda_plan, elsewhere, name
) -> None:
    response = _client(elsewhere).get(_url(name, plan))
    content = response.content.decode()
    assert response.status_code in {200, 404}
    assert plan.name not in content
    if name.endswith("-detail") and name not in {"api:maat-detail"}:
        assert response.status_code == 404  # a Groningen row
    if response.status_code == 200 and name not in {
        "api:schema",
        "api:maat-list",
        "api:maat-detail",
    }:
        assert "GM0014" not in content and "BU0014" not in content and "WK0014" not in content


def test_indicator_values_are_the_engines(plan, adviseur) -> None:
    url = reverse("api:plan-indicator-values", kwargs={"pk": plan.pk}) + "?jaar=2021"
    rows = _client(adviseur).get(url).json()
    expected = [card.result.as_dict() for card in evaluate_plan(plan, 2021)]
    assert rows == json.loads(json.dumps(expected))
    assert {row["verdict"] for row in rows} >= {"gehaald", "niet gehaald"} or rows


def test_figures_filter_page_and_csv(plan, adviseur) -> None:
    client = _client(adviseur)
    url = reverse("api:cijfer-list") + "?maat=inwoners&niveau=wijk&indeling=2017&per_pagina=5"
    page = client.get(url).json()
    stored = Figure.objects.filter(
        measure__name="inwoners", area__level="wijk", area__division=2017
    )
    assert page["count"] == stored.count() > 5
    assert len(page["results"]) == 5
    first = page["results"][0]
    row = stored.get(area__code=first["area"], period=first["period"])
    assert first["value"] == row.value
    table = list(csv.DictReader(io.StringIO(client.get(url + "&formaat=csv").content.decode())))
    assert [r["area"] for r in table] == [r["area"] for r in page["results"]]
    assert float(table[0]["value"]) == first["value"]
    bad = client.get(reverse("api:cijfer-list") + "?indeling=twintig")
    assert bad.status_code == 400 and "geen jaartal" in bad.content.decode()


def test_the_national_figures_come_along(plan, elsewhere) -> None:
    rows = _client(elsewhere).get(reverse("api:cijfer-list") + "?gebied=NL01").json()
    assert rows["count"] == Figure.objects.filter(area__code="NL01").count() > 0


def test_token_command_creates_replaces_and_revokes(adviseur) -> None:
    out = io.StringIO()
    call_command("token", "adviseur", stdout=out)
    key = out.getvalue().split(": ")[1].split()[0]
    assert Token.objects.get(user=adviseur).key == key
    call_command("token", "adviseur", "--vervang", stdout=io.StringIO())
    assert Token.objects.get(user=adviseur).key != key
    call_command("token", "adviseur", "--intrekken", stdout=io.StringIO())
    assert not Token.objects.filter(user=adviseur).exists()


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_no_endpoint_shows_case_data_to_anyone(plan, adviseur, casusregisseur, jurist, name):
    """The API has no case endpoints: neither a register's own role, nor another register's,
    nor a dashboard user finds a case number or a person's name in any answer (the register
    counts reach it only as suppressed figures)."""
    import datetime as dt

    from openveiligheid.cases import services

    case = services.open_case(
        casusregisseur, "woonoverlast", "GM0014", number="WO-GEHEIM-7",
        opened=dt.date(2022, 3, 1), woningtype="koop",
    )  # fmt: skip
    services.add_person(casusregisseur, case, "Geheime Testpersoon")
    for user in (adviseur, casusregisseur, jurist):
        response = _client(user).get(_url(name, plan))
        assert response.status_code == 200, (user.username, name)
        content = response.content.decode()
        assert "WO-GEHEIM-7" not in content and "Geheime Testpersoon" not in content
