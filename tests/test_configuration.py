"""Docs-as-tests: every setting is documented, and the production guard holds."""

import os
import subprocess
import sys
from pathlib import Path

from openveiligheid.config import render_configuration_markdown

ROOT = Path(__file__).parents[1]


def test_configuration_page_is_up_to_date():
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page == render_configuration_markdown(), "run: openveiligheid document_settings"


def test_production_refuses_the_demo_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OV_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    env["DJANGO_SETTINGS_MODULE"] = "openveiligheid.settings"
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode != 0
    assert "OV_SECRET_KEY ontbreekt" in done.stderr
