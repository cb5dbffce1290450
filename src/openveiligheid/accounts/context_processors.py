"""The gemeente chooser in every page's header; the log-in page's single sign-on button."""

from __future__ import annotations

from django.http import HttpRequest

from openveiligheid.accounts import oidc
from openveiligheid.accounts.access import shown_scope, visible_gemeenten


def gemeente_choice(request: HttpRequest) -> dict:
    """The chosen gemeente and, for users of more than one, the others to choose from."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = shown_scope(request)
    options = list(visible_gemeenten(user).order_by("name", "code"))
    return {"current_gemeente": scope.gemeente, "gemeente_options": options}


def single_sign_on(request: HttpRequest) -> dict:
    """Whether the log-in page offers the organisation account (``OV_OIDC_*`` is set)."""
    return {"sso_enabled": oidc.enabled()}
