"""Who may see which case: the one way any code reads case data for a user.

- A register's person-level data are open only to users whose *roles* carry that register's
  permission (``registers.Register.permission``) and only for the gemeenten of their
  *organisations*. A superuser is not entitled by being a superuser: the check reads the
  permissions of the user's groups and own permissions, never ``is_superuser``.
- ``Case.objects.visible_to(user)`` and ``Person.objects.visible_to(user)`` are the querysets;
  links between cases are shown only when the user may see both ends (``visible_links``).
- Everyone else sees aggregates only, with small counts suppressed (``cases.counts``).
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from openveiligheid.accounts.access import granted_permissions
from openveiligheid.cases.registers import REGISTERS

_CACHE = "_ov_case_entitlement"


def entitled_registers(user) -> frozenset[str]:
    """The registers whose person-level data this user may see (through roles only)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached[0]
    codenames = granted_permissions(user, "cases")
    registers = frozenset(r.key for r in REGISTERS.values() if r.codename in codenames)
    gemeenten = frozenset(
        apps.get_model("accounts", "Gemeente")
        .objects.filter(organisations__members=user)
        .values_list("code", flat=True)
    )
    setattr(user, _CACHE, (registers, gemeenten))
    return registers


def case_gemeenten(user) -> frozenset[str]:
    """The gemeenten whose cases this user may see: those of their organisations (never all of
    them for a superuser)."""
    if not entitled_registers(user):
        return frozenset()
    return getattr(user, _CACHE)[1]


def may_see_register(user, register: str, gemeente_code: str | None = None) -> bool:
    if register not in entitled_registers(user):
        return False
    return gemeente_code is None or gemeente_code in case_gemeenten(user)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The cases ``user`` may see: entitled registers, own gemeenten, not anonymised."""
        registers = entitled_registers(user)
        if not registers:
            return self.none()
        return self.filter(
            register__in=sorted(registers),
            gemeente_code__in=sorted(case_gemeenten(user)),
            anonymised_at__isnull=True,
        )

    def active(self) -> models.QuerySet:
        """Not anonymised (tombstones are counted, never shown)."""
        return self.filter(anonymised_at__isnull=True)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Persons linked to at least one case ``user`` may see."""
        cases = apps.get_model("cases", "Case").objects.visible_to(user)
        return self.filter(cases__case__in=cases).distinct()


def visible_links(case, user) -> list:
    """The cases linked to ``case`` (either direction) that ``user`` may see as well."""
    Case = apps.get_model("cases", "Case")
    ids = set(case.links_out.values_list("other_id", flat=True)) | set(
        case.links_in.values_list("case_id", flat=True)
    )
    return list(Case.objects.visible_to(user).filter(pk__in=ids).order_by("register", "number"))
