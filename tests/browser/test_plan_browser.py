"""Working in the plan in a real browser (issue #11): edit a target, enter an activity status,
upload a money file, open the jaarverslag and download it as Word; axe (WCAG 2.1 A/AA) on every
new page, at 1280 px and at 320 px wide, where no page may scroll sideways (WCAG 1.4.10).
"""

from __future__ import annotations

import io
import re

import docx
import pytest

from django.contrib.auth.models import Group

from openveiligheid.demo.loader import load_demo
from openveiligheid.indicators.models import IndicatorTarget
from openveiligheid.policy.models import ActivityStatus, FinanceAmount
from tests.conftest import member_of

from .support import ARTIFACTS, PASSWORD
from .support import assert_accessible_at_both_widths as check

pytestmark = pytest.mark.browser

GOAL = "minder-misdrijven"  # code 2.1 in the demo plan
INDICATOR = "misdrijven-totaal"


@pytest.fixture
def advisor(live_server, transactional_db, browser, django_user_model):
    plan = load_demo(lambda _message: None)
    user = django_user_model.objects.create_user("adviseur", password=PASSWORD)
    for role in ("beleidsadviseur", "controller"):
        user.groups.add(Group.objects.get(name=role))
    member_of(user, "GM0014", "Groningen")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(live_server.url + "/plan/")
    page.get_by_label("Gebruikersnaam").fill("adviseur")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/plan/$"))
    return plan, page, live_server.url


def test_a_year_of_the_plan_from_target_to_word(advisor, tmp_path):
    from playwright.sync_api import expect

    plan, page, base = advisor
    check(page, "30-plan")

    # A target: from the goal page to the indicator's targets.
    page.goto(f"{base}/plan/doel/{GOAL}/?jaar=2023")
    check(page, "31-doel")
    page.goto(f"{base}/plan/indicator/{INDICATOR}/streefwaarden/")
    check(page, "32-streefwaarden")
    page.get_by_label("Streefwaarde 2023").fill("< 15000")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".utrecht-alert, .message, [role=status]").first).to_be_visible()
    target = IndicatorTarget.objects.get(indicator__plan=plan, indicator__key=INDICATOR, year=2023)
    assert (target.operator, target.threshold) == ("<", 15000)

    # An activity status at the najaarsnota, oranje without a toelichting: saved, with a warning.
    page.goto(f"{base}/plan/doel/{GOAL}/2023/activiteit/2.1-1/")
    check(page, "33-activiteit")
    page.get_by_label("Rapportagemoment").select_option("najaarsnota")
    page.get_by_label("Planning (P)").select_option("oranje")
    page.get_by_label("Toelichting").fill("")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("zonder toelichting").first).to_be_visible()
    latest = ActivityStatus.objects.filter(activity__code="2.1-1").order_by("-pk").first()
    assert (latest.moment, latest.planning) == ("najaarsnota", "oranje")

    # A money file through the upload page.
    money = tmp_path / "geld.csv"
    money.write_text("doel;onderdeel;stap;bedrag\n2.1;lasten;begroting;1.300.000\n", "utf-8")
    page.goto(f"{base}/inlezen/")
    check(page, "34-inlezen")
    page.get_by_label("Financiën", exact=False).first.check()
    page.get_by_label("Bestand").set_input_files(str(money))
    page.get_by_label("Jaar").fill("2023")
    page.get_by_role("button", name="Inlezen").click()
    page.wait_for_url(re.compile(r"/inlezen/\d+/$"))
    check(page, "35-inlezen-resultaat")
    amounts = FinanceAmount.objects.filter(goal__theme__plan=plan, goal__key=GOAL, year=2023)
    assert list(amounts.values_list("step", "part", "amount")) == [
        ("begroting", "lasten", 1_300_000)
    ]

    # The jaarverslag of 2023 shows the new numbers; the Word file has them too.
    page.goto(f"{base}/jaarverslag/?jaar=2023")
    check(page, "36-jaarverslag")
    expect(page.locator("article.report-body")).to_contain_text("1.300.000")
    expect(page.locator("article.report-body")).to_contain_text("< 15.000")
    with page.expect_download() as download_info:
        page.locator("#download-docx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    document = docx.Document(io.BytesIO(download.path().read_bytes()))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "1.300.000" in cells
    assert any(p.style.name == "Heading 3" for p in document.paragraphs)
    page.emulate_media(media="print")
    assert page.locator(".site-nav").is_hidden()
    page.screenshot(path=ARTIFACTS / "36-jaarverslag-print.png", full_page=True)
