"""Benchmark: the production server under 50 concurrent logged-in users, on PostgreSQL.

Run: ``.venv/bin/python bench/bench_load.py [--users 50] [--seconds 30] [--workers 2]``
(as root it installs Debian's ``wrk`` and PostgreSQL if they are missing). Prints its figures
and asserts nothing; it is not part of the test suite.

1. A throwaway PostgreSQL cluster on loopback (``scripts/with-postgres.sh``), the demo loaded.
2. ``openveiligheid serve`` (gunicorn) with ``--workers`` processes on a free loopback port.
3. ``wrk`` with ``--users`` connections, each logged in (one session per connection), asking
   for a mix of every page type (``PAGES``) for ``--seconds``; then each page type alone,
   shorter. Reports requests per second, median, 95th and 99th percentile, and errors
   (non-2xx answers and socket errors).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
#: The page mix of a working day: the start page and the map most, downloads least.
PAGES = [
    ("/", 4),
    ("/?jaar=2021&thema=veilige-woonomgeving", 1),
    ("/indicator/fietsdiefstal-aangiften/", 2),
    ("/indicator/fietsdiefstal-aangiften/?niveau=buurt", 1),
    ("/kaart/", 3),
    ("/kaart/?niveau=buurt&periode=2017-08&per1000=1", 2),
    ("/gebied/WK001400/?indeling=2017", 2),
    ("/gebied/BU00140000/?indeling=2017", 1),
    ("/vergelijken/?gebied=WK001400&gebied=WK001401&jaar=2015&jaar=2016", 1),
    ("/monitor/", 2),
    ("/methoden/hotspots/", 1),
    ("/indicator/fietsdiefstal-aangiften/download.csv", 1),
]
WRK_SCRIPT = r"""
local paths = {PATHS}
local cookies = {COOKIES}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  n = 0
  cookie = cookies[(id % #cookies) + 1]
end
function request()
  n = n + 1
  local path = paths[((n + id * 7) % #paths) + 1]
  return wrk.format("GET", path, {["Cookie"] = cookie})
end
function done(summary, latency, requests)
  local s = summary
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "non2xx": %d, "socket_errors": %d, '
    .. '"p50": %.1f, "p95": %.1f, "p99": %.1f, "max": %.1f}\n',
    s.requests, s.duration / 1e6, s.errors.status,
    s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def ensure_tools() -> None:
    missing = [name for name in ("wrk",) if shutil.which(name) is None]
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        missing.append("postgresql")
    if missing and os.geteuid() == 0:
        subprocess.run(["bash", str(ROOT / "scripts/apt_install.sh"), *missing], check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli(env: dict, *args: str) -> str:
    command = [PYTHON, "-m", "openveiligheid.cli", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


SESSIONS = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from openveiligheid.accounts.models import Organisation
user, _ = get_user_model().objects.get_or_create(username="last")
user.groups.add(Group.objects.get(name="beleidsadviseur"))
for organisation in Organisation.objects.filter(gemeenten__code="GM0014"):
    organisation.members.add(user)
keys = []
for _ in range({N}):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys.append(session.session_key)
print(" ".join(keys))
"""


def create_database(url: str) -> None:
    """The database of ``url`` on its server, made if it does not exist yet."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def run_wrk(base: str, paths: list[str], cookies: list[str], users: int, seconds: int) -> dict:
    lua = WRK_SCRIPT.replace("{PATHS}", "{" + ",".join(json.dumps(p) for p in paths) + "}")
    lua = lua.replace("{COOKIES}", "{" + ",".join(json.dumps(c) for c in cookies) + "}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    threads = min(users, 4)
    command = ["wrk", "-t", str(threads), "-c", str(users), "-d", f"{seconds}s", "--timeout", "30s"]
    done = subprocess.run([*command, "-s", handle.name, base], capture_output=True, text=True)
    line = [row for row in done.stdout.splitlines() if row.startswith("{")][-1]
    return json.loads(line)


def show(label: str, result: dict) -> None:
    rate = result["requests"] / result["seconds"]
    errors = result["non2xx"] + result["socket_errors"]
    times = f"median {result['p50']:7.0f} ms  p95 {result['p95']:7.0f} ms"
    print(f"{label:<46} {rate:7.1f} req/s  {times}  p99 {result['p99']:7.0f} ms  errors {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    ensure_tools()
    if "OV_DATABASE_URL" not in os.environ:  # start a throwaway PostgreSQL and come back
        wrapper = ROOT / "scripts" / "with-postgres.sh"
        os.environ.setdefault("OV_TEST_POSTGRES_PORT", "54349")
        os.execvp("bash", ["bash", str(wrapper), PYTHON, *sys.argv])
    create_database(os.environ["OV_DATABASE_URL"])
    data = tempfile.mkdtemp(prefix="ov-bench-load-")
    env = {**os.environ, "OV_DATA_DIR": data, "OV_ALLOWED_HOSTS": "127.0.0.1"}
    env["OV_SECRET_KEY"] = "bench-" + "x" * 50
    env.pop("OV_DEMO", None)
    print(f"== Load test: {args.users} users, {args.workers} gunicorn workers, PostgreSQL")
    started = time.perf_counter()
    cli({**env, "OV_DEMO": "true"}, "demo", "--no-serve")
    print(f"demo loaded in {time.perf_counter() - started:.1f} s")
    keys = cli(env, "shell", "-c", SESSIONS.replace("{N}", str(args.users))).split()
    cookies = [f"sessionid={key}" for key in keys]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [PYTHON, "-m", "openveiligheid.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*serve, "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/gezondheid/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        mix = [path for path, weight in PAGES for _ in range(weight)]
        run_wrk(base, mix, cookies, min(args.users, 4), 5)  # warm-up
        show(
            f"page mix ({len(PAGES)} page types)",
            run_wrk(base, mix, cookies, args.users, args.seconds),
        )
        for path, _ in PAGES:
            alone = run_wrk(base, [path], cookies, args.users, max(5, args.seconds // 6))
            show(f"  {path[:44]}", alone)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
