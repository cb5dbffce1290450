"""The API tests use the dashboard's demo fixtures and its second gemeente (Breda)."""

from tests.conftest import BREDA_PLAN  # noqa: F401 (used by the tests of this package)
