"""The demo's national files for "vergelijkbare gemeenten" rebuild from the shared data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from openveiligheid.demo.loader import DATA

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared" / "data"
SCRIPT = REPO / "scripts" / "make_peer_data.py"
FILES = ("diefstallen_83651NED_gemeenten.csv", "inwoners_gemeente_2024.csv")


def test_script_rebuilds_the_shipped_files(tmp_path: Path) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared public data not available at {SHARED.resolve()}; cannot rebuild")
    subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(SHARED), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_the_files_are_documented_and_leave_out_the_demo_gemeenten() -> None:
    source = (DATA / "SOURCE.md").read_text(encoding="utf-8")
    for name in FILES:
        assert f"`{name}`" in source
    people = (DATA / "inwoners_gemeente_2024.csv").read_text(encoding="utf-8")
    assert ",GM0014," not in people and ",GM0758," not in people and ",GM0363," in people
    thefts = (DATA / "diefstallen_83651NED_gemeenten.csv").read_text(encoding="utf-8-sig")
    assert ";GM0014" not in thefts and ";T001540;CRI1122;GM0363;" in thefts
