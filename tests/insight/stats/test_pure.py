"""The statistics in ``insight/stats/`` are pure: no Django and nothing else of the project.

A grep over the source, so that an import inside a function or under ``TYPE_CHECKING`` counts
too. Allowed from the project: ``openveiligheid.insight.stats`` itself (relative imports are
resolved first). The import-linter contract ``stats-pure`` in ``pyproject.toml`` says the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATS = Path(__file__).parents[3] / "src" / "openveiligheid" / "insight" / "stats"
ALLOWED = "openveiligheid.insight.stats"

# "import a, b as c" or "from a import b", indented or not; group 1 is what follows the keyword
IMPORT = re.compile(r"^\s*(?:import|from)\s+(.+)$")


def imported_modules(line: str, package: str = ALLOWED) -> list[str]:
    """The modules a source line imports; relative ones resolved against ``package``."""
    match = IMPORT.match(line)
    if not match:
        return []
    rest = match.group(1)
    if not line.lstrip().startswith("from"):
        return [part.split()[0] for part in rest.split(",") if part.strip()]
    module = rest.split()[0]
    dots = len(module) - len(module.lstrip("."))
    if not dots:
        return [module]
    parts = package.split(".")
    base = parts[: len(parts) - (dots - 1)]
    return [".".join([*base, module[dots:]] if module[dots:] else base)]


def forbidden(module: str) -> bool:
    top = module.split(".")[0]
    if top == "django":
        return True
    if top == "openveiligheid":
        return not (module == ALLOWED or module.startswith(ALLOWED + "."))
    return False


def offending_lines(source: str, package: str = ALLOWED) -> list[str]:
    return [
        line.strip()
        for line in source.splitlines()
        if any(forbidden(module) for module in imported_modules(line, package))
    ]


def stats_files() -> list[Path]:
    return sorted(STATS.rglob("*.py"))


def package_of(path: Path) -> str:
    """``openveiligheid.insight.stats`` plus the sub-packages the file is in."""
    return ".".join([ALLOWED, *path.parent.relative_to(STATS).parts])


def test_there_are_statistics_modules_to_check():
    names = {path.name for path in stats_files()}
    assert {"earlywarning.py", "farrington.py", "ears.py", "fdr.py", "spatial.py"} <= names


@pytest.mark.parametrize("path", stats_files(), ids=lambda path: path.name)
def test_statistics_module_imports_no_django_and_nothing_else_of_the_project(path):
    assert offending_lines(path.read_text(encoding="utf-8"), package_of(path)) == []


@pytest.mark.parametrize(
    "line",
    [
        "import django",
        "from django.db import models",
        "    from django.conf import settings",
        "import numpy as np, django.db",
        "from openveiligheid.indicators.formatting import format_number",
        "    import openveiligheid.core.periods as periods",
        "from openveiligheid import settings",
        "from openveiligheid.insight.wording import describe",
        "from openveiligheid.insight.statsx import y",
        "from .. import services",
        "    from ..wording import describe",
        "from ... import settings",
    ],
)
def test_the_check_catches_forbidden_imports(line):
    assert offending_lines(line) == [line.strip()]


@pytest.mark.parametrize(
    "line",
    [
        "import numpy as np",
        "from scipy import special, stats",
        "from openveiligheid.insight.stats.spatial import SEED",
        "    from openveiligheid.insight.stats import ears as ears_method",
        "from .series import judge_many",
        "from . import ears",
        "# import django in a comment is fine",
        "djangoish = 1",
    ],
)
def test_the_check_allows_the_statistics_own_imports(line):
    assert offending_lines(line) == []
