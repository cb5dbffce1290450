"""One path for "who may see what": every view, service, command and (later) API asks here.

- *What* a user may do is a permission named for what it allows (``dashboard.bekijken``),
  given through roles (``roles.py``).
- *Where* is the set of gemeenten of the organisations the user belongs to
  (``models.Organisation``). A superuser (installation administrator) may see every gemeente's
  plans and figures; person-level data will need an explicit entitlement even for them.
- ``GemeenteQuerySet.visible_to(user)`` is the only way code reads gemeente-bound rows (plans,
  themes, goals, indicators; areas) for a user, and ``AreaBoundQuerySet.visible_to(user)`` for
  the shared data bound to an area (figures, hotspots, signals); a request's chosen gemeente
  is a ``Scope``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import models

from openveiligheid.accounts.models import Gemeente
from openveiligheid.core.areacodes import NETHERLANDS

VIEW_DASHBOARD = "dashboard.bekijken"
SESSION_KEY = "ov_gemeente"


def visible_gemeenten(user) -> models.QuerySet[Gemeente]:
    """The gemeenten whose data this user may see (none for anonymous or inactive users)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Gemeente.objects.none()
    if user.is_superuser:
        return Gemeente.objects.all()
    return Gemeente.objects.filter(organisations__members=user).distinct()


_GRANTED = "_ov_granted"


def granted_permissions(user, app_label: str) -> frozenset[str]:
    """Codenames of ``app_label``'s permissions that ``user`` holds through their roles or as
    their own, never through being a superuser: what person-level data (the case registers,
    the audit log) are opened by. Remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache = getattr(user, _GRANTED, None)
    if cache is None:
        cache = {}
        setattr(user, _GRANTED, cache)
    if app_label not in cache:
        cache[app_label] = frozenset(
            Permission.objects.filter(content_type__app_label=app_label)
            .filter(models.Q(group__user=user) | models.Q(user=user))
            .values_list("codename", flat=True)
        )
    return cache[app_label]


def may(user, action: str, gemeente_code: str | None = None) -> bool:
    """Whether ``user`` may do ``action`` (a permission), for ``gemeente_code`` if given."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(action):
        return False
    return gemeente_code is None or visible_gemeenten(user).filter(code=gemeente_code).exists()


class GemeenteQuerySet(models.QuerySet):
    """Rows that belong to one gemeente; ``gemeente_lookup`` is the path to its CBS code."""

    gemeente_lookup = "gemeente_code"

    def visible_to(self, user, action: str = VIEW_DASHBOARD) -> models.QuerySet:
        if not getattr(user, "is_authenticated", False) or not user.has_perm(action):
            return self.none()
        codes = visible_gemeenten(user).values_list("code", flat=True)
        return self.filter(**{f"{self.gemeente_lookup}__in": list(codes)})

    def of_gemeente(self, code: str) -> models.QuerySet:
        return self.filter(**{self.gemeente_lookup: code})


def gemeente_queryset(lookup: str) -> type[GemeenteQuerySet]:
    """A ``GemeenteQuerySet`` subclass for a model whose gemeente is reached by ``lookup``."""
    return type(f"GemeenteQuerySet_{lookup}", (GemeenteQuerySet,), {"gemeente_lookup": lookup})


class AreaBoundQuerySet(GemeenteQuerySet):
    """Shared public data bound to an area (figures, analyses): the rows of the user's
    gemeenten, plus the national ones (``NL01``), which everybody with the permission sees."""

    gemeente_lookup = "area__gemeente_code"
    national_lookup = "area__code"

    def visible_to(self, user, action: str = VIEW_DASHBOARD) -> models.QuerySet:
        own = super().visible_to(user, action)
        if not own.query.is_empty():
            own = own | self.filter(**{self.national_lookup: NETHERLANDS})
        return own


@dataclass(frozen=True)
class Scope:
    """Who is asking, and for which gemeente: what services get instead of a global."""

    user: object
    gemeente: Gemeente | None

    @property
    def gemeente_code(self) -> str | None:
        return self.gemeente.code if self.gemeente else None


def choose_default(
    user, preferred: str | None = None, prefer: Iterable[str] | None = None
) -> Gemeente | None:
    """The gemeente shown: ``preferred`` if visible, else the installation's default
    (``OV_STANDAARDGEMEENTE``) if visible, else the first visible one (by name) whose code is
    in ``prefer`` (the callers pass the gemeenten that have a plan, as a lazy queryset that is
    only evaluated here, when no choice is remembered), else the first."""
    visible = visible_gemeenten(user).order_by("name", "code")
    for code in (preferred, settings.DEFAULT_GEMEENTE):
        found = visible.filter(code=code).first() if code else None
        if found:
            return found
    first_preferred = visible.filter(code__in=prefer).first() if prefer is not None else None
    return first_preferred or visible.first()


def request_scope(request, prefer: Iterable[str] | None = None) -> Scope:
    """The scope of a request: the user and the gemeente chosen in this session.

    Computed once per request (the first caller's ``prefer`` counts) and remembered in the
    session, so that the pages and the gemeente chooser agree.
    """
    cached = getattr(request, "_ov_scope", None)
    if cached is not None:
        return cached
    user = request.user
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    gemeente = choose_default(user, chosen, prefer)
    if gemeente is not None and chosen != gemeente.code:
        request.session[SESSION_KEY] = gemeente.code
    request._ov_scope = Scope(user, gemeente)
    return request._ov_scope


def shown_scope(request) -> Scope:
    """The scope a page header shows, without choosing or remembering anything: the one a view
    already decided for this request, else the remembered (or first visible) gemeente. Pages
    that are not about a gemeente (log-in steps, the admin) must not fix the choice."""
    cached = getattr(request, "_ov_scope", None)
    if cached is not None:
        return cached
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return Scope(request.user, choose_default(request.user, chosen))


def choose(request, code: str) -> Gemeente | None:
    """Make ``code`` the request's chosen gemeente, if the user may see it."""
    gemeente = visible_gemeenten(request.user).filter(code=code).first()
    if gemeente is not None:
        request.session[SESSION_KEY] = gemeente.code
        request._ov_scope = Scope(request.user, gemeente)
    return gemeente
