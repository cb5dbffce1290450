"""Everything needs a log-in, except the log-in page itself, static files and the health check.

What a logged-in user is shown is never kept by a browser or a proxy: every response to an
authenticated request (pages, downloads, the admin) carries ``Cache-Control: no-store``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.cache import patch_cache_control

#: Paths that handle their own authentication (the API answers 401/403 in JSON; single sign-on
#: is a log-in) or need none.
OPEN_PREFIXES = ("/static/", "/gezondheid/", "/api/", "/inloggen/sso/")


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            return response
        if self._is_open(request.path):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    @staticmethod
    def _is_open(path: str) -> bool:
        return (
            path == reverse("login")
            or path.startswith(OPEN_PREFIXES)
            or path.startswith("/beheer/login")
        )
