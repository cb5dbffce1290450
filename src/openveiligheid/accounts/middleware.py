"""Everything needs a log-in, except the log-in page itself, static files, the health check and
the public pages of adopted reports (``/openbaar/``, only for plans switched to public).

What a logged-in user is shown is never kept by a browser or a proxy: every response to an
authenticated request (pages, downloads, the admin) carries ``Cache-Control: no-store``.

A session that has been idle longer than ``OV_INACTIEF_MINUTEN`` is ended (log-out, recorded
in the audit log) and the user is sent to the log-in page with a word why; the fixed maximum
length of a session stays ``OV_SESSION_AGE``. The time of the last request is kept in the
session, written at most once a minute and not while an import holds SQLite's write lock
(:func:`_note_activity`): a plain page view writes nothing else.
"""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from openveiligheid.core.db import write_lock_free

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
            if request.user.is_authenticated:  # not logged out by the view
                _note_activity(request, response)
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
    """Whether the session was idle longer than allowed."""
    limit = settings.SESSION_IDLE_MINUTES * 60
    last = request.session.get(LAST_SEEN)
    return limit > 0 and last is not None and time.time() - last > limit


def _note_activity(request, response) -> None:
    """Note in the session that it is active: at most every :data:`LAST_SEEN_STEP` seconds,
    and not after a server error (the session is not saved then).

    The session middleware saves it. When that would be the only write of a page view, it
    must not make the page wait for another writer: on SQLite an import holds the one write
    lock while it stores its rows (13 s and more, ADR 0021). Then it is left for a later
    request, until half the idle limit has passed: from then on it waits like any change, so
    that an active user is never logged out as idle.
    """
    limit = settings.SESSION_IDLE_MINUTES * 60
    session = request.session
    last = session.get(LAST_SEEN)
    now = time.time()
    if limit <= 0 or response.status_code >= 500:
        return
    if last is not None and now - last <= LAST_SEEN_STEP:
        return
    alone = not session.modified  # no other change of the session to save
    session[LAST_SEEN] = now
    if alone and last is not None and now - last <= limit / 2 and not write_lock_free():
        session.modified = False  # the database is busy writing: noted at a later request


def end_session_on_time(sender, request, user, **kwargs) -> None:
    """At log-in, fix when the session ends: ``OV_SESSION_AGE`` from now. Django otherwise
    moves the end on with every save of the session, and the time of the last request is saved
    every minute (:func:`_note_activity`), so an active session would never end."""
    if request is not None and hasattr(request, "session"):
        request.session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
