"""Choosing the gemeente whose plan and figures the pages show (for users of several); the
pages of the second factor (code after the password, setting up the app)."""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from openveiligheid.accounts import twofactor
from openveiligheid.accounts.access import VIEW_DASHBOARD, choose, may
from openveiligheid.accounts.forms import CodeForm
from openveiligheid.accounts.oidc import signed_in_with_sso


@require_POST
def choose_gemeente(request: HttpRequest) -> HttpResponse:
    """Remember the chosen gemeente and return to the same section of the site.

    A page about one thing of the previous gemeente (an indicator, an area) does not exist in
    the next one, so only pages without arguments are returned to, without their query
    (area codes and periods of the previous gemeente); otherwise the start page.
    """
    if not may(request.user, VIEW_DASHBOARD):
        raise PermissionDenied
    choose(request, request.POST.get("gemeente", ""))
    return redirect(_return_path(request, request.POST.get("next", "")))


def _return_path(request: HttpRequest, target: str) -> str:
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not safe or not path.startswith("/"):
        return "/"
    try:
        match = resolve(path)
    except Resolver404:
        return "/"
    return "/" if match.kwargs or match.url_name in {"login", "logout"} else path


# --- the second factor (accounts/twofactor.py) -----------------------------------------------


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else resolve_url(settings.LOGIN_REDIRECT_URL)


def second_factor_code(request: HttpRequest) -> HttpResponse:
    """``/inloggen/code/``: after the password, the code of the user's authenticator app."""
    device = twofactor.confirmed_device(request.user)
    if device is None or request.user.is_verified() or signed_in_with_sso(request):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    wait_until = None
    if request.method == "POST" and form.is_valid():
        outcome = twofactor.check_code(request, device, form.cleaned_data["code"])
        if outcome.ok:
            return redirect(_next(request))
        wait_until = outcome.wait_until
        if wait_until is None:
            form.add_error("code", "Deze code klopt niet. Kijk in uw app en probeer het opnieuw.")
    return render(
        request,
        "registration/code.html",
        {"form": form, "next": _next(request), "wait_until": wait_until},
    )


def second_factor_set_up(request: HttpRequest) -> HttpResponse:
    """``/account/tweestaps/``: turn on (or move to a new phone) the authenticator app."""
    user = request.user
    asked = request.POST.get("next") or request.GET.get("next") or ""
    context = {"sso": signed_in_with_sso(request), "next": _next(request) if asked else ""}
    if context["sso"]:
        return render(request, "registration/tweestaps.html", context)
    confirmed = twofactor.confirmed_device(user)
    if confirmed is not None and not user.is_verified():
        # Only who gave the current app's code may replace it.
        return redirect_to_login(request.get_full_path(), reverse("accounts:code"))
    pending = twofactor.pending_device(user)
    form = CodeForm(request.POST if request.method == "POST" and "code" in request.POST else None)
    wait_until = None
    if request.method == "POST" and request.POST.get("actie") == "nieuw":
        twofactor.new_device(user)
        return redirect(request.get_full_path())
    if request.method == "POST" and pending is not None and form.is_valid():
        outcome = twofactor.confirm_device(request, pending, form.cleaned_data["code"])
        if outcome.ok:
            return redirect(_next(request) if asked else request.path)
        wait_until = outcome.wait_until
        if wait_until is None:
            form.add_error("code", "Deze code klopt niet. Kijk in uw app en probeer het opnieuw.")
    if confirmed is None and pending is None:
        pending = twofactor.new_device(user)
    context |= {
        "confirmed": confirmed,
        "pending": pending,
        "required": twofactor.must_use(user),
        "form": form,
        "wait_until": wait_until,
    }
    if pending is not None:
        context |= {
            "otpauth": pending.config_url,
            "secret": base64.b32encode(pending.bin_key).decode("ascii"),
            "qr": twofactor.qr_code_data_uri(pending.config_url),
        }
    return render(request, "registration/tweestaps.html", context)
