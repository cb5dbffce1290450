"""The ui tests that render pages use the dashboard's demo fixtures."""

from tests.dashboard.conftest import demo_plan, plan  # noqa: F401 (fixtures)
