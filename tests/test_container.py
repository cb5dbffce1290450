"""The container files agree with the code: every command they run exists, every setting they
set is a real one, the Python and PostgreSQL versions match what is tested, and no secret is
committed. (Building the image needs a container registry, which CI cannot reach; the image's
steps are the ones ``scripts/setup.sh`` and ``tests/test_packaging.py`` run.)"""

from __future__ import annotations

import os
import re
import subprocess
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


def test_the_app_and_the_worker_share_one_task_queue_in_postgresql() -> None:
    """A web upload becomes a task in PostgreSQL that the worker runs (ADR 0020): both
    processes use the database queue and the same database, the one the db service makes."""
    services = COMPOSE["services"]
    app, worker = (services[name]["environment"] for name in ("app", "worker"))
    assert app["OV_TAKEN"] == worker["OV_TAKEN"] == "database"
    assert app["OV_DATABASE_URL"] == worker["OV_DATABASE_URL"]
    url = re.fullmatch(
        r"postgres://(\w+):\$\{(OV_DB_PASSWORD)[^}]*\}@(\w+):5432/(\w+)", app["OV_DATABASE_URL"]
    )
    assert url is not None, app["OV_DATABASE_URL"]
    user, password, host, name = url.groups()
    db = services["db"]["environment"]
    assert (user, name) == (db["POSTGRES_USER"], db["POSTGRES_DB"])
    assert db["POSTGRES_PASSWORD"].startswith("${" + password)
    assert host in services


def test_the_task_queue_compose_sets_is_one_the_settings_accept() -> None:
    """The settings read the compose file's OV_TAKEN as the database backend (a wrong value
    would stop the app at start, which CI cannot see without docker)."""
    env = {**os.environ, **COMPOSE["services"]["worker"]["environment"], "OV_DEMO": "true"}
    env.pop("OV_DATABASE_URL")  # the settings only read it; no server is needed to load them
    code = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
    command = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    env["DJANGO_SETTINGS_MODULE"] = "openveiligheid.settings"
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "django_tasks_db.DatabaseBackend"


def test_the_database_runs_with_the_documented_settings() -> None:
    """compose.yaml gives PostgreSQL the settings that docs/deployment.md recommends."""
    db = COMPOSE["services"]["db"]
    assert db["command"][0] == "postgres"
    options = db["command"][1:]
    assert options[::2] == ["-c"] * (len(options) // 2)
    settings = dict(option.split("=") for option in options[1::2])
    assert set(settings) == {"shared_buffers", "work_mem", "maintenance_work_mem", "max_wal_size"}
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for name, value in settings.items():
        assert f"| `{name}` | {value} " in guide, name


def test_every_command_the_container_files_run_exists() -> None:
    commands = get_commands()
    run = re.findall(r'"openveiligheid", "(\w+)"', DOCKERFILE)
    ours = [s["command"] for s in COMPOSE["services"].values() if "openveiligheid" in s["image"]]
    run += [command[1] for command in ours if command[0] == "openveiligheid"]
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
