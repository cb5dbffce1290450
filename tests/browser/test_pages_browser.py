"""Every page type in a real browser: filters, the map click, a download, axe (WCAG 2.1 AA).

One journey over the demo (loaded once): each page type is opened, used as a reader would,
checked with axe-core for violations of level A and AA, and photographed into
test-artifacts/ (not committed).
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from django.contrib.auth.models import Group

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import WIJK
from openveiligheid.demo.loader import load_demo
from openveiligheid.indicators.formatting import format_number
from openveiligheid.indicators.services import indicator_series
from tests.conftest import member_of

from .support import ARTIFACTS, assert_accessible_at_both_widths

PASSWORD = "browser-wachtwoord-42"

pytestmark = pytest.mark.browser


def accessible(page, name: str) -> None:
    """No axe violation of WCAG 2.1 A/AA at 1280 and at 320 px, where the page does not scroll
    sideways; full-page screenshots of both."""
    assert_accessible_at_both_widths(page, name)


@pytest.fixture
def journey(live_server, transactional_db, browser, django_user_model):
    plan = load_demo(lambda _message: None)
    user = django_user_model.objects.create_user("analist", password=PASSWORD)
    user.groups.add(Group.objects.get(name="beleidsadviseur"))
    member_of(user, "GM0014", "Groningen")
    (ARTIFACTS / "axe-results.jsonl").unlink(missing_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    blocked: list[str] = []  # the pages must work under their own Content-Security-Policy
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.csp_blocked = blocked
    page.goto(live_server.url + "/kaart/")
    accessible(page, "10-inloggen")
    page.get_by_label("Gebruikersnaam").fill("analist")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/kaart/$"))
    return plan, page, live_server.url


def test_every_page_type(journey):
    from playwright.sync_api import expect

    plan, page, base = journey

    # Kaart: choose subject, level, period and rate; the map answers; click an area.
    accessible(page, "11-kaart")
    page.get_by_label("Onderwerp").select_option("maat:incidenten:A72")
    page.get_by_label("Niveau").select_option("buurt")
    page.get_by_label("Periode").select_option("2017-08")
    page.get_by_label("Per 1.000 inwoners").check()
    page.get_by_role("button", name="Toon kaart").click()
    page.wait_for_url(re.compile(r"periode=2017-08"))
    expect(page.get_by_role("heading", level=2).first).to_contain_text("per 1.000 inwoners")
    assert page.locator("svg.kaart a.kaart-gebied").count() > 100
    accessible(page, "12-kaart-buurten")
    area = page.locator("svg.kaart a.kaart-gebied").first
    code = area.get_attribute("data-code")
    area.click()
    page.wait_for_url(re.compile(rf"/gebied/{code}/\?indeling=2017$"))

    # Gebiedsprofiel, on screen and as printed (A4): navigation hidden in print.
    expect(page.locator("h1")).to_be_visible()
    accessible(page, "13-gebiedsprofiel")
    assert page.locator("svg.kaart--ligging a.kaart-gebied").count() > 100  # the locator map
    page.emulate_media(media="print")
    assert page.locator(".site-nav").is_hidden()
    assert page.locator(".site-header__product").is_visible()  # who made the print-out
    assert page.locator(".print-only").is_visible()  # and when
    page.screenshot(path=ARTIFACTS / "13-gebiedsprofiel-print.png", full_page=True)
    page.emulate_media(media="screen")

    # Overzicht: filter on theme and year.
    page.goto(base + "/")
    accessible(page, "14-overzicht")
    theme = plan.themes.order_by("order").first()
    page.get_by_label("Thema", exact=True).select_option(theme.key)
    page.get_by_label("Peiljaar", exact=True).select_option("2021")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url(re.compile(rf"thema={theme.key}"))
    headings = page.locator("section.theme h2").all_inner_texts()
    assert headings == [theme.name]
    expect(page.locator(".indicator-card__year").first).to_contain_text("2021")
    assert page.locator(".indicator-card svg.sparkline").count() > 0
    accessible(page, "15-overzicht-gefilterd")

    # Indicator: chart, table, map per buurt, sorting and the CSV download.
    indicator = plan.indicators.get(key="fietsdiefstal-aangiften")
    page.goto(f"{base}/indicator/{indicator.key}/?niveau=buurt")
    expect(page.locator("svg.chart")).to_be_visible()
    assert page.locator("#gebieden svg.kaart a.kaart-gebied").count() > 50
    page.get_by_role("link", name=re.compile(r"^Waarde")).click()
    page.wait_for_url(re.compile(r"sorteer=waarde"))
    accessible(page, "16-indicator")
    with page.expect_download() as download_info:
        page.locator("#download-csv").click()
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    yearly = {r["jaar"]: r["waarde"] for r in rows if r["niveau"] == "gemeente"}
    for result in indicator_series(plan, indicator):
        expected = "" if result.value is None else repr(result.value).replace(".", ",")
        assert yearly[result.period] == expected
    assert sum(1 for r in rows if r["niveau"] == "buurt") > 50

    # Vergelijken: two wijken side by side over two years.
    page.goto(base + "/vergelijken/?indeling=2017")
    chosen = list(
        Area.objects.filter(division=2017, level=WIJK)
        .order_by("code")
        .values_list("code", flat=True)[:2]
    )
    # the default choice (the gemeente and two wijken) is unticked; two wijken are found by
    # searching for their names and ticked
    ticked = page.locator("input[name=gebied]:checked")
    while ticked.count():
        ticked.first.uncheck()
    for code in chosen:
        name = Area.objects.get(code=code, division=2017).name
        page.get_by_label("Zoek een wijk of buurt").fill(name)
        page.get_by_role("button", name="Zoeken").click()
        page.wait_for_url(re.compile(r"zoek="))
        page.locator(f"#gebied-{code}").check()
    for year in ("2015", "2016"):
        page.get_by_label(year, exact=True).check()
    page.get_by_role("button", name="Vergelijk").click()
    page.wait_for_url(re.compile(r"gebied="))
    headers = page.locator("#vergelijking thead th[data-area]")
    assert headers.count() == 4
    accessible(page, "17-vergelijken")

    # Monitor and the explanation of a method.
    page.goto(base + "/monitor/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Monitor")
    accessible(page, "18-monitor")
    page.get_by_role("link", name="signalering").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signalering")
    accessible(page, "19-methode")

    # The number on the start page is the engine's, as in the other tests.
    page.goto(base + "/")
    card = page.locator(f'.indicator-card[data-indicator="{indicator.key}"]')
    latest = [r for r in indicator_series(plan, indicator) if r.value is not None][-1]
    expect(card.locator(".indicator-card__value")).to_have_text(
        format_number(latest.value, latest.decimals)
    )
    assert page.csp_blocked == []
