"""Single sign-on with the municipality's identity provider (OpenID Connect, authorization-code
flow with PKCE), on top of mozilla-django-oidc (ADR 0013, docs/deployment.md).

Off unless ``OV_OIDC_*`` is configured (``settings.OIDC_ENABLED``). The provider's endpoints
come from its discovery document (``ISSUER/.well-known/openid-configuration``), unless set
one by one. The ID token must be signed (RS256) with a key from the provider's JWKS, for this
client (``aud``) by this issuer (``iss``), with the nonce of this log-in.

The identity provider is the source of truth for the users who log in through it: at every
log-in the user's name and e-mail, roles (``OV_OIDC_ROLLEN``: group → role) and memberships of
the mapped organisations (``OV_OIDC_ORGANISATIES``: group → organisation) are set from the
groups claim. Such users have no usable password here, and a local account (one with a
password) is never taken over by a log-in through the provider.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import jwt
import requests
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpResponseRedirect

from openveiligheid.accounts.models import Organisation
from openveiligheid.audit.context import acting_as
from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import record

log = logging.getLogger(__name__)

#: The session's authentication backend for users who logged in through the provider.
BACKEND = "openveiligheid.accounts.oidc.SSOBackend"
DISCOVERY_SECONDS = 3600


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    userinfo: str
    jwks: str
    issuer: str


_discovered: dict[str, tuple[float, dict]] = {}


def endpoints() -> Endpoints:
    """The provider's endpoints: those set in the settings, the rest from its discovery
    document (fetched once an hour per process)."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    document: dict = {}
    explicit = [
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        settings.OIDC_OP_TOKEN_ENDPOINT,
        settings.OIDC_OP_USER_ENDPOINT,
        settings.OIDC_OP_JWKS_ENDPOINT,
    ]
    if issuer and not all(explicit):
        document = _discovery(issuer)
    return Endpoints(
        authorization=settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        or document.get("authorization_endpoint", ""),
        token=settings.OIDC_OP_TOKEN_ENDPOINT or document.get("token_endpoint", ""),
        userinfo=settings.OIDC_OP_USER_ENDPOINT or document.get("userinfo_endpoint", ""),
        jwks=settings.OIDC_OP_JWKS_ENDPOINT or document.get("jwks_uri", ""),
        issuer=issuer,
    )


def _discovery(issuer: str) -> dict:
    cached = _discovered.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_SECONDS:
        return cached[1]
    response = requests.get(
        f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
    )
    response.raise_for_status()
    document = response.json()
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise SuspiciousOperation(
            f"De identiteitsprovider noemt zich {document.get('issuer')!r}, niet {issuer!r}."
        )
    _discovered[issuer] = (time.monotonic(), document)
    return document


def mapping(entries: list[str]) -> dict[str, str]:
    """``["GROEP=waarde", …]`` → ``{"GROEP": "waarde"}`` (a group name may contain ``=``)."""
    pairs = (entry.rpartition("=") for entry in entries)
    return {group.strip(): value.strip() for group, _, value in pairs if group.strip()}


def groups_of(claims: dict) -> list[str]:
    """The user's groups at the provider: a list, or one group as a string (ADFS)."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    return [str(group) for group in value if isinstance(group, str | int)]


def signed_in_with_sso(request) -> bool:
    return getattr(request, "session", {}).get(BACKEND_SESSION_KEY) == BACKEND


class SSOBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with the provider's endpoints discovered when needed,
    the ID token's issuer and audience checked, and users, roles and organisations kept in
    step with the provider."""

    def __init__(self, *args, **kwargs):  # the parent reads every endpoint at once; we ask late
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 (the parent's names)
        return endpoints().token

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return endpoints().userinfo

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return endpoints().jwks

    def authenticate(self, request, **kwargs):
        # Only the callback of a log-in this session started (it passes the nonce); never a
        # password form, even one posted to a URL with ?code=…&state=….
        if not enabled() or "nonce" not in kwargs or "password" in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, jwt.InvalidTokenError) as exc:
            log.warning("Inloggen via de identiteitsprovider mislukt: %s", exc)
            return None

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)  # not an account that was switched off

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (the userinfo response may be a JWT too)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("Het ID-token is niet voor deze toepassing bestemd.")
            issuer = endpoints().issuer
            if issuer and str(payload.get("iss", "")).rstrip("/") != issuer:
                raise SuspiciousOperation("Het ID-token komt van een andere uitgever.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims with the userinfo endpoint's on top: Entra ID and ADFS put the
        groups in the ID token only, Keycloak and others in both."""
        claims = {k: v for k, v in payload.items() if k not in {"nonce", "at_hash", "c_hash"}}
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
        return claims

    def verify_claims(self, claims) -> bool:
        name = self._username(claims)
        return bool(name) and len(name) <= 150

    def _username(self, claims) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()

    def filter_users_by_claims(self, claims):
        users = self.UserModel.objects.filter(username=self._username(claims))
        for user in users:
            if user.has_usable_password():
                raise SuspiciousOperation(
                    f"{user.get_username()} is een lokaal account (met wachtwoord); dat wordt "
                    "niet via de identiteitsprovider overgenomen."
                )
        return users

    def create_user(self, claims):
        user = self.UserModel(username=self._username(claims))
        user.set_unusable_password()
        user.save()
        return self.update_user(user, claims, created=True)

    def update_user(self, user, claims, created: bool = False):
        with transaction.atomic(), acting_as(user):
            user.first_name = str(claims.get("given_name") or "")[:150]
            user.last_name = str(claims.get("family_name") or "")[:150]
            user.email = str(claims.get("email") or "")[:254]
            user.save(update_fields=["first_name", "last_name", "email"])
            groups = groups_of(claims)
            roles = _roles_for(groups)
            user.groups.set(Group.objects.filter(name__in=roles))
            organisations = _sync_organisations(user, groups)
            record(
                AuditEvent.USER,
                f"gebruiker {user.get_username()}",
                user=user,
                purpose="rechtenbeheer",
                wijziging="aangemaakt" if created else "bijgewerkt",
                bron="identiteitsprovider",
                groepen=sorted(groups),
                rollen=sorted(roles),
                organisaties=organisations,
            )
        return user


def _roles_for(groups: list[str]) -> set[str]:
    table = mapping(settings.OIDC_ROLES)
    roles = {table[group] for group in groups if group in table}
    unknown = roles - set(Group.objects.filter(name__in=roles).values_list("name", flat=True))
    if unknown:
        log.warning("OV_OIDC_ROLLEN noemt onbekende rol(len): %s", ", ".join(sorted(unknown)))
    return roles - unknown


def _sync_organisations(user, groups: list[str]) -> list[str]:
    """Membership of every organisation in the mapping follows the groups; others stay."""
    table = mapping(settings.OIDC_ORGANISATIONS)
    wanted = {table[group] for group in groups if group in table}
    mapped = Organisation.objects.filter(name__in=set(table.values()))
    missing = wanted - set(mapped.values_list("name", flat=True))
    if missing:
        log.warning("OV_OIDC_ORGANISATIES noemt onbekende organisatie(s): %s", sorted(missing))
    current = set(user.organisations.values_list("pk", flat=True))
    for organisation in mapped:
        if organisation.name in wanted and organisation.pk not in current:
            organisation.members.add(user)
        elif organisation.name not in wanted and organisation.pk in current:
            organisation.members.remove(user)
    return sorted(wanted - missing)


def _off_or(view):
    def guarded(request, *args, **kwargs):
        if not enabled():
            raise Http404("Inloggen via een organisatie-account is niet ingesteld.")
        return view(request, *args, **kwargs)

    return guarded


class StartView(OIDCAuthenticationRequestView):
    """``/inloggen/sso/``: off to the identity provider (with state, nonce and PKCE)."""

    def __init__(self, *args, **kwargs):  # the parent reads the endpoint at once; we ask late
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoints().authorization
        except (requests.RequestException, ValueError, SuspiciousOperation) as exc:
            log.warning("Identiteitsprovider niet bereikbaar: %s", exc)
            return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """``/inloggen/sso/terug/``: the provider sends the user back here with a code."""


start = _off_or(StartView.as_view())
callback = _off_or(CallbackView.as_view())
