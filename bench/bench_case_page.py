"""Benchmark: what the audit write costs on a case page.

Run: ``.venv/bin/python bench/bench_case_page.py``. Prints its figures; it asserts nothing and
is not part of the test suite.

A fresh SQLite database, one casusregisseur (logged in with a confirmed second factor, as the
role requires) and one woonoverlast case with 20 journal lines, 2 persons and a status history.
The case page (``/registers/casus/<pk>/?doel=casusbehandeling``: the whole request through
Django's test client, middleware, session, queries, template) is requested 50 times with the
audit write and 50 times with ``audit.services.record`` replaced by a no-op (here only),
alternating, after a warm-up; the medians and their difference are printed. Then the same
with 100,000 rows in the audit log, to show the write does not grow with the log.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA_DIR = tempfile.mkdtemp(prefix="ov-bench-case-")
os.environ["OV_DATA_DIR"] = DATA_DIR
os.environ.setdefault("OV_DEMO", "true")  # as bench_pages.py: no secret key needed here
os.environ.setdefault("OV_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")

import django  # noqa: E402

django.setup()

from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from openveiligheid.accounts.models import Gemeente, Organisation  # noqa: E402
from openveiligheid.audit.models import AuditEvent  # noqa: E402
from openveiligheid.cases import services  # noqa: E402

RUNS = 50
WARM_UP = 5
JOURNAL_LINES = 20
PASSWORD = "bench-wachtwoord-42"


def regisseur():
    """A casusregisseur woonoverlast of Groningen (GM0014)."""
    user = get_user_model().objects.create_user("regisseur", password=PASSWORD)
    user.groups.add(Group.objects.get(name="casusregisseur woonoverlast"))
    gemeente, _ = Gemeente.objects.get_or_create(code="GM0014", defaults={"name": "Groningen"})
    organisation, _ = Organisation.objects.get_or_create(name="Gemeente Groningen")
    organisation.gemeenten.add(gemeente)
    organisation.members.add(user)
    return user


def verified_client(user) -> Client:
    """Logged in as after entering the code of a confirmed authenticator app."""
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def a_case(user):
    case = services.open_case(
        user,
        "woonoverlast",
        "GM0014",
        number="WO-BENCH-1",
        opened=dt.date(2023, 1, 10),
        woningtype="corporatie",
        address="Fictieve Dreef 7",
        partners=["politie", "woningcorporatie"],
        interventions=["gesprek", "huisbezoek", "mediation"],
    )
    for name in ("Fictieve Bewoner", "Fictieve Buur"):
        services.add_person(user, case, name, birth_date=dt.date(1980, 1, 1))
    for n in range(JOURNAL_LINES):
        services.add_journal(
            user, case, f"Journaalregel {n + 1}: gesprek gevoerd, afspraken vastgelegd.",
            kind="actie", date=dt.date(2023, 1, 10) + dt.timedelta(days=7 * n),
        )  # fmt: skip
    services.set_status(user, case, "in behandeling", dt.date(2023, 2, 1))
    return case


def no_record(*_args, **_kwargs) -> None:
    return None


def measure(client: Client, url: str) -> tuple[float, float, int]:
    """Medians in ms (with audit, without) over RUNS alternating requests; audit rows added."""
    real = services.record
    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200
    with_audit, without = [], []
    before = AuditEvent.objects.count()
    try:
        for _ in range(RUNS):
            services.record = real
            started = time.perf_counter()
            client.get(url)
            with_audit.append((time.perf_counter() - started) * 1000)
            services.record = no_record
            started = time.perf_counter()
            client.get(url)
            without.append((time.perf_counter() - started) * 1000)
    finally:
        services.record = real
    added = AuditEvent.objects.count() - before
    return statistics.median(with_audit), statistics.median(without), added


def fill_audit_log(rows: int) -> None:
    """Rows straight into the table (bulk: no hash chain; only the size matters here)."""
    now = timezone.now()
    batch = [
        AuditEvent(
            at=now,
            user_name="bench",
            action=AuditEvent.CASE_VIEWED,
            object=f"casus x {n}",
            purpose="casusbehandeling",
            hash=f"{n:064d}",
        )  # fmt: skip
        for n in range(rows)
    ]
    AuditEvent.objects.bulk_create(batch, batch_size=5000)


def report(label: str, client: Client, url: str) -> None:
    with_audit, without, added = measure(client, url)
    print(f"== {label}")
    print(f"   median with audit write     {with_audit:7.2f} ms")
    print(f"   median without (no-op)      {without:7.2f} ms")
    print(f"   difference                  {with_audit - without:+7.2f} ms per page")
    print(f"   audit rows written          {added} (expected {RUNS})")


def main() -> None:
    call_command("migrate", verbosity=0)
    user = regisseur()
    case = a_case(user)
    client = verified_client(user)
    url = f"/registers/casus/{case.pk}/?doel=casusbehandeling"
    page = client.get(url)
    assert page.status_code == 200 and b"Journaalregel 20" in page.content, page.status_code
    print(f"Case page: {len(page.content):,} bytes, {JOURNAL_LINES} journal lines, {RUNS} runs")
    print(f"Database: {django.db.connection.vendor} in {DATA_DIR}")
    report(f"audit log of {AuditEvent.objects.count()} rows", client, url)
    fill_audit_log(100_000)
    report(f"audit log of {AuditEvent.objects.count():,} rows", client, url)


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
