"""The access walk of the register pages and the audit log: every URL of ``cases.urls`` (but the
yearly report, a dashboard page walked in tests/dashboard/test_permissions.py) for anonymous,
logged in without a register role, entitled, entitled to another register only, the FG and a
superuser without a role. A case page never shows case data to anyone but the entitled user.

A new URL of the ``cases`` namespace without an entry here fails
``test_every_case_url_is_walked`` (and ``test_every_url_pattern_has_an_access_test``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from openveiligheid.audit.models import AuditEvent
from openveiligheid.cases import services
from openveiligheid.cases.models import CaseLink, CasePerson, JournalEntry, StatusChange
from tests.conftest import login_verified, with_role

pytestmark = pytest.mark.django_db

DOEL = "casusbehandeling"
ADDRESS = "Geheimstraat 13"  # case data: must show only to the entitled user
NAME = "Fictieve Bewoner"  # person data: idem
CASE, PERSON, OTHER = "<casus>", "<persoon>", "<andere casus>"

#: url name -> (arguments, method, data): every register page, with a real example. ``<casus>``
#: and ``<persoon>`` stand for the case and person the test makes.
REGISTER_URLS: dict[str, tuple[dict, str, dict]] = {
    "cases:registers": ({}, "get", {}),
    "cases:lijst": ({"register": "woonoverlast"}, "get", {}),
    "cases:nieuw": ({"register": "woonoverlast"}, "get", {}),
    "cases:export": ({"register": "woonoverlast"}, "post", {"doel": DOEL}),
    "cases:casus": ({"pk": CASE}, "get", {"doel": DOEL}),
    "cases:journaal": (
        {"pk": CASE},
        "post",
        {
            "doel": DOEL,
            "journaal-date": "2024-02-01",
            "journaal-kind": "actie",
            "journaal-text": "Huisbezoek afgelegd.",
        },
    ),  # fmt: skip
    "cases:status": (
        {"pk": CASE},
        "post",
        {"doel": DOEL, "status-status": "in behandeling", "status-date": "2024-02-02"},
    ),
    "cases:persoon-toevoegen": (
        {"pk": CASE},
        "post",
        {"doel": DOEL, "persoon-name": "Tweede Bewoner", "persoon-role": "melder"},
    ),
    "cases:koppelen": ({"pk": CASE}, "post", {"doel": DOEL, "kop-number": OTHER}),
    "cases:persoon": ({"pk": PERSON}, "get", {"doel": DOEL}),
}
#: The FG's pages: the audit log and its export.
AUDIT_URLS: dict[str, tuple[dict, str, dict]] = {
    "cases:auditlog": ({}, "get", {}),
    "cases:auditlog-export": ({"fmt": "csv"}, "get", {}),
}
#: Everything walked here (tests/dashboard/test_permissions.py counts these as tested).
WALKED = set(REGISTER_URLS) | set(AUDIT_URLS)
ALL_URLS = {**REGISTER_URLS, **AUDIT_URLS}
#: Case URLs: a user who may not see the case gets a 404, as for a case that does not exist.
CASE_ID_URLS = {name for name, (kwargs, _, _) in REGISTER_URLS.items() if "pk" in kwargs}


@pytest.fixture
def world(casusregisseur):
    """A woonoverlast case of Groningen with a person, and a second one to link to."""
    case = services.open_case(
        casusregisseur,
        "woonoverlast",
        "GM0014",
        number="WO-2024-001",
        opened=dt.date(2024, 1, 15),
        woningtype="corporatie",
        address=ADDRESS,
    )
    other = services.open_case(
        casusregisseur,
        "woonoverlast",
        "GM0014",
        number="WO-2024-002",
        opened=dt.date(2024, 1, 20),
        woningtype="koop",
    )
    person = services.add_person(casusregisseur, case, NAME, birth_date=dt.date(1980, 5, 4))
    return {CASE: case.pk, PERSON: person.pk, OTHER: other.number}


def request(client: Client, name: str, world: dict):
    kwargs, method, data = ALL_URLS[name]
    kwargs = {key: world.get(value, value) for key, value in kwargs.items()}
    data = {key: world.get(value, value) for key, value in data.items()}
    url = reverse(name, kwargs=kwargs)
    if method == "post":
        return client.post(url, data)
    return client.get(url, data)


def verified(user) -> Client:
    return login_verified(Client(), user)


def no_case_data(response) -> None:
    content = response.content.decode("utf-8-sig")
    assert ADDRESS not in content and NAME not in content and "WO-2024-001" not in content


def nothing_changed() -> None:
    assert not JournalEntry.objects.exists()
    assert not CaseLink.objects.exists()
    assert CasePerson.objects.count() == 1
    assert StatusChange.objects.count() == 2  # the two openings


def test_every_case_url_is_walked() -> None:
    resolver = next(
        p for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "cases"
    )  # fmt: skip
    names = {f"cases:{p.name}" for p in resolver.url_patterns if p.name}
    assert names - {"cases:rapport"} == WALKED


@pytest.mark.parametrize("name", sorted(ALL_URLS))
def test_anonymous_is_sent_to_the_login_page(client: Client, world, name: str) -> None:
    response = request(client, name, world)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    nothing_changed()


@pytest.mark.parametrize("name", sorted(ALL_URLS))
def test_without_a_register_role_no_access(client: Client, world, adviseur, name: str) -> None:
    """The beleidsadviseur sees the dashboard of the gemeente, but no register and no log."""
    client.force_login(adviseur)
    response = request(client, name, world)
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()
    no_case_data(response)
    nothing_changed()


@pytest.mark.parametrize("name", sorted(ALL_URLS))
def test_the_entitled_casusregisseur_gets_the_page(world, casusregisseur, name: str) -> None:
    client = verified(casusregisseur)
    response = request(client, name, world)
    if name in AUDIT_URLS:  # not the FG
        assert response.status_code == 403
        return
    expected = 302 if ALL_URLS[name][1] == "post" and name != "cases:export" else 200
    assert response.status_code == expected, response.content.decode()[:500]
    assert "no-store" in response["Cache-Control"]
    if expected == 302:
        assert response.url == reverse("cases:casus", kwargs={"pk": world[CASE]}) + f"?doel={DOEL}"
    if name == "cases:casus":
        assert ADDRESS in response.content.decode() and NAME in response.content.decode()
    if name == "cases:persoon":
        assert NAME in response.content.decode()


@pytest.mark.parametrize("name", sorted(ALL_URLS))
def test_entitled_to_another_register_only_sees_nothing(world, jurist, name: str) -> None:
    """The jurist works in the register of bestuurlijke maatregelen of the same gemeente."""
    client = verified(jurist)
    response = request(client, name, world)
    if name in CASE_ID_URLS:
        assert response.status_code == 404  # as if the case did not exist
    elif name == "cases:registers":
        assert response.status_code == 200  # their own register
        assert "Bestuurlijke maatregelen" in response.content.decode()
        assert "Woonoverlast" not in response.content.decode()
    else:
        assert response.status_code == 403
    no_case_data(response)
    nothing_changed()


@pytest.mark.parametrize("name", sorted(ALL_URLS))
def test_the_fg_reads_the_audit_log_but_no_case(world, fg, name: str) -> None:
    client = verified(fg)
    response = request(client, name, world)
    assert response.status_code == (200 if name in AUDIT_URLS else 403)
    content = response.content.decode("utf-8-sig")
    assert ADDRESS not in content and NAME not in content  # the log names cases, no more
    nothing_changed()


@pytest.mark.parametrize("name", sorted(ALL_URLS))
def test_a_superuser_is_not_entitled_by_being_one(
    client: Client, world, django_user_model, name: str
) -> None:
    admin = django_user_model.objects.create_superuser("beheerder", password="x" * 16)
    client.force_login(admin)
    response = request(client, name, world)
    assert response.status_code == 403
    no_case_data(response)
    nothing_changed()


def test_another_gemeentes_casusregisseur_gets_404_for_the_case(world, django_user_model) -> None:
    breda = with_role(django_user_model, "breda-wo", "casusregisseur woonoverlast", "GM0758")
    client = verified(breda)
    for name in sorted(CASE_ID_URLS):
        response = request(client, name, world)
        assert response.status_code == 404, name
        no_case_data(response)
    assert (
        "WO-2024" not in client.get(reverse("cases:lijst", args=["woonoverlast"])).content.decode()
    )
    nothing_changed()


def test_the_menu_links_only_what_the_user_may_open(world, casusregisseur, fg, adviseur) -> None:
    def menu(client: Client) -> str:
        return client.get(reverse("accounts:tweestaps")).content.decode()

    assert 'href="/registers/"' in menu(verified(casusregisseur))
    assert 'href="/auditlog/"' not in menu(verified(casusregisseur))
    assert 'href="/auditlog/"' in menu(verified(fg))
    assert 'href="/registers/"' not in menu(verified(fg))
    plain = Client()
    plain.force_login(adviseur)
    assert 'href="/registers/"' not in menu(plain) and 'href="/auditlog/"' not in menu(plain)


def test_a_refused_request_is_not_recorded_as_a_read(world, jurist) -> None:
    before = AuditEvent.objects.filter(action=AuditEvent.CASE_VIEWED).count()
    request(verified(jurist), "cases:casus", world)
    assert AuditEvent.objects.filter(action=AuditEvent.CASE_VIEWED).count() == before
