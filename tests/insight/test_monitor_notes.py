"""The agreements of the meeting with the police on the monitor: one per gemeente and period,
kept with every earlier version, editable with ``insight.afspraken_bewerken`` only."""

from __future__ import annotations

import re

import pytest

from django.contrib.auth.models import Permission
from django.test import Client

from openveiligheid.insight.models import MeetingNote
from tests.conftest import with_role

from .conftest import GEMEENTE_CODE

PERIOD = "2017-08-28"
SAVE = f"/monitor/afspraken/{PERIOD}/"
PAGE = f"/monitor/?periode={PERIOD}"


def form_data(rows: list[tuple[str, str, str]], text: str = "", total: int | None = None):
    data = {
        "afspraak-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "afspraak-INITIAL_FORMS": "0",
        "afspraak-MIN_NUM_FORMS": "0",
        "afspraak-MAX_NUM_FORMS": "40",
        "text": text,
    }
    for n, (wie, wat, wanneer) in enumerate(rows):
        data |= {
            f"afspraak-{n}-wie": wie,
            f"afspraak-{n}-wat": wat,
            f"afspraak-{n}-wanneer": wanneer,
        }
    return data


def may_edit(user):
    user.user_permissions.add(Permission.objects.get(codename="afspraken_bewerken"))
    return user


@pytest.fixture
def editor_client(adviseur) -> Client:
    client = Client()
    client.force_login(may_edit(adviseur))
    return client


def test_saving_twice_keeps_two_versions_and_shows_the_newest(editor_client, plan):
    page = editor_client.get(PAGE).content.decode()
    assert "Voor 28 augustus t/m 10 september 2017 zijn nog geen afspraken vastgelegd." in page
    assert 'id="afspraken-formulier"' in page
    response = editor_client.post(
        SAVE,
        form_data(
            [("wijkagent Oud-Noord", "Extra surveillance bij de fietsenstalling", "2017-09-15")],
            "Volgende keer: cijfers van september.",
        ),
    )
    assert response.status_code == 302
    assert response.url == f"/monitor/?periode={PERIOD}#afspraken"
    response = editor_client.post(
        SAVE,
        form_data(
            [
                ("wijkagent Oud-Noord", "Extra surveillance bij de fietsenstalling", "15-09-2017"),
                ("gemeente (Anna)", "Verlichting Noorderplantsoen laten nakijken", ""),
                ("", "", ""),  # an empty row is left out
            ]
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "De afspraken van 28 augustus t/m 10 september 2017 zijn opgeslagen (versie 2)." in page
    versions = list(MeetingNote.objects.filter(period=PERIOD).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].text == "Volgende keer: cijfers van september."
    assert versions[1].agreements == [
        {"wie": "wijkagent Oud-Noord", "wat": "Extra surveillance bij de fietsenstalling",
         "wanneer": "2017-09-15"},
        {"wie": "gemeente (Anna)", "wat": "Verlichting Noorderplantsoen laten nakijken",
         "wanneer": ""},
    ]  # fmt: skip
    assert versions[1].created_by_name == "Anna de Vries"
    current = re.search(r'<table[^>]*id="afspraken-tabel".*?</table>', page, re.S).group(0)
    assert "Afspraken (versie 2)" in current and "15 september 2017" in current
    assert "Verlichting Noorderplantsoen laten nakijken" in current
    assert "Versie 2, vastgelegd door Anna de Vries" in page
    history = re.search(r'<details[^>]*id="eerdere-versies".*?</details>', page, re.S).group(0)
    assert "Eerdere versies (1)" in history and "Versie 1</strong>" in history
    assert "Volgende keer: cijfers van september." in history
    # the same again changes nothing: no third version
    editor_client.post(
        SAVE,
        form_data(
            [
                ("wijkagent Oud-Noord", "Extra surveillance bij de fietsenstalling", "2017-09-15"),
                ("gemeente (Anna)", "Verlichting Noorderplantsoen laten nakijken", ""),
            ]
        ),
    )
    assert MeetingNote.objects.filter(period=PERIOD).count() == 2
    assert "Er is niets gewijzigd." in editor_client.get(PAGE).content.decode()


def test_everyone_who_sees_the_monitor_sees_the_notes_but_only_editors_get_the_form(
    client: Client, plan, django_user_model, adviseur
):
    MeetingNote.objects.create(
        gemeente_code=GEMEENTE_CODE,
        period=PERIOD,
        version=1,
        agreements=[{"wie": "politie", "wat": "Cameratoezicht evalueren", "wanneer": ""}],
        created_by_name="Anna de Vries",
    )
    reader = with_role(django_user_model, "lezer-monitor", "lezer")
    client.force_login(reader)
    page = client.get(PAGE).content.decode()
    assert "Cameratoezicht evalueren" in page
    assert "afspraken-formulier" not in page and "/monitor/afspraken/" not in page
    response = client.post(SAVE, form_data([("lezer", "Iets anders", "")]))
    assert response.status_code == 403
    client.force_login(adviseur)  # a beleidsadviseur without the permission (not yet in roles)
    if not adviseur.has_perm("insight.afspraken_bewerken"):
        assert client.post(SAVE, form_data([("x", "y", "")])).status_code == 403
    assert MeetingNote.objects.count() == 1


def test_another_gemeentes_notes_are_invisible(editor_client, plan, elsewhere):
    MeetingNote.objects.create(
        gemeente_code="GM0758", period=PERIOD, version=1, text="Afspraak van Breda"
    )
    page = editor_client.get(PAGE).content.decode()
    assert "Afspraak van Breda" not in page
    assert "zijn nog geen afspraken vastgelegd" in page
    editor_client.post(SAVE, form_data([("wie", "Afspraak van Groningen", "")]))
    other = Client()
    other.force_login(may_edit(elsewhere))
    page = other.get(PAGE).content.decode()
    assert "Afspraak van Groningen" not in page and "Groningen" not in page
    assert other.post(SAVE, form_data([("Breda", "Iets", "")])).status_code in {403, 404}
    assert set(MeetingNote.objects.values_list("gemeente_code", "text", "version")) == {
        ("GM0758", "Afspraak van Breda", 1),
        (GEMEENTE_CODE, "", 1),
    }


def test_csrf_is_enforced(plan, adviseur):
    client = Client(enforce_csrf_checks=True)
    client.force_login(may_edit(adviseur))
    response = client.post(SAVE, form_data([("wie", "wat", "")]))
    assert response.status_code == 403
    assert not MeetingNote.objects.exists()


def test_script_is_escaped(editor_client, plan):
    attack = '<script>alert("x")</script>'
    editor_client.post(SAVE, form_data([(attack, attack, "")], attack))
    page = editor_client.get(PAGE).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_invalid_rows_are_explained_and_nothing_is_saved(editor_client, plan):
    response = editor_client.post(SAVE, form_data([("wijkagent", "", "31-02-2017")]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "De afspraken zijn niet opgeslagen: verbeter de fouten hieronder." in page
    assert "Vul een datum in, bijvoorbeeld 15-09-2017." in page
    assert 'value="wijkagent"' in page  # what was typed stays
    response = editor_client.post(SAVE, {"text": "zonder beheergegevens"}, follow=True)
    assert "Het formulier was onvolledig; er is niets opgeslagen." in response.content.decode()
    assert not MeetingNote.objects.exists()


def test_only_periods_with_data_take_notes(editor_client, plan):
    assert editor_client.post("/monitor/afspraken/2031-01/", form_data([])).status_code == 404
    assert editor_client.post("/monitor/afspraken/onzin/", form_data([])).status_code == 404
    assert editor_client.get(SAVE).status_code == 405


def test_the_notes_print_and_the_form_does_not(editor_client, plan):
    editor_client.post(SAVE, form_data([("politie", "Extra controle", "")]))
    page = editor_client.get(PAGE).content.decode()
    section = re.search(r'<section[^>]*id="afspraken".*?</section>', page, re.S).group(0)
    assert 'class="no-print monitor-afspraken__form"' in section
    table = re.search(
        r'<div class="table-wrapper[^"]*"[^>]*>\s*<table[^>]*id="afspraken-tabel"', section
    )
    assert table and "no-print" not in table.group(0)
