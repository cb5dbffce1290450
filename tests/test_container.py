"""The container files agree with the code: every command they run exists, every setting they
set is a real one, the Python and PostgreSQL versions match what is tested, and no secret is
committed. (Building the image needs a container registry, which CI cannot reach; the image's
steps are the ones ``scripts/setup.sh`` and ``tests/test_packaging.py`` run.)"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from django.core.management import get_commands
from django.urls import resolve

from openveiligheid.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
ENV_EXAMPLE = (ROOT / "deploy" / "env.example").read_text(encoding="utf-8")
#: Variables that only compose.yaml reads (to build the database URL), not the app.
COMPOSE_ONLY = {"OV_DB_PASSWORD"}


def test_compose_runs_postgresql_the_app_and_a_worker() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"db", "app", "worker"}
    assert services["app"]["command"][:2] == ["openveiligheid", "serve"]
    assert services["worker"]["command"] == ["openveiligheid", "worker"]
    for name in ("app", "worker"):
        env = services[name]["environment"]
        assert env["OV_DATABASE_URL"].startswith("postgres://")
        assert env["OV_WERKER"] == "true"
    assert services["app"]["ports"] == ["127.0.0.1:8000:8000"]  # only the TLS proxy reaches it


def test_every_command_the_container_files_run_exists() -> None:
    commands = get_commands()
    run = re.findall(r'"openveiligheid", "(\w+)"', DOCKERFILE)
    run += [s["command"][1] for s in COMPOSE["services"].values() if "command" in s]
    run = [c for c in run if c != "openveiligheid"]
    assert set(run) >= {"serve", "worker"}
    assert set(run) <= set(commands)


def test_every_setting_named_is_a_real_setting() -> None:
    text = DOCKERFILE + (ROOT / "compose.yaml").read_text(encoding="utf-8") + ENV_EXAMPLE
    named = set(re.findall(r"\b(OV_[A-Z0-9_]+)", text))
    assert named - set(SETTINGS) - COMPOSE_ONLY == set()
    assert {"OV_SECRET_KEY", "OV_ALLOWED_HOSTS", "OV_DB_PASSWORD"} <= named


def test_no_secret_is_committed() -> None:
    for line in ENV_EXAMPLE.splitlines():
        if re.match(r"OV_(SECRET_KEY|DB_PASSWORD|BSN_SLEUTEL)=", line):
            assert line.endswith("="), line
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def test_versions_match_what_is_tested() -> None:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert re.findall(r"^FROM python:(\d+\.\d+)", DOCKERFILE, re.M) == [python, python]
    # pg_dump of Debian bookworm (the image's base) is 15: the server must not be newer.
    assert COMPOSE["services"]["db"]["image"].startswith("postgres:15")
    assert "bookworm" in DOCKERFILE


def test_the_health_check_path_is_the_health_view() -> None:
    path = re.search(r"http://127\.0\.0\.1:8000(/[a-z/]+)", DOCKERFILE).group(1)
    assert resolve(path).url_name == "gezondheid"
