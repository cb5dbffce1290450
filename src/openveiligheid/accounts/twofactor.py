"""A second factor for local accounts: the 6-digit code of an authenticator app (TOTP, RFC 6238,
through django-otp), after the password.

- Anyone with a local account may turn it on at ``/account/tweestaps/``; it is required for
  the roles in ``OV_2FA_ROLLEN``, or for everybody with ``OV_2FA_VERPLICHT=true``.
- After the password, a user who has a confirmed app, or must have one, is sent to
  ``/inloggen/code/`` (or first to the set-up page) by :class:`SecondFactorMiddleware`; until
  the code is accepted every other page redirects there.
- Users who logged in through single sign-on skip it: their identity provider asks for the
  second factor (``accounts.oidc``).
- Wrong codes slow down: django-otp's throttling on ``TOTPDevice`` makes the next try wait
  1, 2, 4, 8 … seconds (``OTP_TOTP_THROTTLE_FACTOR``), and every try is in the audit log.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

import django_otp
import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from openveiligheid.accounts.oidc import signed_in_with_sso
from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.receivers import PURPOSE_ACCESS
from openveiligheid.audit.services import record
from openveiligheid.core.addresses import client_address

DEVICE_NAME = "Authenticator-app"
OPEN_PREFIXES = ("/static/", "/gezondheid/", "/inloggen/sso/")


def must_use(user) -> bool:
    """Is a second factor required of this (local) user?"""
    if settings.TWO_FACTOR_REQUIRED:
        return True
    roles = settings.TWO_FACTOR_ROLES
    return bool(roles) and user.groups.filter(name__in=roles).exists()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def pending_step(request) -> str | None:
    """The URL name of what a logged-in user still has to do, or None."""
    user = request.user
    if signed_in_with_sso(request) or user.is_verified():
        return None
    has_app, required = _second_factor_state(user)
    if has_app:
        return "accounts:code"
    if required:
        return "accounts:tweestaps"
    return None


def _second_factor_state(user) -> tuple[bool, bool]:
    """(has a confirmed app, must use one), in one query: asked on every request of a local
    user without a verified session."""
    roles = [] if settings.TWO_FACTOR_REQUIRED else settings.TWO_FACTOR_ROLES
    state = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            in_role=Exists(
                user.groups.through.objects.filter(user=OuterRef("pk"), group__name__in=roles)
            ),
        )
        .values_list("has_app", "in_role")
        .first()
    )
    if state is None:
        return False, False
    return state[0], settings.TWO_FACTOR_REQUIRED or state[1]


class SecondFactorMiddleware:
    """Until the code is accepted, every page redirects to the code (or set-up) page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not self._is_open(request.path):
            step = pending_step(request)
            if step is not None:
                return redirect_to_login(request.get_full_path(), reverse(step))
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        own = {reverse(name) for name in ("login", "logout", "accounts:code", "accounts:tweestaps")}
        return path in own or path.startswith(OPEN_PREFIXES)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    wait_until: datetime | None = None  # throttled: no code is checked before then


def check_code(request, device: TOTPDevice, code: str) -> Outcome:
    """Check a code of the user's confirmed app; on success the session counts as verified."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        _record(request, AuditEvent.SECOND_FACTOR_FAILED, reden="te veel foute codes, wacht")
        return Outcome(False, (info or {}).get("locked_until"))
    if device.verify_token(code.strip()):
        django_otp.login(request, device)
        _record(request, AuditEvent.SECOND_FACTOR_OK)
        return Outcome(True)
    _record(request, AuditEvent.SECOND_FACTOR_FAILED, reden="verkeerde code")
    return Outcome(False)


def new_device(user) -> TOTPDevice:
    """A fresh, unconfirmed app for the user (any earlier unconfirmed one is dropped)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def confirm_device(request, device: TOTPDevice, code: str) -> Outcome:
    """The user proves the app works with a code: it becomes their one confirmed app."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return Outcome(False, (info or {}).get("locked_until"))
    if not device.verify_token(code.strip()):
        _record(request, AuditEvent.SECOND_FACTOR_FAILED, reden="verkeerde code bij instellen")
        return Outcome(False)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    _record(request, AuditEvent.SECOND_FACTOR_SET_UP)
    return Outcome(True)


def qr_code_data_uri(text: str) -> str:
    """The QR code of ``text`` as an SVG image in a ``data:`` URI, drawn here (no service, no
    script); an ``<img>`` can show it without marking any HTML as safe."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def _record(request, action: str, **detail) -> None:
    user = request.user
    record(action, f"gebruiker {user.get_username()}", user=user, purpose=PURPOSE_ACCESS,
           adres=client_address(request), **detail)  # fmt: skip
