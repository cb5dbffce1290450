"""Who is acting right now, for audit events raised deep down (signals): the logged-in user of
the current request, set by :class:`CurrentUserMiddleware`; outside a request, nobody (the
command line, recorded as ``cli:<operating-system user>``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current_user: ContextVar = ContextVar("openveiligheid_current_user", default=None)


def current_user():
    return _current_user.get()


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Name ``user`` as the actor of what happens inside (a log-in that changes the user's own
    roles, before the request knows who is logged in)."""
    token = _current_user.set(user)
    try:
        yield
    finally:
        _current_user.reset(token)


class CurrentUserMiddleware:
    """Remembers ``request.user`` for the duration of the request (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _current_user.reset(token)
