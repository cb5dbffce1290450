"""Everything needs a log-in, except the log-in page itself, static files, the health check and
the public pages of adopted reports (``/openbaar/``, only for plans switched to public).

What a logged-in user is shown is never kept by a browser or a proxy: every response to an
authenticated request (pages, downloads, the admin) carries ``Cache-Control: no-store``.

A session that has been idle longer than ``OV_INACTIEF_MINUTEN`` is ended (log-out, recorded
in the audit log) and the user is sent to the log-in page with a word why; the fixed maximum
length of a session stays ``OV_SESSION_AGE``.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.cache import patch_cache_control

#: Paths that handle their own authentication (the API answers 401/403 in JSON; single sign-on
#: is a log-in) or need none.
OPEN_PREFIXES = ("/static/", "/gezondheid/", "/api/", "/inloggen/sso/", "/openbaar/")
LAST_SEEN = "ov_laatst_actief"
#: The last-seen time is written at most this often (seconds), not on every request.
LAST_SEEN_STEP = 60


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and _idle_too_long(request):
            next_url = request.get_full_path()
            logout(request)
            query = urlencode({"next": next_url, "inactief": 1})
            return redirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
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


def _idle_too_long(request) -> bool:
    """Whether the session was idle longer than allowed; otherwise note that it is active."""
    limit = settings.SESSION_IDLE_MINUTES * 60
    if limit <= 0:
        return False
    now = time.time()
    last = request.session.get(LAST_SEEN)
    if last is not None and now - last > limit:
        return True
    if last is None or now - last > LAST_SEEN_STEP:
        request.session[LAST_SEEN] = now
    return False
