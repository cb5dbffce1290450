"""The audit log: log-ins, imports, plan loads, roles and memberships are recorded, append-only,
and listed by ``openveiligheid audit`` with the keys wanneer, wie, actie, object, doel."""

from __future__ import annotations

import csv
import io
import json

import pytest

from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from openveiligheid.audit.models import AppendOnlyError, AuditEvent
from openveiligheid.figures.services import import_figures
from tests.conftest import PASSWORD, write

pytestmark = pytest.mark.django_db


def audit(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def actions() -> list[tuple[str, str, str]]:
    return list(AuditEvent.objects.values_list("user_name", "action", "object"))


def test_log_ins_failed_log_ins_and_log_outs_are_recorded(adviseur) -> None:
    client = Client()
    client.post(
        reverse("login"), {"username": "adviseur", "password": "fout"}, REMOTE_ADDR="192.0.2.9"
    )
    client.post(reverse("login"), {"username": "adviseur", "password": PASSWORD})
    client.post(reverse("logout"))
    logged = [(a, o) for _, a, o in actions() if a in {"inloggen", "inloggen mislukt", "uitloggen"}]
    assert logged == [
        ("inloggen mislukt", "gebruiker adviseur"),
        ("inloggen", "gebruiker adviseur"),
        ("uitloggen", "gebruiker adviseur"),
    ]
    failed = AuditEvent.objects.get(action="inloggen mislukt")
    assert failed.detail == {"adres": "192.0.2.9"}
    assert "fout" not in json.dumps(failed.detail) + failed.object  # never the password


def test_an_import_is_recorded_with_who_the_file_hash_and_the_result(data_dir, tmp_path) -> None:
    from openveiligheid.areas.services import import_area_list

    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    path = write(tmp_path, "f.csv", "measure,area,period,value\nmisdrijven,GM0014,2022,460\n")
    run = import_figures(path)
    import_figures(path)  # the same file again: skipped, and recorded as such
    events = AuditEvent.objects.filter(action="import", object__contains="f.csv")
    assert [e.detail["resultaat"] for e in events] == ["gelukt", "al ingelezen"]
    assert events[0].detail["sha256"] == run.sha256
    assert events[0].user_name.startswith("cli:")
    assert events[0].purpose == "gegevens bijwerken"


def test_role_and_membership_changes_name_who_made_them(adviseur, django_user_model) -> None:
    admin = django_user_model.objects.create_superuser("beheer", password=PASSWORD)
    target = django_user_model.objects.create_user("nieuw")
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/beheer/auth/user/{target.pk}/change/",
        {
            "username": "nieuw",
            "groups": [Group.objects.get(name="analist").pk],
            "is_active": "on",
            "date_joined_0": "2026-12-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-12-01",
            "initial-date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AuditEvent.objects.get(action="rollen gewijzigd", object="gebruiker nieuw")
    assert change.user_name == "beheer"
    assert change.detail["rollen"] == ["analist"]
    memberships = AuditEvent.objects.filter(action="leden gewijzigd")
    assert ("organisatie Gemeente Groningen", ["adviseur"]) in [
        (e.object, e.detail["leden"]) for e in memberships
    ]


def test_the_log_is_append_only(adviseur) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.object = "iets anders"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(object="weg")
    assert AuditEvent.objects.filter(object="iets anders").count() == 0


def test_the_admin_shows_the_log_read_only(django_user_model) -> None:
    admin = django_user_model.objects.create_superuser("beheer", password=PASSWORD)
    client = Client()
    client.force_login(admin)
    listing = client.get("/beheer/audit/auditevent/")
    assert listing.status_code == 200
    event = AuditEvent.objects.first()
    assert client.get("/beheer/audit/auditevent/add/").status_code == 403
    assert (
        client.post(f"/beheer/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_command_lists_json_and_csv_with_the_agreed_keys(adviseur, nobody) -> None:
    rows = json.loads(audit("--format", "json"))
    assert rows and all(
        list(row)[:5] == ["wanneer", "wie", "actie", "object", "doel"] for row in rows
    )
    assert {"cli:" in row["wie"] for row in rows} == {True}  # the fixtures ran outside a request
    table = list(csv.DictReader(io.StringIO(audit("--format", "csv")), delimiter=";"))
    assert [r["object"] for r in table] == [r["object"] for r in rows]
    assert json.loads(audit("--format", "json", "--gebruiker", "niemand")) == []
    assert json.loads(audit("--format", "json", "--sinds", "2999-01-01")) == []
    with pytest.raises(CommandError, match="--sinds '1-12-2026' is geen datum"):
        audit("--sinds", "1-12-2026")


def test_csv_cells_cannot_become_formulas() -> None:
    Client().post(reverse("login"), {"username": '=HYPERLINK("x")', "password": "p"})
    table = list(csv.DictReader(io.StringIO(audit("--format", "csv")), delimiter=";"))
    assert table[-1]["wie"] == '\'=HYPERLINK("x")'


def _raw_update(sql: str, params: list) -> None:
    """An edit in the database itself, around the application (what the chain must reveal)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_hash_chain_links_every_row_to_the_one_before() -> None:
    from openveiligheid.audit.services import record, verify_chain

    first = record(AuditEvent.LOGIN, "gebruiker a")
    second = record(AuditEvent.LOGOUT, "gebruiker a", purpose="test", aantal=3)
    assert second.previous_hash == first.hash != ""
    assert verify_chain() == (AuditEvent.objects.count(), [])
    checked = audit("--controleer")
    assert "onveranderd" in checked and f"Laatste hash: {second.hash}" in checked
    exported = json.loads(audit("--format", "json"))
    assert exported[-1]["hash"] == second.hash  # the export carries the newest hash


@pytest.mark.parametrize(
    ("sql", "broken_at", "reason"),
    [
        ("UPDATE audit_auditevent SET user_name = 'iemand anders' WHERE id = %s", 1, "inhoud"),
        ("UPDATE audit_auditevent SET purpose = 'ander doel' WHERE id = %s", 1, "inhoud"),
        ("DELETE FROM audit_auditevent WHERE id = %s", 2, "vorige regel"),
    ],
)
def test_an_edit_in_the_database_itself_breaks_the_chain(sql, broken_at, reason) -> None:
    from openveiligheid.audit.services import record, verify_chain

    events = [record(AuditEvent.LOGIN, f"gebruiker {n}") for n in range(3)]
    _raw_update(sql, [events[1].pk])
    checked, breaks = verify_chain()
    assert [b.pk for b in breaks] == [events[broken_at].pk]
    assert reason in breaks[0].reason
    with pytest.raises(CommandError, match="buiten de applicatie om gewijzigd"):
        audit("--controleer")


def test_after_a_whole_check_only_the_new_rows_are_checked_and_a_cut_tail_is_found() -> None:
    from openveiligheid.audit.models import ChainCheck
    from openveiligheid.audit.services import newest_check, record, verify_chain

    rows = [record(AuditEvent.LOGIN, f"gebruiker {n}") for n in range(4)]
    assert verify_chain() == (AuditEvent.objects.count(), [])  # a whole check, recorded
    whole = newest_check()
    assert (whole.last_pk, whole.last_hash) == (rows[-1].pk, rows[-1].hash)
    later = [record(AuditEvent.LOGOUT, f"gebruiker {n}") for n in range(2)]
    assert verify_chain(since=whole) == (2, [])
    assert ChainCheck.objects.count() == 1  # an incremental check anchors nothing
    _raw_update("UPDATE audit_auditevent SET object = 'x' WHERE id = %s", [later[0].pk])
    assert [b.pk for b in verify_chain(since=whole)[1]] == [later[0].pk]
    _raw_update("DELETE FROM audit_auditevent WHERE id = %s", [rows[-1].pk])
    _checked, breaks = verify_chain(since=whole)
    assert breaks[0].pk == rows[-1].pk and "vorige volledige controle" in breaks[0].reason
    _checked, breaks = verify_chain()  # a whole check finds it too, and records nothing
    assert breaks and ChainCheck.objects.count() == 1
