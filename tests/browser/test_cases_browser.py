"""In a real browser: a casusregisseur logs in with password and code, opens a case (choosing
the purpose first) and writes a journal line; the FG then finds that line's audit record on
/auditlog/; a beleidsadviseur without a register role gets no access to /registers/. The
register pages pass axe (WCAG 2.1 AA) and raise no Content-Security-Policy violation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth.models import Group

from openveiligheid.cases import services
from tests.conftest import member_of

from .support import PASSWORD, assert_accessible, totp_code

JOURNAL_TEXT = "Huisbezoek afgelegd; afspraken gemaakt over geluid na 22.00 uur."

pytestmark = pytest.mark.browser


def _user(django_user_model, username: str, role: str, second_factor: bool):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    member_of(user, "GM0014", "Groningen")
    if second_factor:
        TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=True)
    return user


def _log_in(page, base: str, path: str, username: str) -> None:
    """Password, then (for a user with an app) the code of the app; ends on ``path``."""
    page.goto(base + path)
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is not None:
        page.wait_for_url(re.compile(r"/inloggen/code/"))
        page.get_by_label("Code uit uw authenticator-app").fill(totp_code(device))
        page.get_by_role("button", name="Controleren").click()
    page.wait_for_url(base + path)


def test_a_journal_line_seen_by_the_fg_and_no_access_without_a_role(
    live_server, transactional_db, browser, django_user_model
):
    from playwright.sync_api import expect

    regisseur = _user(django_user_model, "regisseur", "casusregisseur woonoverlast", True)
    _user(django_user_model, "fg", "functionaris gegevensbescherming", True)
    _user(django_user_model, "adviseur", "beleidsadviseur", False)
    case = services.open_case(
        regisseur,
        "woonoverlast",
        "GM0014",
        number="WO-2024-017",
        opened=dt.date(2024, 2, 12),
        woningtype="corporatie",
        address="Fictieve Dreef 7",
    )
    services.add_person(regisseur, case, "Fictieve Bewoner", birth_date=dt.date(1975, 8, 9))
    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )

    # The casusregisseur: registers, the list, the purpose, the case, a journal line.
    _log_in(page, base, "/registers/", "regisseur")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registers")
    assert_accessible(page, "40-registers")
    page.get_by_role("link", name="Woonoverlast", exact=True).first.click()
    page.wait_for_url(re.compile(r"/registers/woonoverlast/$"))
    assert_accessible(page, "41-register-lijst")
    assert "Fictieve Bewoner" not in page.content()  # the list has no person data
    page.get_by_role("link", name="WO-2024-017").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Met welk doel opent u deze casus?")
    assert "Fictieve Dreef" not in page.content()  # nothing of the case before the purpose
    assert_accessible(page, "42-casus-doel")
    page.get_by_label("Met welk doel opent u deze casus?").select_option("casusbehandeling")
    page.get_by_role("button", name="Openen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casus WO-2024-017")
    expect(page.get_by_text("Fictieve Dreef 7")).to_be_visible()
    assert_accessible(page, "43-casus")
    page.get_by_label("Wat is er gedaan?").fill(JOURNAL_TEXT)
    page.get_by_role("button", name="Toevoegen aan journaal").click()
    expect(page.get_by_text("De journaalregel is toegevoegd.")).to_be_visible()
    expect(page.get_by_role("cell", name=JOURNAL_TEXT)).to_be_visible()
    assert "doel=casusbehandeling" in page.url  # back on the case, the purpose kept
    page.goto(base + "/registers/woonoverlast/nieuw/")
    expect(page.get_by_label("Woningtype")).to_be_visible()
    assert_accessible(page, "45-nieuwe-casus")
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/"))

    # The FG: the audit log shows the journal line's record, with who and which case.
    _log_in(page, base, "/auditlog/", "fg")
    expect(
        page.get_by_text(re.compile(r"Hashketen intact\. Volledig gecontroleerd"))
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text="journaalregel toegevoegd")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("regisseur")
    expect(row).to_contain_text("casus gewijzigd")
    expect(row).to_contain_text("casus woonoverlast WO-2024-017 (GM0014)")
    viewed = page.get_by_role("row").filter(has_text="casus bekeken")
    expect(viewed).to_have_count(2)  # opened, and shown again after the journal line
    expect(viewed.first).to_contain_text("casusbehandeling")  # the purpose the regisseur chose
    assert JOURNAL_TEXT not in page.content()  # the log holds no case content
    assert_accessible(page, "44-auditlog")
    assert page.get_by_role("link", name="Registers").count() == 0
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/"))

    # A beleidsadviseur: the dashboard, but no register.
    _log_in(page, base, "/", "adviseur")
    assert page.get_by_role("link", name="Registers").count() == 0
    response = page.goto(base + "/registers/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    response = page.goto(base + f"/registers/casus/{case.pk}/?doel=casusbehandeling")
    assert response.status == 403
    assert "Fictieve" not in page.content()
    assert blocked == []
