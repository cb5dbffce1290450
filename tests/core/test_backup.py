"""``openveiligheid backup`` and ``restore`` for real, through the command line: a database with
areas, figures and a plan is backed up, restored into an empty database, and every table's row
count and the checksum of the figure values are the same. SQLite always; PostgreSQL when the
suite runs against a server (``OV_DATABASE_URL``, as ``scripts/test.sh`` does)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from django.db import connection

DATA = Path(__file__).parents[1] / "data"
CENSUS = (
    "import json; from openveiligheid.core.backup import census; c = census(); "
    "print(json.dumps({'rows': c.rows, 'checksum': c.figures_checksum}))"
)
FIGURES = "measure,area,period,value\nmisdrijven,GM0014,2022,460.5\ninwoners,GM0014,2022,234000\n"


def _env(tmp_path: Path, database_url: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OV_", "DJANGO_"))}
    env.update(OV_DATA_DIR=str(tmp_path), OV_DEMO="true", OV_ANALYSE_NA_IMPORT="false")
    if database_url:
        env["OV_DATABASE_URL"] = database_url
    return env


def _cli(env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "openveiligheid.cli", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if ok:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def _census(env: dict) -> dict:
    return json.loads(_cli(env, "shell", "-c", CENSUS).stdout.strip().splitlines()[-1])


def _fill(env: dict, tmp_path: Path) -> None:
    _cli(env, "migrate", "-v0")
    _cli(env, "import_areas", str(DATA / "gebieden_47018NED_groningen.csv"), "--indeling", "2024")
    figures = tmp_path / "cijfers.csv"
    figures.write_text(FIGURES, encoding="utf-8")
    _cli(env, "import_figures", str(figures))
    _cli(env, "gebruiker", "anna", "--rol", "analist")


def _round_trip(source_env: dict, target_env: dict, tmp_path: Path) -> None:
    before = _census(source_env)
    assert before["rows"]["figures_figure"] >= 2
    assert before["rows"]["audit_auditevent"] > 0
    out = _cli(source_env, "backup", str(tmp_path / "kopie.backup")).stdout
    assert "Back-up geschreven" in out
    assert oct((tmp_path / "kopie.backup").stat().st_mode)[-3:] == "600"
    restored = _cli(target_env, "restore", str(tmp_path / "kopie.backup")).stdout
    assert "Teruggezet" in restored
    after = _census(target_env)
    assert after == before
    again = _cli(target_env, "restore", str(tmp_path / "kopie.backup"), ok=False)
    assert again.returncode == 1
    assert "De database is niet leeg" in again.stderr  # nothing replaced without asking
    _cli(target_env, "restore", str(tmp_path / "kopie.backup"), "--overschrijven")
    assert _census(target_env) == before


def test_sqlite_backup_restores_into_an_empty_database(tmp_path: Path) -> None:
    source, target = tmp_path / "bron", tmp_path / "doel"
    source_env, target_env = _env(source), _env(target)
    _fill(source_env, tmp_path)
    _round_trip(source_env, target_env, tmp_path)
    wrong = tmp_path / "geen.backup"
    wrong.write_bytes(b"PGDMP and more")
    refused = _cli(target_env, "restore", str(wrong), ok=False)
    assert (
        "geen.backup is geen back-up voor deze database (sqlite); soort bestand: PostgreSQL"
        in refused.stderr
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs the PostgreSQL server")
def test_postgresql_backup_restores_into_an_empty_database(tmp_path: Path) -> None:
    import psycopg

    settings = connection.settings_dict
    names = [f"ov_backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("bron", "doel")]
    admin_url = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        urls = [admin_url.rsplit("/", 1)[0] + f"/{name}" for name in names]
        source_env, target_env = _env(tmp_path / "bron", urls[0]), _env(tmp_path / "doel", urls[1])
        _fill(source_env, tmp_path)
        _round_trip(source_env, target_env, tmp_path)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
