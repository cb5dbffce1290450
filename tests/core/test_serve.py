"""``openveiligheid serve``: the real production server, started on a free loopback port."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from openveiligheid.core.management.commands.serve import is_loopback


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OV_", "DJANGO_"))}
    env.update(OV_DATA_DIR=str(tmp_path), OV_ALLOWED_HOSTS="127.0.0.1", **extra)
    return env


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    return urllib.request.urlopen(request, timeout=5)  # noqa: S310 (loopback only)


@pytest.mark.parametrize(
    ("bind", "local"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:80", True),
        ("[::1]:8000", True),
        ("unix:/run/ov.sock", True),
        ("0.0.0.0:8000", False),
        ("192.0.2.7:8000", False),
        ("[::]:8000", False),
    ],
)
def test_which_binds_stay_on_this_machine(bind: str, local: bool) -> None:
    assert is_loopback(bind) is local


def test_serve_migrates_collects_and_serves_compressed_static_files(tmp_path) -> None:
    port = _free_port()
    env = _env(tmp_path, OV_SECRET_KEY="test-" + "x" * 50)
    command = [sys.executable, "-m", "openveiligheid.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "--workers", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                health = _get(f"{base}/gezondheid/")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "server did not answer in 90 s"
                time.sleep(0.3)
        assert health.status == 200
        login = _get(f"{base}/inloggen/").read().decode()
        css = re.search(r'href="(/static/dashboard/openveiligheid\.[0-9a-f]{12}\.css)"', login)
        assert css, "hashed static file names"
        static = _get(base + css.group(1), **{"Accept-Encoding": "gzip"})
        assert static.headers["Content-Encoding"] == "gzip"
        assert "immutable" in static.headers["Cache-Control"]
        assert (tmp_path / "static" / "staticfiles.json").exists()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_serve_refuses_the_demo_key_on_a_public_address(tmp_path) -> None:
    env = _env(tmp_path, OV_DEMO="true")
    command = [sys.executable, "-m", "openveiligheid.cli", "serve", "--bind", "0.0.0.0:8999"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "Weigert te serveren op 0.0.0.0:8999" in done.stderr
    assert not (tmp_path / "openveiligheid.sqlite3").exists()  # stopped before migrating
