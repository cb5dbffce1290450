"""The API tests use the dashboard's demo fixtures and its second gemeente (Breda)."""

from tests.dashboard.conftest import demo_plan, plan  # noqa: F401 (fixtures)
from tests.dashboard.test_permissions import BREDA_PLAN, breda_plan  # noqa: F401 (fixtures)
