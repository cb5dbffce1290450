"""Everything needs a log-in, except the log-in page itself and static files."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

OPEN_PREFIXES = ("/static/",)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated or self._is_open(request.path):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    @staticmethod
    def _is_open(path: str) -> bool:
        return (
            path == reverse("login")
            or path.startswith(OPEN_PREFIXES)
            or path.startswith("/beheer/login")
        )
