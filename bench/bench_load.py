"""Benchmark: the production server under load, on PostgreSQL and SQLite side by side.

Concurrent logged-in users reading pages, and form saves while a large import runs.

Run: ``.venv/bin/python bench/bench_load.py [--database postgresql|sqlite|both]
[--users 10,25,50] [--seconds 30] [--workers 2] [--per-page] [--writes]`` (as root it installs
Debian's ``wrk`` and PostgreSQL if they are missing). Prints its figures and asserts nothing;
it is not part of the test suite. Run it under ``flock /tmp/bench.lock`` on a shared machine.

Per database (``--database``, default ``postgresql``):

1. a fresh database with the demo loaded: a throwaway PostgreSQL cluster on loopback
   (``scripts/with-postgres.sh``), or the embedded SQLite file in a temporary ``OV_DATA_DIR``;
2. ``openveiligheid serve`` (gunicorn) with ``--workers`` processes on a free loopback port;
3. for each number of ``--users``: ``wrk`` with that many connections, each logged in (one
   session per connection), asking for a mix of every page type (``PAGES``) for
   ``--seconds``; with ``--per-page`` then each page type alone, shorter. Requests per second,
   median, 95th and 99th percentile, and errors (non-2xx answers and socket errors);
4. with ``--writes``: ``--writers`` users each save a form over and over (the texts of a goal
   in a year: a POST that writes the goal's year row and a line of its change history) while
   10 users read the page mix with ``wrk`` — first for ``--seconds`` with nothing else
   running, then while ``import_figures`` stores a national cijfers-CSV of ``--import-rows``
   rows (``bench_scale.py``'s file, 2024 division; analyses after the import off) in another
   process, as the worker does with ``OV_TAKEN=database``. Reports the saves (count, median,
   95th percentile, slowest, failures) and the readers, and how long the import took.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_scale import AREA_LIST, write_file  # noqa: E402 -- one generator of the national file

PYTHON = sys.executable
DATABASES = {"postgresql": ["postgresql"], "sqlite": ["sqlite"], "both": ["postgresql", "sqlite"]}
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
MIX = [path for path, weight in PAGES for _ in range(weight)]
#: Readers during the write test.
READERS = 10
#: The year whose goal texts the writers save (not adopted in the demo, so it can be edited).
WRITE_YEAR = 2024
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


#: One logged-in beleidsadviseur of Groningen, N sessions of it, and a goal of its plan.
SESSIONS = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from openveiligheid.accounts.models import Organisation
from openveiligheid.policy.models import Goal
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
goals = Goal.objects.filter(theme__plan__gemeente_code="GM0014", removed_at=None)
print(json.dumps({"keys": keys, "goals": list(goals.order_by("pk").values_list("key", flat=True))}))
"""


def create_database(url: str) -> None:
    """The database of ``url`` on its server, made if it does not exist yet."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def wrk_command(base: str, paths: list[str], cookies: list[str], users: int, seconds: int):
    lua = WRK_SCRIPT.replace("{PATHS}", "{" + ",".join(json.dumps(p) for p in paths) + "}")
    lua = lua.replace("{COOKIES}", "{" + ",".join(json.dumps(c) for c in cookies) + "}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    threads = min(users, 4)
    command = ["wrk", "-t", str(threads), "-c", str(users), "-d", f"{seconds}s", "--timeout", "30s"]
    return [*command, "-s", handle.name, base]


def wrk_result(stdout: str) -> dict:
    line = [row for row in stdout.splitlines() if row.startswith("{")][-1]
    return json.loads(line)


def run_wrk(base: str, paths: list[str], cookies: list[str], users: int, seconds: int) -> dict:
    command = wrk_command(base, paths, cookies, users, seconds)
    return wrk_result(subprocess.run(command, capture_output=True, text=True).stdout)


def row(label: str, result: dict) -> str:
    rate = result["requests"] / result["seconds"]
    errors = result["non2xx"] + result["socket_errors"]
    times = f"{result['p50']:8.0f} {result['p95']:8.0f} {result['p99']:8.0f}"
    return f"{label:<46} {rate:8.1f} {times} {errors:7d} {os.getloadavg()[0]:5.1f}"


#: ``load``: the machine's 1-minute load average when the row was measured (2 cores here).
HEADER = f"{'':<46} {'req/s':>8} {'median':>8} {'p95':>8} {'p99':>8} {'errors':>7} {'load':>5}"


@dataclass
class Installation:
    """A served database with the demo: where it answers and who is logged in."""

    database: str
    env: dict
    base: str = ""
    cookies: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)


def prepare(database: str, sessions: int) -> Installation:
    """A fresh database of kind ``database`` with the demo loaded and ``sessions`` sessions."""
    data = tempfile.mkdtemp(prefix=f"ov-bench-load-{database}-")
    env = {**os.environ, "OV_DATA_DIR": data, "OV_ALLOWED_HOSTS": "127.0.0.1"}
    env["OV_SECRET_KEY"] = "bench-" + "x" * 50
    env.pop("OV_DEMO", None)
    if database == "sqlite":
        env.pop("OV_DATABASE_URL", None)
    else:
        create_database(env["OV_DATABASE_URL"])
    started = time.perf_counter()
    cli({**env, "OV_DEMO": "true"}, "demo", "--no-serve")
    print(f"{database}: demo loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    output = cli(env, "shell", "--no-imports", "-c", SESSIONS.replace("{N}", str(sessions)))
    found = json.loads(output.strip().splitlines()[-1])
    cookies = [f"sessionid={key}" for key in found["keys"]]
    return Installation(database, env, cookies=cookies, goals=found["goals"])


@contextmanager
def serving(installation: Installation, workers: int) -> Iterator[None]:
    port = free_port()
    installation.base = f"http://127.0.0.1:{port}"
    serve = [PYTHON, "-m", "openveiligheid.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*serve, "--workers", str(workers)],
        env=installation.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{installation.base}/gezondheid/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        run_wrk(installation.base, MIX, installation.cookies, 4, 5)  # warm-up
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(installation.env["OV_DATA_DIR"], ignore_errors=True)


def read_load(installation: Installation, levels: list[int], args) -> list[str]:
    """The page mix (and with ``--per-page`` each page type) at each number of users."""
    lines = []
    for users in levels:
        cookies = installation.cookies[:users]
        result = run_wrk(installation.base, MIX, cookies, users, args.seconds)
        lines.append(row(f"{installation.database}, {users} users, page mix", result))
        print(lines[-1], file=sys.stderr, flush=True)
        if args.per_page:
            for path, _ in PAGES:
                alone = run_wrk(
                    installation.base, [path], cookies, users, max(5, args.seconds // 6)
                )
                lines.append(row(f"  {path[:44]}", alone))
    return lines


# --- form saves while an import runs ----------------------------------------------------------


class Writer(threading.Thread):
    """A user who saves the texts of one goal over and over until ``stop`` is set."""

    def __init__(self, base: str, cookie: str, goal: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.path = f"/plan/doel/{goal}/{WRITE_YEAR}/oordeel/"
        self.cookie = cookie
        self.stop = stop
        self.seconds: list[float] = []
        self.failures: list[str] = []

    def request(self, method: str, body: str = "") -> tuple[int, str, list[str]]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=600)
        headers = {"Cookie": self.cookie}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, self.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            return answer.status, text, answer.headers.get_all("Set-Cookie") or []
        finally:
            connection.close()

    def run(self) -> None:
        status, page, set_cookies = self.request("GET")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        csrf = [c.split(";")[0] for c in set_cookies if c.startswith("csrftoken=")]
        if status != 200 or not token or not csrf:
            self.failures.append(f"form GET {status}")
            return
        self.cookie = f"{self.cookie}; {csrf[0]}"
        number = 0
        while not self.stop.is_set():
            number += 1
            form = {
                "csrfmiddlewaretoken": token.group(1),
                "realisation": f"Belasting {number} {time.time()}",
                "judgement": "",
                "judgement_note": "",
            }
            started = time.perf_counter()
            try:
                status, _, _ = self.request("POST", urllib.parse.urlencode(form))
            except OSError as error:
                status = repr(error)
            if status == 302:
                self.seconds.append(time.perf_counter() - started)
            else:
                self.failures.append(str(status))


def save_row(label: str, writers: list[Writer], elapsed: float) -> str:
    times = sorted(s * 1000 for w in writers for s in w.seconds)
    failures = [f for w in writers for f in w.failures]
    if not writers:
        return f"{label:<34} (no writers)"
    if not times:
        return f"{label:<34} no save succeeded; failures: {failures[:3]}"
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return (
        f"{label:<34} {len(times):6d} {len(times) / elapsed:7.1f} {statistics.median(times):8.0f} "
        f"{p95:8.0f} {times[-1]:8.0f} {len(failures):6d}"
    )


SAVE_HEADER = (
    f"{'saves':<34} {'saves':>6} {'per s':>7} {'median':>8} {'p95':>8} {'max ms':>8} {'failed':>6}"
)


def with_load(installation: Installation, writers: int, until) -> tuple[list[Writer], dict, float]:
    """Writers and READERS readers until ``until()`` returns; the writers finish their save."""
    stop = threading.Event()
    goals = installation.goals
    cookies = installation.cookies
    team = [
        Writer(installation.base, cookies[i], goals[i % len(goals)], stop) for i in range(writers)
    ]
    readers = subprocess.Popen(
        wrk_command(installation.base, MIX, cookies[writers:], READERS, 3600),
        stdout=subprocess.PIPE,
        text=True,
    )
    started = time.perf_counter()
    for writer in team:
        writer.start()
    until()
    stop.set()
    for writer in team:
        writer.join()
    elapsed = time.perf_counter() - started
    readers.send_signal(signal.SIGINT)  # wrk stops and prints what it measured
    return team, wrk_result(readers.communicate()[0]), elapsed


def write_load(installation: Installation, args) -> list[str]:
    """Saves and reads without anything else, then while a national import runs."""
    name = installation.database
    lines = []
    team, readers, elapsed = with_load(installation, args.writers, lambda: time.sleep(args.seconds))
    lines.append(save_row(f"{name}, no import", team, elapsed))
    lines.append("  " + row(f"{name}, {READERS} readers, no import", readers))
    env = {**installation.env, "OV_ANALYSE_NA_IMPORT": "false", "OV_MAX_BESTAND_MB": "100000"}
    cli(env, "import_areas", str(AREA_LIST), "--indeling", "2024")
    figures = Path(installation.env["OV_DATA_DIR"]) / f"cijfers_{args.import_rows}.csv"
    write_file(figures, args.import_rows)
    command = [PYTHON, "-m", "openveiligheid.cli", "import_figures", str(figures)]
    importing = subprocess.Popen(
        [*command, "--indeling", "2024"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    started = time.perf_counter()
    team, readers, elapsed = with_load(installation, args.writers, importing.wait)
    seconds = time.perf_counter() - started
    if importing.returncode != 0:
        lines.append(f"{name}: import failed: {importing.stderr.read()[-500:]}")
    label = f"{name}, during import"
    lines.append(save_row(label, team, elapsed))
    lines.append("  " + row(f"{name}, {READERS} readers, during import", readers))
    lines.append(f"  import of {args.import_rows:,} rows: {seconds:.1f} s")
    figures.unlink()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=sorted(DATABASES), default="postgresql")
    parser.add_argument("--users", default="50", help="comma-separated, e.g. 10,25,50")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--per-page", action="store_true", help="each page type alone too")
    parser.add_argument("--writes", action="store_true", help="form saves during an import")
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-reads", action="store_true", help="only the write test")
    args = parser.parse_args()
    levels = [] if args.skip_reads else [int(u) for u in args.users.split(",")]
    databases = DATABASES[args.database]
    ensure_tools()
    if "postgresql" in databases and "OV_DATABASE_URL" not in os.environ:
        wrapper = ROOT / "scripts" / "with-postgres.sh"  # a throwaway PostgreSQL, and back
        os.environ.setdefault("OV_TEST_POSTGRES_PORT", "54349")
        os.execvp("bash", ["bash", str(wrapper), PYTHON, *sys.argv])
    print(f"== Load test: {args.workers} gunicorn workers, {', '.join(databases)}")
    reads, writes = [HEADER], [SAVE_HEADER]
    sessions = max([*levels, READERS + args.writers])
    for database in databases:
        installation = prepare(database, sessions)
        with serving(installation, args.workers):
            reads += read_load(installation, levels, args)
            if args.writes:
                done = write_load(installation, args)
                print("\n".join(done), file=sys.stderr, flush=True)
                writes += done
    if levels:
        print("\n".join(reads))
    if args.writes:
        print("\n".join(writes))


if __name__ == "__main__":
    main()
