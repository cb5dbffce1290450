"""Docs-as-tests: every command, import format and the README's two commands are documented."""

from pathlib import Path

import pytest

from django.core.management import get_commands

from openveiligheid.imports.parsers import cbs, cijfers, incidents
from openveiligheid.imports.parsers.cbs import SIGNATURES

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
OUR_COMMANDS = sorted(
    name for name, app in get_commands().items() if app.startswith("openveiligheid")
)


def test_we_found_our_commands():
    assert {"demo", "evaluate", "import_figures", "import_areas", "load_plan"} <= set(OUR_COMMANDS)


@pytest.mark.parametrize("command", OUR_COMMANDS)
def test_every_command_is_in_the_cli_docs(command):
    assert f"openveiligheid {command}" in (DOCS / "cli.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("page", "module"),
    [
        ("cijfers.md", cijfers),
        ("cbs-opendata.md", cbs),
        ("politie-incidenten.md", incidents),
        ("gebieden.md", None),
        ("plan-yaml.md", None),
    ],
)
def test_every_import_format_has_a_page(page, module):
    text = (DOCS / "data-formats" / page).read_text(encoding="utf-8")
    assert len(text) > 500
    if module is not None and hasattr(module, "REQUIRED"):
        for column in module.REQUIRED:
            assert column in text


@pytest.mark.parametrize("signature", SIGNATURES, ids=lambda s: s.dataset)
def test_every_recognised_cbs_table_is_documented(signature):
    table = signature.dataset.split("-")[1]
    assert table in (DOCS / "data-formats" / "cbs-opendata.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_commands_and_they_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for script in ("scripts/demo.sh", "scripts/test.sh"):
        assert f"bash {script}" in readme
        assert (ROOT / script).exists()
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_adr_has_status_context_decision_consequences():
    adrs = sorted((DOCS / "adr").glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert len(adrs) >= 4
    for adr in adrs:
        text = adr.read_text(encoding="utf-8")
        for heading in ("Status", "Context", "Decision", "Consequences"):
            assert heading in text, f"{adr.name} lacks {heading}"
