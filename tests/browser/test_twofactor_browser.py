"""In a real browser: turn on the second factor with the QR code, then log in with password and
code; both pages pass axe and raise no Content-Security-Policy violation."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from .support import PASSWORD, assert_accessible, totp_code

pytestmark = pytest.mark.browser


def test_set_up_the_app_and_log_in_with_a_code(
    live_server, transactional_db, browser, django_user_model, settings
):
    from playwright.sync_api import expect

    user = django_user_model.objects.create_user("tweestaps", password=PASSWORD)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )

    def log_in() -> None:
        page.goto(live_server.url + "/")
        page.get_by_label("Gebruikersnaam").fill("tweestaps")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()

    settings.OIDC_ENABLED = True  # the log-in page offers the organisation account too
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Inloggen met uw organisatie-account")).to_be_visible()
    assert_accessible(page, "19-inloggen-sso")
    settings.OIDC_ENABLED = False

    log_in()
    page.get_by_role("link", name="Tweestapsverificatie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    qr = page.get_by_role("img", name=re.compile("QR-code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0  # the SVG is drawn, CSP allows it
    assert_accessible(page, "20-tweestaps")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Code uit uw authenticator-app").fill(totp_code(device))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("Tweestapsverificatie staat aan")).to_be_visible()

    page.get_by_role("button", name="Uitloggen").click()
    log_in()
    page.wait_for_url(re.compile(r"/inloggen/code/\?next=/$"))
    assert_accessible(page, "21-code")
    wrong = "111111" if totp_code(device) == "000000" else "000000"
    page.get_by_label("Code uit uw authenticator-app").fill(wrong)
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_text("Deze code klopt niet")).to_be_visible()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    page.get_by_label("Code uit uw authenticator-app").fill(totp_code(device))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url(live_server.url + "/")
    assert blocked == []
