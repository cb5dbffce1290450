"""In a real browser: log in, see the indicator cards of the demo plan, open an indicator."""

from __future__ import annotations

import re

import pytest

from django.contrib.auth.models import Group

from openveiligheid.demo.loader import load_demo
from tests.conftest import member_of

from .support import ARTIFACTS

PASSWORD = "browser-wachtwoord-42"

pytestmark = pytest.mark.browser


def test_log_in_and_open_an_indicator(live_server, transactional_db, browser, django_user_model):
    from playwright.sync_api import expect

    plan = load_demo(lambda _message: None)
    user = django_user_model.objects.create_user("browser", password=PASSWORD)
    user.groups.add(Group.objects.get(name="beleidsadviseur"))
    member_of(user, "GM0014", "Groningen")
    indicator = plan.indicators.order_by("order").first()

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/inloggen/\?next=/$"))
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "01-inloggen.png", full_page=True)

    page.get_by_label("Gebruikersnaam").fill("browser")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(live_server.url + "/")

    cards = page.locator(".indicator-card")
    expect(cards.first).to_be_visible()
    assert cards.count() == plan.indicators.count()
    card = page.locator(f'.indicator-card[data-indicator="{indicator.key}"]')
    expect(card).to_contain_text(indicator.name)
    # The stylesheet is served (no CDN): the header has the dark blue of the house style.
    header_colour = page.locator(".site-header").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert header_colour == "rgb(21, 66, 115)"
    page.screenshot(path=ARTIFACTS / "02-overzicht.png", full_page=True)

    card.get_by_role("link", name=indicator.name).click()
    page.wait_for_url(f"{live_server.url}/indicator/{indicator.key}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(indicator.name)
    expect(page.locator("#reeks tbody tr").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "03-indicator.png", full_page=True)

    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/inloggen/$"))
