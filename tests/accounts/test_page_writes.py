"""What a plain page view writes: nothing, except the session's last-request time (for the idle
time-out) at most once a minute; and that write never makes the page wait for an import that
holds SQLite's write lock (ADR 0021 measured page views waiting 13 s for it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openveiligheid.accounts.middleware import LAST_SEEN, LAST_SEEN_STEP
from openveiligheid.policy.models import Plan

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes_of(client: Client, url: str) -> list[str]:
    """The statements that write of one GET of ``url`` (which must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


def seen_ago(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


@pytest.mark.django_db
def test_a_page_view_writes_only_the_session_and_that_once_a_minute(
    adviseur_client: Client, plan: Plan, settings
) -> None:
    settings.SESSION_IDLE_MINUTES = 30
    first = writes_of(adviseur_client, "/kaart/")  # the gemeente chosen, the time noted
    assert len(first) == 1 and '"django_session"' in first[0]
    assert writes_of(adviseur_client, "/kaart/") == []
    assert writes_of(adviseur_client, "/kaart/?niveau=buurt") == []
    seen_ago(adviseur_client, LAST_SEEN_STEP + 5)
    due = writes_of(adviseur_client, "/kaart/")
    assert len(due) == 1 and due[0].startswith('UPDATE "django_session"')
    assert time.time() - adviseur_client.session[LAST_SEEN] < 60  # noted
    assert writes_of(adviseur_client, "/kaart/") == []


@pytest.mark.django_db
def test_without_idle_time_out_a_page_view_writes_nothing(
    adviseur_client: Client, plan: Plan, settings
) -> None:
    settings.SESSION_IDLE_MINUTES = 0
    writes_of(adviseur_client, "/kaart/")  # the gemeente chosen
    seen_ago(adviseur_client, 3600)
    assert writes_of(adviseur_client, "/kaart/") == []


#: In a process of its own on a file database: a logged-in user's page views while another
#: connection holds the write lock (as an import does). Prints per case the answer, how long it
#: took and whether the last-request time was written.
LOCKED = """
import json, sqlite3, threading, time
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from openveiligheid.accounts.middleware import LAST_SEEN
from openveiligheid.policy.services import ensure_gemeente

user = get_user_model().objects.create_user("lezer")
user.groups.add(Group.objects.get(name="beleidsadviseur"))
ensure_gemeente("GM0014").organisations.get().members.add(user)
client = Client(SERVER_NAME="localhost")
client.force_login(user)
assert client.get("/methoden/").status_code == 200

def seen_ago(seconds):
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()
    return session[LAST_SEEN]

def stored():
    return Session.objects.get().get_decoded()[LAST_SEEN]

def view(ago, hold):
    noted = seen_ago(ago)
    lock = sqlite3.connect(
        connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False
    )
    lock.execute("BEGIN IMMEDIATE")
    threading.Timer(hold, lock.rollback).start()
    start = time.monotonic()
    status = client.get("/methoden/").status_code
    seconds = time.monotonic() - start
    time.sleep(max(0, hold - seconds) + 0.2)
    lock.close()
    return {"status": status, "seconds": seconds, "written": stored() != noted}

result = {"slack": view(120, 3), "after": None, "late": view(20 * 60, 1.5)}
noted = seen_ago(120)
client.get("/methoden/")
result["after"] = stored() != noted
print(json.dumps(result))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="about the embedded SQLite default")
def test_a_page_view_does_not_wait_for_a_writer_to_note_the_time(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OV_", "DJANGO_"))}
    env.update(OV_DATA_DIR=str(tmp_path), OV_DEMO="true", OV_INACTIEF_MINUTEN="30")
    env["OV_SQLITE_TIMEOUT"] = "10"  # before: the page waited for the lock, up to this long
    cli = [sys.executable, "-m", "openveiligheid.cli"]
    migrate = subprocess.run([*cli, "migrate", "-v0"], env=env, capture_output=True, text=True)
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    done = subprocess.run([*cli, "shell", "-c", LOCKED], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # two minutes after the last request, a writer holds the lock for 3 s: the page does not
    # wait, and the time is left for a later request, which writes it
    assert result["slack"]["status"] == 200 and result["slack"]["seconds"] < 1
    assert not result["slack"]["written"] and result["after"]
    # 20 of the 30 minutes gone: the time must be written, so the page waits for the lock
    assert result["late"]["status"] == 200 and result["late"]["seconds"] >= 1
    assert result["late"]["written"]
