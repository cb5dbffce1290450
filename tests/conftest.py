"""Shared fixtures: paths of the small real files under ``tests/data``, and the users of the
page tests (a beleidsadviseur, and a user without any role)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from django.contrib.auth.models import Group
from django.test import Client

from openveiligheid.accounts.models import Gemeente, Organisation

DATA = Path(__file__).parent / "data"
PASSWORD = "geheim-wachtwoord-42"


@pytest.fixture
def data_dir() -> Path:
    return DATA


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def assert_periods_kept() -> set[tuple]:
    """The kept list of periods with figures (``FigurePeriod``) is exactly what a scan of the
    stored figures gives; returns it."""
    from openveiligheid.figures.models import Figure, FigurePeriod

    scanned = set(
        Figure.objects.values_list(
            "measure_id", "area__division", "area__gemeente_code", "area__level", "year", "month"
        ).distinct()
    )
    kept = list(
        FigurePeriod.objects.values_list(
            "measure_id", "division", "gemeente_code", "level", "year", "month"
        )
    )
    assert len(kept) == len(set(kept)), "a period is kept twice"
    assert set(kept) == scanned
    return scanned


def member_of(user, code: str, name: str):
    """Make ``user`` a member of the organisation "Gemeente <name>" working for ``code``."""
    gemeente, _ = Gemeente.objects.get_or_create(code=code, defaults={"name": name})
    organisation, _ = Organisation.objects.get_or_create(name=f"Gemeente {gemeente.name}")
    organisation.gemeenten.add(gemeente)
    organisation.members.add(user)
    return user


@pytest.fixture
def adviseur(django_user_model):
    """A beleidsadviseur of the demo gemeente Groningen (GM0014)."""
    user = django_user_model.objects.create_user(
        "adviseur", password=PASSWORD, first_name="Anna", last_name="de Vries"
    )
    user.groups.add(Group.objects.get(name="beleidsadviseur"))
    return member_of(user, "GM0014", "Groningen")


@pytest.fixture
def nobody(django_user_model):
    """Logged in and a member of Groningen's organisation, but without any role."""
    user = django_user_model.objects.create_user("zonderrol", password=PASSWORD)
    return member_of(user, "GM0014", "Groningen")


@pytest.fixture
def elsewhere(django_user_model):
    """A beleidsadviseur of another gemeente (Breda, GM0758) only."""
    user = django_user_model.objects.create_user("breda", password=PASSWORD)
    user.groups.add(Group.objects.get(name="beleidsadviseur"))
    return member_of(user, "GM0758", "Breda")


def with_role(django_user_model, username: str, role: str, code: str = "GM0014"):
    """A user with ``role`` (a group of accounts/roles.py), member for gemeente ``code``."""
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    names = {
        "GM0014": "Groningen",
        "GM0758": "Breda",
        "GM0637": "Zoetermeer",
        "GM0193": "Zwolle",
        "GM0268": "Nijmegen",
    }
    return member_of(user, code, names.get(code, code))


def login_verified(client: Client, user) -> Client:
    """Log ``user`` in with a confirmed second factor, as after entering a TOTP code: the roles
    that see person data must use one (``OV_2FA_ROLLEN``)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def casusregisseur(django_user_model):
    """Entitled to the woonoverlast register of Groningen (GM0014)."""
    return with_role(django_user_model, "regisseur", "casusregisseur woonoverlast")


@pytest.fixture
def jurist(django_user_model):
    """Entitled to another register (bestuurlijke maatregelen) of Groningen only."""
    return with_role(django_user_model, "jurist", "jurist bestuurlijke maatregelen")


@pytest.fixture
def fg(django_user_model):
    """The functionaris gegevensbescherming: the audit log, no case data."""
    return with_role(django_user_model, "fg", "functionaris gegevensbescherming")


@pytest.fixture
def controller(django_user_model):
    """The controller (P&C) of Groningen: money per goal, nothing else to edit."""
    return with_role(django_user_model, "controller", "controller")


@pytest.fixture
def lezer(django_user_model):
    """A reader of Groningen: sees the dashboard and the jaarverslag, edits nothing."""
    return with_role(django_user_model, "lezer", "lezer")


@pytest.fixture
def adviseur_client(adviseur) -> Client:
    client = Client()
    client.force_login(adviseur)
    return client


# --- the demo, loaded once per session -----------------------------------------------------------


@dataclass(frozen=True)
class DemoCopy:
    """The demo plan's key and a copy of the whole test database with the demo loaded: in
    memory (SQLite) or as a database to clone (PostgreSQL)."""

    plan_pk: int
    database: sqlite3.Connection | None = None
    template: str | None = None


@pytest.fixture(scope="session")
def demo_copy(django_db_setup, django_db_blocker) -> DemoCopy | None:
    """The real demo (``load_demo``: imports and analyses, ~5-10 s), loaded once per session.

    SQLite: the test database with the demo is copied into memory (``sqlite3`` backup), then
    the copy taken before the load is put back. PostgreSQL: the test database with the demo is
    cloned into ``<test database>_demo`` (``CREATE DATABASE … TEMPLATE``), then flushed. So this
    fixture leaves the database as it found it; the module and package fixtures that need the
    demo put the copy back with :func:`restore_demo` and flush afterwards, as before. Where no
    copy can be made this is None and :func:`restore_demo` loads the demo each time.
    """
    from django.core.management import call_command
    from django.db import DatabaseError, connection

    from openveiligheid.demo.loader import load_demo

    copy = None
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            before = _copy_database()
            plan = load_demo(lambda _message: None)
            copy = DemoCopy(plan.pk, database=_copy_database())
            _put_back(before)
            before.close()
        elif connection.vendor == "postgresql":
            plan = load_demo(lambda _message: None)
            template = f"{connection.settings_dict['NAME']}_demo"
            try:
                _clone_database(connection.settings_dict["NAME"], template)
                copy = DemoCopy(plan.pk, template=template)
            except DatabaseError:
                pass  # no clone: the demo is loaded where it is needed
            call_command("flush", interactive=False, verbosity=0)
    yield copy
    if copy is not None and copy.database is not None:
        copy.database.close()
    if copy is not None and copy.template is not None:
        with django_db_blocker.unblock():
            connection.close()
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE {connection.ops.quote_name(copy.template)}")


@pytest.fixture(scope="module")
def demo_plan(demo_copy, django_db_blocker):
    """The demo plan on the real demo files, shared by the tests of one module.

    The demo is loaded once per session (:func:`demo_copy`) and put back here (on PostgreSQL:
    loaded again, ~5 s). The data are committed, so the module's tests see them inside their
    own (rolled back) transactions; afterwards the database is flushed as a transactional test
    would.
    """
    from django.core.management import call_command

    with django_db_blocker.unblock():
        plan = restore_demo(demo_copy)
    yield plan
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


#: The name of a second gemeente's plan in the tests (:func:`breda_plan`).
BREDA_PLAN = "Testplan Breda (fictief)"


@pytest.fixture
def plan(demo_plan, db):
    """The demo plan (``policy.models.Plan``), fresh from the database for each test."""
    from openveiligheid.policy.models import Plan

    return Plan.objects.get(pk=demo_plan.pk)


@pytest.fixture
def breda_plan(plan):
    """A second gemeente's plan: the demo plan's goals and indicators, for Breda (GM0758)."""
    from openveiligheid.demo.loader import PLAN_FILE
    from openveiligheid.policy.planimport import load_plan

    text = PLAN_FILE.read_text(encoding="utf-8")
    text = text.replace(f'naam: "{plan.name}"', f'naam: "{BREDA_PLAN}"', 1)
    text = text.replace("GM0014", "GM0758").replace("Groningen", "Breda")
    assert BREDA_PLAN in text
    return load_plan(PLAN_FILE, text=text)


def restore_demo(copy: DemoCopy | None):
    """The demo in the test database, and its plan: the session's copy put back, or loaded.

    Call it with database access (``django_db_blocker.unblock()``) and outside a transaction;
    everything in the database is replaced by the demo as ``load_demo`` left it, committed.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from openveiligheid.demo.loader import load_demo
    from openveiligheid.policy.models import Plan

    if copy is None:
        return load_demo(lambda _message: None)
    if copy.database is not None:
        _put_back(copy.database)
    else:
        assert copy.template == f"{connection.settings_dict['NAME']}_demo", "not the test database"
        _clone_database(copy.template, connection.settings_dict["NAME"])
    ContentType.objects.clear_cache()  # its ids are those of the copy now
    return Plan.objects.get(pk=copy.plan_pk)


def _copy_database() -> sqlite3.Connection:
    from django.db import connection

    connection.ensure_connection()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)
    return copy


def _put_back(copy: sqlite3.Connection) -> None:
    """Overwrite the SQLite test database with ``copy`` (pages, schema and sequences alike)."""
    from django.db import connection

    connection.ensure_connection()
    assert connection.get_autocommit(), "the demo can only be put back outside a transaction"
    copy.backup(connection.connection)


def _clone_database(source: str, target: str) -> None:
    """PostgreSQL: replace database ``target`` by a copy of ``source`` (no one may use it)."""
    from django.db import connection

    assert connection.get_autocommit(), "the demo can only be put back outside a transaction"
    connection.close()
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(source)}")
