"""The yearly report page of a register: exact for the register's role, suppressed for other
dashboard users, refused without the dashboard, log-in first for anonymous visitors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from django.test import Client
from django.urls import include, path, reverse

from openveiligheid import urls as root_urls
from openveiligheid.areas.services import import_area_list
from openveiligheid.cases.importing import import_register
from openveiligheid.cases.models import WoonoverlastCase
from tests.conftest import login_verified, with_role

DATA = Path(__file__).resolve().parents[1] / "data" / "registers"
ZOETERMEER = "GM0637"

# The project's URLconf, with the register pages added if it does not have them yet.
urlpatterns = list(root_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "cases" for p in urlpatterns):
    urlpatterns.append(path("", include("openveiligheid.cases.urls")))
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def zoetermeer(db):
    import_area_list(DATA / "zoetermeer_gebieden_2024.csv", division=2024)
    import_register(DATA / "zoetermeer_woonoverlast_2022.csv", "woonoverlast", gemeente=ZOETERMEER)
    import_register(
        DATA / "zoetermeer_maatregelen_2021_2022.csv", "maatregelen", gemeente=ZOETERMEER
    )


@pytest.fixture
def regisseur(django_user_model):
    return with_role(django_user_model, "regisseur-zm", "casusregisseur woonoverlast", ZOETERMEER)


@pytest.fixture
def adviseur_zm(django_user_model):
    return with_role(django_user_model, "adviseur-zm", "beleidsadviseur", ZOETERMEER)


def page(client: Client, register: str = "woonoverlast", year: int = 2022):
    return client.get(reverse("cases:rapport", args=[register]), {"jaar": year})


def text_of(response) -> str:
    """The page's text without tags and with single spaces."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&lt;", "<")


def row(response, label: str) -> list[str]:
    """The cells of the table row headed ``label``."""
    html = response.content.decode()
    found = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert found, label
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", found[1])]


def test_the_register_role_sees_the_exact_zoetermeer_report(zoetermeer, regisseur):
    response = page(login_verified(Client(), regisseur))

    assert response.status_code == 200
    text = text_of(response)
    assert "In totaal zijn er in 2022 170 casussen geregistreerd." in text
    assert "In 2022 zijn er 96 casussen afgerond." in text
    assert "Het aantal openstaande casussen op 31 december 2022 is 74." in text
    assert (
        "Van de openstaande casussen gaat het in 42 om corporatiewoningen, in 20 om "
        "koopwoningen en in 12 om particuliere huurwoningen."
    ) in text
    assert "Buytenwegh de Leyens heeft van alle wijken de meeste openstaande casussen: 25." in text
    assert row(response, "Buytenwegh de Leyens") == ["<code>WK063702</code>", "25"]
    assert row(response, "Industriegebied") == ["<code>WK063708</code>", "1"]
    assert row(response, "corporatie") == ["42"]
    assert "weergegeven als < 5" not in text
    for definition in (
        "Geregistreerd geopend in het jaar.",
        "Afgerond gesloten in het jaar.",
        "Open op 31 december geopend op of vóór 31 december en op die dag nog niet gesloten.",
    ):
        assert definition in text


def test_other_dashboard_users_see_the_suppressed_report(zoetermeer, adviseur_zm):
    client = Client()
    client.force_login(adviseur_zm)

    response = page(client)

    assert response.status_code == 200
    text = text_of(response)
    assert "Aantallen van 1 tot 4 zijn weergegeven als < 5" in text
    assert "In totaal zijn er in 2022 170 casussen geregistreerd." in text
    # open per wijk next to the published flows per wijk would give small counts back
    assert "WK063702" not in response.content.decode()
    assert "alleen zichtbaar voor wie met het register werkt" in text
    assert "de meeste openstaande casussen" not in text  # would bound the hidden cells
    assert row(response, "Afgerond") == ["96", "–"]  # last year's: not shown
    assert "Geregistreerd geopend in het jaar." in text


def test_the_huisverboden_and_their_change(zoetermeer, django_user_model):
    jurist = with_role(
        django_user_model, "jurist-zm", "jurist bestuurlijke maatregelen", ZOETERMEER
    )
    response = page(login_verified(Client(), jurist), "maatregelen")
    assert response.status_code == 200
    text = text_of(response)
    assert (
        "In 2022 zijn 59 tijdelijke huisverboden opgelegd; in 2021 waren dat er 44: een "
        "stijging van 34%." in text
    )
    assert row(response, "tijdelijk huisverbod") == ["59", "44", "+34%"]
    # the jurist holds another register's role: woonoverlast is suppressed for them
    woonoverlast = text_of(page(login_verified(Client(), jurist)))
    assert "weergegeven als < 5" in woonoverlast


def test_small_counts_hide_the_breakdowns(db, adviseur_zm, regisseur):
    import_area_list(DATA / "zoetermeer_gebieden_2024.csv", division=2024)
    for number, wijk in enumerate(["WK063700", "WK063701", "WK063702"]):
        WoonoverlastCase.objects.create(
            register="woonoverlast",
            number=str(number),
            gemeente_code=ZOETERMEER,
            wijk_code=wijk,
            opened=dt.date(2022, 5, 1),
            woningtype="koop",
        )
    client = Client()
    client.force_login(adviseur_zm)

    response = page(client)

    text = text_of(response)
    assert row(response, "Geregistreerd") == ["&lt; 5", "0"]
    assert "In totaal zijn er in 2022 < 5 casussen geregistreerd." in text
    assert "Niet getoond: de aantallen zijn te klein voor een uitsplitsing." in text
    assert "WK063700" not in response.content.decode()
    exact = page(login_verified(Client(), regisseur))
    assert row(exact, "Centrum") == ["<code>WK063700</code>", "1"]


def test_without_the_dashboard_no_access(zoetermeer, django_user_model):
    from tests.conftest import member_of

    user = django_user_model.objects.create_user("zonderrol-zm")
    member_of(user, ZOETERMEER, "Zoetermeer")
    client = Client()
    client.force_login(user)
    assert page(client).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(zoetermeer):
    response = page(Client())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_register_is_not_found(zoetermeer, adviseur_zm):
    client = Client()
    client.force_login(adviseur_zm)
    assert page(client, "onbekend").status_code == 404
