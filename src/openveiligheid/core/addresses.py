"""The address a request came from, also behind the TLS proxy (``OV_ACHTER_PROXY``).

Behind the proxy every request arrives from the proxy itself; the proxy appends the address it
saw to ``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``). Only that last entry is
trusted: anything before it was written by the client and can be forged.
"""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str:
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    if not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.split(",")[-1].strip()
    return last or remote
