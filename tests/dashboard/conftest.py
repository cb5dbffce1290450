"""Fixtures for the web pages: the real demo data, loaded once per module, and users."""

from __future__ import annotations

import pytest

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from openveiligheid.demo.loader import load_demo
from openveiligheid.policy.models import Plan

PASSWORD = "geheim-wachtwoord-42"


@pytest.fixture(scope="module")
def demo_plan(django_db_setup, django_db_blocker):
    """The demo plan on the real demo files (~5 s), shared by the tests of one module.

    The data are committed, so the module's tests see them inside their own (rolled back)
    transactions; afterwards the database is flushed as a transactional test would.
    """
    with django_db_blocker.unblock():
        plan = load_demo(lambda _message: None)
    yield plan
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def plan(demo_plan, db) -> Plan:
    return Plan.objects.get(pk=demo_plan.pk)


@pytest.fixture
def adviseur(django_user_model):
    user = django_user_model.objects.create_user(
        "adviseur", password=PASSWORD, first_name="Anna", last_name="de Vries"
    )
    user.groups.add(Group.objects.get(name="beleidsadviseur"))
    return user


@pytest.fixture
def nobody(django_user_model):
    """Logged in, but without any role."""
    return django_user_model.objects.create_user("zonderrol", password=PASSWORD)


@pytest.fixture
def adviseur_client(adviseur) -> Client:
    client = Client()
    client.force_login(adviseur)
    return client
