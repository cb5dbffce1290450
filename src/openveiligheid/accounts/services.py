"""Organisations, their gemeenten and members (``openveiligheid organisatie``, the admin), and
provisioning users with roles (``openveiligheid gebruiker``)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from openveiligheid.accounts.models import Gemeente, Organisation
from openveiligheid.accounts.roles import ROLES
from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import PURPOSE_RIGHTS, record

GEMEENTE_CODE = re.compile(r"^GM\d{4}$")


class OrganisationError(ValueError):
    """A Dutch message about what is wrong with the request; nothing was changed."""


@dataclass(frozen=True)
class GemeenteSpec:
    code: str
    name: str = ""

    @classmethod
    def parse(cls, text: str) -> GemeenteSpec:
        """``GM0014`` or ``GM0014=Groningen``."""
        code, _, name = text.partition("=")
        code = code.strip().upper()
        if not GEMEENTE_CODE.match(code):
            raise OrganisationError(
                f"'{text}' is geen gemeentecode: verwacht GM en vier cijfers, bijvoorbeeld GM0014."
            )
        return cls(code, name.strip())


def save_organisation(
    name: str,
    gemeenten: Iterable[GemeenteSpec] = (),
    members: Iterable[str] = (),
    *,
    remove_members: Iterable[str] = (),
) -> Organisation:
    """Create or update an organisation; adds gemeenten and members, removes ``remove_members``.

    A gemeente not known yet is created with the given name (or its code as name until a plan
    or a name is given). Every user name must exist; otherwise nothing changes.
    """
    name = name.strip()
    if not name:
        raise OrganisationError("Geef de organisatie een naam.")
    users = _users(list(members))
    leaving = _users(list(remove_members))
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(name=name)
        for spec in gemeenten:
            organisation.gemeenten.add(_gemeente(spec))
        organisation.members.add(*users)
        organisation.members.remove(*leaving)
    return organisation


def _gemeente(spec: GemeenteSpec) -> Gemeente:
    gemeente, created = Gemeente.objects.get_or_create(
        code=spec.code, defaults={"name": spec.name or spec.code}
    )
    if not created and spec.name and gemeente.name != spec.name:
        gemeente.name = spec.name
        gemeente.save(update_fields=["name"])
    return gemeente


def _users(names: list[str]) -> list:
    found = {u.get_username(): u for u in get_user_model().objects.filter(username__in=names)}
    missing = [name for name in names if name not in found]
    if missing:
        raise OrganisationError("Onbekende gebruiker(s): " + ", ".join(sorted(missing)) + ".")
    return [found[name] for name in names]


def describe(organisation: Organisation) -> str:
    gemeenten = ", ".join(str(g) for g in organisation.gemeenten.order_by("name")) or "geen"
    members = ", ".join(sorted(u.get_username() for u in organisation.members.all())) or "geen"
    return f"{organisation.name}: gemeenten {gemeenten}; leden {members}"


@dataclass(frozen=True)
class ProvisionedUser:
    user: object
    created: bool
    password: str


def provision_user(
    username: str, roles: Iterable[str], organisations: Iterable[str] = ()
) -> ProvisionedUser:
    """Create or update a user with exactly these roles and a new random password.

    For provisioning and tests: no prompt. ``organisations`` (names) are added as memberships.
    Unknown roles or organisations change nothing.
    """
    username = username.strip()
    if not username:
        raise OrganisationError("Geef een gebruikersnaam.")
    roles = list(dict.fromkeys(roles))
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise OrganisationError(
            f"Onbekende rol(len): {', '.join(unknown)}. Bekende rollen: {', '.join(ROLES)}."
        )
    wanted = list(organisations)
    found = {o.name: o for o in Organisation.objects.filter(name__in=wanted)}
    missing = [name for name in wanted if name not in found]
    if missing:
        raise OrganisationError(f"Onbekende organisatie(s): {', '.join(missing)}.")
    password = secrets.token_urlsafe(15)
    with transaction.atomic():
        user, created = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.is_active = True
        user.save()
        record(
            AuditEvent.USER,
            f"gebruiker {username}",
            purpose=PURPOSE_RIGHTS,
            wijziging="aangemaakt" if created else "nieuw wachtwoord",
        )
        user.groups.set(Group.objects.filter(name__in=roles))
        for organisation in found.values():
            organisation.members.add(user)
    return ProvisionedUser(user, created, password)


def gemeente_name(code: str) -> str:
    """The name of the gemeente ``code`` as registered (``Gemeente``), else the code itself."""
    gemeente = Gemeente.objects.filter(code=code).first()
    return gemeente.name if gemeente else code
