"""The second factor of local accounts: setting up an authenticator app (TOTP) with a QR code
drawn on the server, the code after the password, throttled wrong codes, the roles that must
use it, and the audit log of all of it."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from openveiligheid.accounts.oidc import BACKEND
from openveiligheid.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SET_UP = reverse("accounts:tweestaps")
CODE = reverse("accounts:code")


def _code(device: TOTPDevice, *, again: bool = True) -> str:
    """The app's current code. A code is accepted once per 30 s; ``again`` lets the next use
    of this one count as a new code, as half a minute later."""
    if again:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _wrong(device: TOTPDevice) -> str:
    right = _code(device)
    return "000000" if right != "000000" else "111111"


def _log_in(username: str = "adviseur") -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _set_up(client: Client, user) -> TOTPDevice:
    assert client.get(SET_UP).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(SET_UP, {"code": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def _wait_out_throttle(device: TOTPDevice) -> None:
    earlier = timezone.now() - timedelta(hours=1)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=earlier)


def _actions(user) -> list[str]:
    return list(AuditEvent.objects.filter(user=user).values_list("action", flat=True))


def test_without_an_app_and_not_required_nothing_changes(adviseur):
    client = _log_in()
    assert client.get("/").status_code == 200
    assert client.get(CODE).status_code == 302  # nothing to ask


def test_setting_up_shows_a_qr_code_drawn_here_and_confirms_with_a_code(adviseur):
    client = _log_in()
    page = client.get(SET_UP)
    content = page.content.decode()
    assert content.count("<h1>") == 1 and "Tweestapsverificatie" in content
    assert "otpauth://totp/Open%20Veiligheid%3Aadviseur?secret=" in content
    assert '<label for="id_code">' in content
    scripts = re.findall(r"<script[^>]*>", content)  # the base page's print button only
    assert scripts == ['<script src="/static/dashboard/openveiligheid.js" defer>']
    start = content.index('src="data:image/svg+xml;base64,') + len(
        'src="data:image/svg+xml;base64,'
    )
    svg = base64.b64decode(content[start : content.index('"', start)]).decode()
    assert svg.startswith("<svg") and "<path" in svg
    device = TOTPDevice.objects.get(user=adviseur, confirmed=False)
    assert base64.b32encode(device.bin_key).decode() in content  # the key to type over
    wrong = client.post(SET_UP, {"code": _wrong(device)})
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.content.decode()
    _wait_out_throttle(device)
    response = client.post(SET_UP, {"code": _code(device)})
    assert response.status_code == 302 and response.url == SET_UP
    device.refresh_from_db()
    assert device.confirmed
    assert "staat aan" in client.get(SET_UP).content.decode()
    assert client.get("/").status_code == 200  # this session gave the code
    assert AuditEvent.SECOND_FACTOR_SET_UP in _actions(adviseur)
    assert AuditEvent.SECOND_FACTOR_FAILED in _actions(adviseur)


def test_after_the_password_every_page_waits_for_the_code(adviseur):
    device = _set_up(_log_in(), adviseur)
    client = _log_in()
    for url in ["/", "/kaart/", "/beheer/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(CODE + "?next="), url
    page = client.get(CODE + "?next=/kaart/")
    assert page.status_code == 200 and "Code invullen" in page.content.decode()
    assert client.get(SET_UP).url.startswith(CODE)  # no new app without the current one's code
    client.post(SET_UP, {"actie": "nieuw"})
    assert TOTPDevice.objects.filter(user=adviseur).count() == 1
    wrong = client.post(CODE, {"code": _wrong(device), "next": "/kaart/"})
    assert "Deze code klopt niet" in wrong.content.decode()
    # Throttled: straight after a wrong code even the right one is refused (1, 2, 4 … s).
    throttled = client.post(CODE, {"code": _code(device), "next": "/kaart/"})
    assert "te veel verkeerde codes" in throttled.content.decode()
    assert client.get("/").status_code == 302
    _wait_out_throttle(device)
    response = client.post(CODE, {"code": _code(device), "next": "/kaart/"})
    assert response.status_code == 302 and response.url == "/kaart/"
    assert client.get("/").status_code == 200
    actions = _actions(adviseur)
    assert actions.count(AuditEvent.SECOND_FACTOR_FAILED) == 2
    assert actions.count(AuditEvent.SECOND_FACTOR_OK) == 1
    failed = AuditEvent.objects.filter(action=AuditEvent.SECOND_FACTOR_FAILED).last()
    assert failed.detail["reden"] == "te veel foute codes, wacht" and failed.detail["adres"]


def test_a_code_is_used_once_and_next_must_stay_on_this_site(adviseur):
    device = _set_up(_log_in(), adviseur)
    client = _log_in()
    _wait_out_throttle(device)
    used = _code(device)
    response = client.post(CODE, {"code": used, "next": "https://elders.example/"})
    assert response.status_code == 302 and response.url == "/"
    again = _log_in()
    assert used == _code(device, again=False)  # still the same half minute
    assert "Deze code klopt niet" in again.post(CODE, {"code": used}).content.decode()


def test_throttling_of_codes_is_on():
    device = TOTPDevice(throttling_failure_count=1, throttling_failure_timestamp=timezone.now())
    assert device.throttling_enabled
    assert device.verify_is_allowed()[0] is False


@override_settings(TWO_FACTOR_ROLES=["beleidsadviseur"])
def test_a_role_that_must_use_it_is_sent_to_set_it_up_first(adviseur, nobody):
    client = _log_in()
    response = client.get("/kaart/")
    assert response.status_code == 302 and response.url.startswith(SET_UP + "?next=")
    page = client.get(response.url).content.decode()
    assert "verplicht" in page
    device = TOTPDevice.objects.get(user=adviseur, confirmed=False)
    done = client.post(SET_UP, {"code": _code(device), "next": "/kaart/"})
    assert done.status_code == 302 and done.url == "/kaart/"
    assert _log_in("zonderrol").get("/").status_code == 403  # another role: no second factor


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_required_for_everybody_but_not_for_single_sign_on(adviseur, nobody):
    assert _log_in("zonderrol").get("/").url.startswith(SET_UP)
    client = Client()
    client.force_login(adviseur, backend=BACKEND)  # logged in through the identity provider
    assert client.get("/").status_code == 200
    page = client.get(SET_UP).content.decode()
    assert "organisatie-account" in page and "otpauth" not in page
    assert not TOTPDevice.objects.filter(user=adviseur).exists()


def test_a_new_phone_replaces_the_app_only_after_its_code(adviseur):
    client = _log_in()
    first = _set_up(client, adviseur)
    client.post(SET_UP, {"actie": "nieuw"})
    second = TOTPDevice.objects.get(user=adviseur, confirmed=False)
    assert second.pk != first.pk and TOTPDevice.objects.filter(confirmed=True).count() == 1
    assert client.post(SET_UP, {"code": _code(second)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=adviseur)) == [second]
    assert Group.objects.filter(name="beleidsadviseur", user=adviseur).exists()


def test_whether_a_second_factor_is_due_costs_one_query(adviseur, django_assert_num_queries):
    """Asked on every request of a local user without a verified session."""
    from openveiligheid.accounts.twofactor import _second_factor_state

    with django_assert_num_queries(1):
        assert _second_factor_state(adviseur) == (False, False)
    adviseur.groups.add(Group.objects.get(name="casusregisseur woonoverlast"))
    assert _second_factor_state(adviseur) == (False, True)
