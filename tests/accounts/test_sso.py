"""Single sign-on against a real OpenID Connect provider, not a mock: node-oidc-provider
(tests/oidc/provider.mjs, installed by ``npm ci --prefix tests/oidc`` in scripts/setup.sh dev)
on a free port of 127.0.0.1, discovered through ``.well-known/openid-configuration``, issuing
RS256-signed ID tokens that mozilla-django-oidc checks against the provider's JWKS.

The authorization-code flow runs end to end: Django's test client plays the browser towards
Open Veiligheid, a ``requests`` session plays it towards the provider (whose log-in form is
posted like a user would), and Open Veiligheid itself calls the provider's token, JWKS and
userinfo endpoints over HTTP.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.exceptions import SuspiciousOperation
from django.test import Client, override_settings
from django.urls import reverse

from openveiligheid.accounts.models import Organisation
from openveiligheid.accounts.oidc import BACKEND, SSOBackend
from openveiligheid.accounts.services import GemeenteSpec, save_organisation
from openveiligheid.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent.parent / "oidc"
SERVER = "http://testserver"
REDIRECT_URI = f"{SERVER}/inloggen/sso/terug/"
CLIENT_ID = "open-veiligheid-test"
CLIENT_SECRET = "test-geheim-alleen-voor-deze-test"  # the test provider's, made up here

ANNA = {
    "preferred_username": "a.devries@groningen.example",
    "given_name": "Anna",
    "family_name": "de Vries",
    "email": "a.devries@groningen.example",
    "groups": ["GG-IV-Adviseurs", "GG-Gemeente-Groningen", "Alle-medewerkers"],
}


@dataclass
class Provider:
    issuer: str
    accounts_file: Path

    def set_accounts(self, accounts: dict) -> None:
        self.accounts_file.write_text(json.dumps(accounts), encoding="utf-8")


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    node = shutil.which("node")
    if node is None:
        pytest.skip(
            "node ontbreekt: de test-identiteitsprovider (node-oidc-provider) draait op Node.js"
        )
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("tests/oidc/node_modules ontbreekt: draai scripts/setup.sh dev")
    accounts = tmp_path_factory.mktemp("oidc") / "accounts.json"
    accounts.write_text(json.dumps({"anna": ANNA}), encoding="utf-8")
    errors = accounts.with_name("provider.log")  # its warnings; never read while it runs
    with errors.open("w") as log:
        process = subprocess.Popen(
            [node, HERE / "provider.mjs", accounts, REDIRECT_URI, CLIENT_ID, CLIENT_SECRET],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    issuer = process.stdout.readline().strip()  # its first and only line
    if not issuer.startswith("http://127.0.0.1:"):
        process.kill()
        pytest.fail(f"De test-identiteitsprovider start niet: {errors.read_text()}")
    yield Provider(issuer, accounts)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def sso(provider, settings):
    """Single sign-on switched on as a municipality would configure it (OV_OIDC_*)."""
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ROLES = ["GG-IV-Adviseurs=beleidsadviseur", "GG-IV-Analisten=analist"]
    settings.OIDC_ORGANISATIONS = [
        "GG-Gemeente-Groningen=Gemeente Groningen",
        "GG-Gemeente-Breda=Gemeente Breda",
    ]
    save_organisation("Gemeente Groningen", [GemeenteSpec("GM0014", "Groningen")])
    save_organisation("Gemeente Breda", [GemeenteSpec("GM0758", "Breda")])
    provider.set_accounts({"anna": ANNA})
    return provider


def _through_provider(url: str, account: str) -> str:
    """Play the browser at the provider: follow its redirects and post its log-in form, until
    it sends the user back to Open Veiligheid; that URL (path and query) is returned."""
    browser = requests.Session()
    response = browser.get(url, allow_redirects=False, timeout=10)
    for _ in range(10):
        location = response.headers.get("location")
        if location is None:
            assert response.status_code == 200 and "/interaction/" in response.url, response.text
            response = browser.post(
                response.url + "/login", data={"account": account}, allow_redirects=False
            )
            continue
        location = urljoin(response.url, location)
        if location.startswith(SERVER):
            return location.removeprefix(SERVER)
        response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("de identiteitsprovider stuurt niet terug")


def _log_in(client: Client, provider: Provider, account: str = "anna", next_url: str = "/"):
    start = client.get(reverse("accounts:sso") + f"?next={next_url}")
    assert start.status_code == 302
    assert start.url.startswith(provider.issuer + "/auth?")
    query = parse_qs(urlsplit(start.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    callback = _through_provider(start.url, account)
    assert callback.startswith("/inloggen/sso/terug/?code=")
    return client.get(callback)


def _user(name: str = ANNA["preferred_username"]):
    return get_user_model().objects.get(username=name)


def test_the_log_in_page_offers_the_organisation_account(client, sso):
    page = client.get(reverse("login") + "?next=/kaart/").content.decode()
    assert "Inloggen met uw organisatie-account" in page
    assert 'href="/inloggen/sso/?next=/kaart/"' in page


@override_settings(TWO_FACTOR_REQUIRED=True)  # the provider asks for the second factor
def test_a_user_logs_in_through_the_provider_with_mapped_roles_and_organisation(client, sso):
    response = _log_in(client, sso, next_url="/kaart/")
    assert response.status_code == 302 and response.url == "/kaart/"
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    user = _user()
    assert (user.first_name, user.last_name, user.email) == ("Anna", "de Vries", ANNA["email"])
    assert not user.has_usable_password()  # only through the provider
    assert [g.name for g in user.groups.all()] == ["beleidsadviseur"]
    assert [o.name for o in user.organisations.all()] == ["Gemeente Groningen"]
    start = client.get("/")
    assert start.status_code == 200  # the dashboard, without a local second factor
    assert "Anna de Vries" in start.content.decode()
    actions = list(
        AuditEvent.objects.filter(user_name=user.username).values_list("action", flat=True)
    )
    assert AuditEvent.LOGIN in actions and AuditEvent.ROLES in actions
    assert AuditEvent.MEMBERS in actions
    synced = AuditEvent.objects.get(action=AuditEvent.USER, user=user)
    assert synced.detail["bron"] == "identiteitsprovider"
    assert synced.detail["rollen"] == ["beleidsadviseur"]
    assert synced.detail["organisaties"] == ["Gemeente Groningen"]


def test_changed_groups_change_roles_and_organisations_at_the_next_log_in(client, sso):
    _log_in(client, sso)
    own = Organisation.objects.create(name="Veiligheidshuis")  # given by hand, not mapped
    own.members.add(_user())
    client.post(reverse("logout"))
    sso.set_accounts({"anna": {**ANNA, "groups": ["GG-IV-Analisten", "GG-Gemeente-Breda"]}})
    assert _log_in(client, sso).status_code == 302
    user = _user()
    assert [g.name for g in user.groups.all()] == ["analist"]
    assert sorted(o.name for o in user.organisations.all()) == ["Gemeente Breda", "Veiligheidshuis"]
    removed = AuditEvent.objects.filter(action=AuditEvent.ROLES, detail__wijziging="eraf").last()
    assert removed.detail["rollen"] == ["beleidsadviseur"]
    assert client.get("/").status_code == 200


def test_a_user_without_a_mapped_group_gets_no_role(client, sso):
    sso.set_accounts({"piet": {"preferred_username": "piet", "groups": ["Alle-medewerkers"]}})
    assert _log_in(client, sso, "piet").status_code == 302
    assert not _user("piet").groups.exists()
    response = client.get("/")
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def test_a_local_account_is_not_taken_over_by_the_provider(client, sso, adviseur):
    sso.set_accounts(
        {"adviseur": {"preferred_username": "adviseur", "groups": ["GG-IV-Analisten"]}}
    )
    response = _log_in(client, sso, "adviseur")
    assert response.status_code == 302 and response.url == "/inloggen/?sso=mislukt"
    assert "_auth_user_id" not in client.session
    assert [g.name for g in _user("adviseur").groups.all()] == ["beleidsadviseur"]
    page = client.get(response.url).content.decode()
    assert "Inloggen met uw organisatie-account is niet gelukt" in page


def test_a_callback_that_this_session_did_not_start_is_refused(client, sso):
    other = Client()
    start = other.get(reverse("accounts:sso"))
    callback = _through_provider(start.url, "anna")
    assert client.get(callback).status_code in {302, 400}  # no state of this session
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(username=ANNA["preferred_username"]).exists()


def test_a_provider_that_names_another_issuer_is_not_used(client, sso):
    sso_issuer = sso.issuer.replace("127.0.0.1", "localhost")  # same server, other name
    with override_settings(OIDC_ISSUER=sso_issuer):
        response = client.get(reverse("accounts:sso"))
    assert response.status_code == 302 and response.url == "/inloggen/?sso=mislukt"


@pytest.mark.parametrize(
    ("claims", "accepted"),
    [
        ({}, True),
        ({"aud": "een-andere-toepassing"}, False),
        ({"aud": ["een-andere-toepassing", CLIENT_ID]}, True),
        ({"iss": "https://elders.example"}, False),
        ({"nonce": "een-andere-nonce"}, False),
        ({"exp": 1}, False),
    ],
    ids=["right", "other-audience", "audiences", "other-issuer", "other-nonce", "expired"],
)
def test_the_id_token_must_be_for_this_client_from_this_issuer(settings, claims, accepted):
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = "https://idp.example"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example/jwks"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    payload = {"iss": "https://idp.example", "aud": CLIENT_ID, "sub": "anna", "nonce": "n",
               "exp": int(time.time()) + 300} | claims  # fmt: skip
    token = jwt.encode(payload, key, algorithm="RS256")
    backend = SSOBackend()
    backend.OIDC_RP_IDP_SIGN_KEY = key.public_key()
    if accepted:
        assert backend.verify_token(token, nonce="n")["sub"] == "anna"
    else:
        with pytest.raises((SuspiciousOperation, jwt.InvalidTokenError)):
            backend.verify_token(token, nonce="n")


def test_a_user_switched_off_here_is_refused_even_if_the_provider_lets_them_in(client, sso):
    _log_in(client, sso)
    get_user_model().objects.filter(username=ANNA["preferred_username"]).update(is_active=False)
    assert client.get("/").status_code == 302  # the running session ends
    response = _log_in(client, sso)
    assert response.url == "/inloggen/?sso=mislukt"
    assert client.get("/").url.startswith("/inloggen/?next=")
