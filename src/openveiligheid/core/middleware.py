"""Middleware of the platform: debug pages only locally, the Content-Security-Policy, and no NUL
characters in requests.

The Content-Security-Policy for the app's own pages: only its own scripts, styles and fonts.
Defence in depth against cross-site scripting: even if a text slipped through escaping, the
browser would not run an inline or foreign script. Inline styles stay allowed because the
SVG maps carry a small ``<style>`` (hover and focus); scripts come only from ``/static/``.
The Django admin (``/beheer/``) gets the same policy: its templates have no inline scripts.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseBadRequest, HttpResponseForbidden, JsonResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class NulCharacterMiddleware:
    """Refuse a request whose path or parameters contain a NUL character (``%00``).

    No page or API parameter can mean one, and PostgreSQL refuses to compare text with it (a
    server error instead of an answer). The API gets JSON, the pages a short Dutch text.
    """

    MESSAGE = "Ongeldig teken (NUL) in het adres of de parameters."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.MESSAGE}, status=400)
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        queries = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for params in queries:
            for key, values in params.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return True
        return False


class DebugOnlyLocallyMiddleware:
    """With ``OV_DEBUG`` on, Django's debug pages show settings and code: then answer only
    clients on this machine with an allowed Host, and anyone else a plain refusal without any
    detail (a wrong Host header would otherwise get the debug page of ``DisallowedHost``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG:
            if not _is_loopback(request.META.get("REMOTE_ADDR", "")):
                return HttpResponseForbidden(
                    "Debug staat aan: alleen bereikbaar vanaf deze machine.",
                    content_type="text/plain; charset=utf-8",
                )
            try:
                request.get_host()
            except DisallowedHost:
                return HttpResponseBadRequest(
                    "Onbekende hostnaam.", content_type="text/plain; charset=utf-8"
                )
        return self.get_response(request)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
