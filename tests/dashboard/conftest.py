"""Fixtures for the web pages: the real demo data, loaded once per module (users: tests/conftest.py)."""

from __future__ import annotations

import pytest

from django.core.management import call_command

from openveiligheid.demo.loader import load_demo
from openveiligheid.policy.models import Plan


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
