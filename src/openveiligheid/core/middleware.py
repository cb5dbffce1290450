"""A Content-Security-Policy for the app's own pages: only its own scripts, styles and fonts.

Defence in depth against cross-site scripting: even if a text slipped through escaping, the
browser would not run an inline or foreign script. Inline styles stay allowed because the
SVG maps carry a small ``<style>`` (hover and focus); scripts come only from ``/static/``.
The Django admin (``/beheer/``) keeps Django's own behaviour.
"""

from __future__ import annotations

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
EXEMPT_PREFIXES = ("/beheer/",)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
