"""Fixtures for the web pages: the real demo data in each module (users: tests/conftest.py)."""

from __future__ import annotations

import pytest

from django.core.management import call_command

from openveiligheid.policy.models import Plan
from tests.conftest import restore_demo


@pytest.fixture(scope="module")
def demo_plan(demo_copy, django_db_blocker):
    """The demo plan on the real demo files, shared by the tests of one module.

    The demo is loaded once per session (``tests/conftest.py::demo_copy``) and put back here
    (on PostgreSQL: loaded again, ~5 s). The data are committed, so the module's tests see them
    inside their own (rolled back) transactions; afterwards the database is flushed as a
    transactional test would.
    """
    with django_db_blocker.unblock():
        plan = restore_demo(demo_copy)
    yield plan
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def plan(demo_plan, db) -> Plan:
    return Plan.objects.get(pk=demo_plan.pk)
