"""Importing existing registers (CSV and XLSX): column mapping, validation that names file, line
and column with nothing stored on any error, idempotent re-import, the audit record."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from django.core.management import call_command
from django.core.management.base import CommandError

from openveiligheid.accounts.models import Gemeente
from openveiligheid.areas.services import import_area_list
from openveiligheid.audit.models import AuditEvent
from openveiligheid.cases.crypto import decrypt_bsn, new_key
from openveiligheid.cases.importing import (
    FORMATS,
    fields_of,
    import_register,
    parse_column_options,
)
from openveiligheid.cases.models import (
    Case,
    CasePerson,
    MeasureCase,
    Person,
    PgaCase,
    SignalCase,
    StatusChange,
    WoonoverlastCase,
)
from openveiligheid.core.errors import InputError
from openveiligheid.imports.models import ImportRun
from tests.conftest import DATA, write

pytestmark = pytest.mark.django_db

FILES = DATA / "registers"
TODAY = dt.date(2024, 6, 1)
HEADER = "zaaknummer;geopend;gesloten;woningtype;buurt"
GOOD = f"{HEADER}\nWO-1;2022-03-01;;koop;BU00140000\nWO-2;2022-04-01;2022-05-01;corporatie;BU00140101\n"


@pytest.fixture(autouse=True)
def areas(data_dir) -> None:
    """Groningen (and a few Amsterdam) buurten of division 2024 in the area register."""
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)


def woonoverlast(path: Path, **options) -> ImportRun:
    options.setdefault("today", TODAY)
    return import_register(path, "woonoverlast", **options)


def refused(path: Path, register: str = "woonoverlast", **options) -> list:
    """The problems of a file that must be refused, after checking that it stored nothing."""
    options.setdefault("today", TODAY)
    cases, persons = Case.objects.count(), Person.objects.count()
    with pytest.raises(InputError) as caught:
        import_register(path, register, **options)
    assert (Case.objects.count(), Person.objects.count()) == (cases, persons)
    run = ImportRun.objects.filter(kind="registers").first()
    assert run.status == ImportRun.FAILED and run.errors
    return caught.value.problems


def only(problems: list, line: int, field: str):
    """The one problem of ``problems``; it names the file, ``line`` and ``field``."""
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.file.endswith((".csv", ".xlsx")), problem
    assert (problem.line, problem.field) == (line, field), str(problem)
    return problem


# --- what is stored -------------------------------------------------------------------------------


def test_a_woonoverlast_file_becomes_cases_with_wijk_status_and_history() -> None:
    assert not Gemeente.objects.filter(code="GM0014").exists()
    run = woonoverlast(FILES / "import_woonoverlast.csv")
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert (run.kind, run.dataset, run.format) == (
        "registers",
        "register-woonoverlast-GM0014",
        "register-woonoverlast-csv",
    )
    assert (run.read, run.created, run.updated) == (4, 4, 0)
    assert run.message.startswith("4 casussen gelezen (register woonoverlast, GM0014): 4 nieuw")
    closed = WoonoverlastCase.objects.get(number="WO-2022-001")
    assert closed.gemeente_code == "GM0014" and closed.register == "woonoverlast"
    assert (closed.buurt_code, closed.wijk_code) == ("BU00140000", "WK001400")
    assert (closed.opened, closed.closed) == (dt.date(2022, 3, 1), dt.date(2022, 6, 15))
    assert (closed.status, closed.outcome) == ("afgesloten", "overlast gestopt")
    assert closed.partners == ["politie", "woningcorporatie"]
    assert closed.interventions == ["gesprek", "mediation"]
    assert closed.address == "Fictieve Straat 1" and closed.import_run == run
    history = list(StatusChange.objects.filter(case=closed).values_list("status", "date"))
    assert history == [("open", dt.date(2022, 3, 1)), ("afgesloten", dt.date(2022, 6, 15))]
    still_open = WoonoverlastCase.objects.get(number="WO-2022-002")
    assert (still_open.status, still_open.closed, still_open.wijk_code) == (
        "open",
        None,
        "WK001401",
    )
    assert StatusChange.objects.filter(case=still_open).count() == 1
    assert WoonoverlastCase.objects.get(number="WO-2022-004").woningtype == "corporatie"
    assert Gemeente.objects.get(code="GM0014").name == "Groningen"  # from the area register


def test_the_import_is_audited_as_a_change_with_file_hash_and_counts() -> None:
    run = woonoverlast(FILES / "import_woonoverlast.csv")
    event = AuditEvent.objects.get(action=AuditEvent.REGISTER_IMPORTED)
    assert event.object == "register woonoverlast (GM0014)"
    assert event.purpose == "gegevens bijwerken"
    assert event.user_name.startswith("cli:")
    assert event.detail["bestand"] == "import_woonoverlast.csv"
    assert event.detail["sha256"] == run.sha256
    assert (event.detail["nieuw"], event.detail["bijgewerkt"]) == (4, 0)


def test_a_failed_import_writes_no_register_event(tmp_path) -> None:
    refused(write(tmp_path, "fout.csv", f"{HEADER}\nWO-1;2022-03-01;;villa;BU00140000\n"))
    assert not AuditEvent.objects.filter(action=AuditEvent.REGISTER_IMPORTED).exists()


def test_the_same_file_twice_is_skipped() -> None:
    woonoverlast(FILES / "import_woonoverlast.csv")
    again = woonoverlast(FILES / "import_woonoverlast.csv")
    assert again.status == ImportRun.SKIPPED
    assert "al ingelezen" in again.message
    assert Case.objects.count() == 4 and StatusChange.objects.count() == 6


def test_the_other_three_registers(tmp_path) -> None:
    for register in ("ondermijning", "pga", "maatregelen"):
        run = import_register(FILES / f"import_{register}.csv", register, today=TODAY)
        assert run.status == ImportRun.SUCCEEDED, run.message
    signal = SignalCase.objects.get(number="SO-2023-001")
    assert (signal.opened, signal.source, signal.phenomenon) == (
        dt.date(2023, 2, 1),
        "inwoner",
        "drugs",
    )
    assert (signal.follow_up, signal.location) == ("RIEC", "Fictief Bedrijventerrein 3")
    assert SignalCase.objects.get(number="SO-2023-002").follow_up == ""
    pga = PgaCase.objects.get(number="PGA-002")
    assert pga.escalation == "opgeschaald naar Zorg- en Veiligheidshuis"
    assert (pga.buurt_code, pga.wijk_code) == ("", "")
    assert PgaCase.objects.get(number="PGA-001").partners == ["politie", "reclassering", "GGZ"]
    huisverbod = MeasureCase.objects.get(number="BM-2023-002")
    assert (huisverbod.measure_type, huisverbod.duration_days) == ("tijdelijk huisverbod", 28)
    assert (huisverbod.decided, huisverbod.opened) == (dt.date(2023, 4, 2), dt.date(2023, 4, 2))
    assert huisverbod.objection == "bezwaar ingediend"
    bibob = MeasureCase.objects.get(number="BM-2023-004")
    assert (bibob.objection, bibob.duration_days, bibob.gemeente_code) == ("geen", None, "GM0014")


def test_an_optional_status_column_and_team(tmp_path) -> None:
    path = write(
        tmp_path,
        "status.csv",
        f"{HEADER};status;team\nWO-1;2022-03-01;;koop;BU00140000;In behandeling;Team Noord\n",
    )
    woonoverlast(path)
    case = WoonoverlastCase.objects.get()
    assert (case.status, case.team) == ("in behandeling", "Team Noord")


def test_comma_separated_with_bom_and_dutch_dates(tmp_path) -> None:
    text = "\ufeffZaaknummer,Geopend,Gesloten,Woningtype,Buurt\nWO-1,1-3-2022,15-6-2022,Koop,bu00140000\n"
    woonoverlast(write(tmp_path, "komma.csv", text))
    case = WoonoverlastCase.objects.get()
    assert (case.opened, case.closed, case.buurt_code) == (
        dt.date(2022, 3, 1),
        dt.date(2022, 6, 15),
        "BU00140000",
    )


def test_the_gemeente_may_be_given_and_must_then_match(tmp_path) -> None:
    run = woonoverlast(write(tmp_path, "g.csv", GOOD), gemeente="gm0014")
    assert run.dataset == "register-woonoverlast-GM0014"
    problems = refused(write(tmp_path, "g2.csv", GOOD), gemeente="GM14")
    assert "geen gemeentecode" in str(problems[0])


# --- re-import ------------------------------------------------------------------------------------


def test_a_corrected_file_updates_adds_and_leaves_the_rest_alone(tmp_path) -> None:
    first = f"{GOOD}WO-3;2022-05-01;;koop;BU00140104\n"
    woonoverlast(write(tmp_path, "v1.csv", first))
    ids = dict(Case.objects.values_list("number", "pk"))
    corrected = (
        f"{HEADER}\n"
        "WO-1;2022-03-01;2022-09-30;koop;BU00140000\n"  # now closed
        "WO-2;2022-04-01;2022-05-01;corporatie;BU00140101\n"  # the same
        "WO-4;2022-10-01;;particuliere huur;BU00140102\n"  # new; WO-3 is not in the file
    )
    run = woonoverlast(write(tmp_path, "v2.csv", corrected))
    assert (run.created, run.updated) == (1, 1)
    assert "1 nieuw, 1 bijgewerkt, 1 ongewijzigd" in run.message
    assert "1 eerder ingelezen casussen van dit register staan niet in het bestand" in run.message
    assert Case.objects.count() == 4
    assert dict(Case.objects.exclude(number="WO-4").values_list("number", "pk")) == ids
    one = WoonoverlastCase.objects.get(number="WO-1")
    assert (one.status, one.closed, one.import_run) == ("afgesloten", dt.date(2022, 9, 30), run)
    assert list(one.status_changes.values_list("status", flat=True)) == ["open", "afgesloten"]
    assert WoonoverlastCase.objects.get(number="WO-3").import_run != run
    assert WoonoverlastCase.objects.get(number="WO-2").import_run != run  # unchanged


def test_persons_are_linked_and_never_duplicated_on_reimport(tmp_path) -> None:
    header = f"{HEADER};naam;geboortedatum"
    rows = (
        "WO-1;2022-03-01;;koop;BU00140000;Fictieve Bewoner;1980-01-02\n"
        "WO-2;2022-04-01;;koop;BU00140001;Fictieve Bewoner;1980-01-02\n"  # the same person
        "WO-3;2022-05-01;;koop;BU00140002;Verzonnen Buur;\n"
    )
    run = woonoverlast(write(tmp_path, "p1.csv", f"{header}\n{rows}"))
    assert "3 nieuw" in run.message and "2 personen nieuw" in run.message
    assert Person.objects.count() == 2 and CasePerson.objects.count() == 3
    shared = Person.objects.get(name="Fictieve Bewoner")
    assert shared.cases.count() == 2 and shared.gemeente_code == "GM0014"
    corrected = rows.replace("Verzonnen Buur;", "Verzonnen Buurman;") + (
        "WO-4;2022-06-01;;koop;BU00140003;Fictieve Bewoner;1980-01-02\n"
    )
    again = woonoverlast(write(tmp_path, "p2.csv", f"{header}\n{corrected}"))
    assert "0 personen nieuw" in again.message
    assert Person.objects.count() == 2 and CasePerson.objects.count() == 4
    assert Person.objects.filter(name="Verzonnen Buurman").exists()  # corrected in place
    assert shared.cases.count() == 3


def test_a_reimport_never_renames_a_person_added_in_another_role(tmp_path) -> None:
    woonoverlast(write(tmp_path, "a.csv", GOOD))
    case = Case.objects.get(number="WO-1")
    melder = Person.objects.create(gemeente_code="GM0014", name="Fictieve Melder")
    CasePerson.objects.create(case=case, person=melder, role="melder")
    text = GOOD.replace(HEADER, f"{HEADER};naam").replace(
        "BU00140000", "BU00140000;Fictieve Bewoner"
    )
    text = text.replace("BU00140101", "BU00140101;")
    woonoverlast(write(tmp_path, "b.csv", text))
    melder.refresh_from_db()
    assert melder.name == "Fictieve Melder"
    assert sorted(case.persons.values_list("role", "person__name")) == [
        ("betrokkene", "Fictieve Bewoner"),
        ("melder", "Fictieve Melder"),
    ]


def test_an_anonymised_case_is_not_brought_back(tmp_path) -> None:
    woonoverlast(write(tmp_path, "a.csv", GOOD))
    Case.objects.filter(number="WO-2").update(anonymised_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    text = GOOD.replace("corporatie", "koop") + "WO-3;2022-06-01;;koop;BU00140000\n"
    run = woonoverlast(write(tmp_path, "b.csv", text))
    assert "1 casussen in het bestand zijn al geanonimiseerd" in run.message
    assert WoonoverlastCase.objects.get(number="WO-2").woningtype == "corporatie"
    assert run.created == 1


def test_two_people_with_the_same_name_but_no_birth_date_stay_two(tmp_path) -> None:
    text = f"{HEADER};naam\nWO-1;2022-03-01;;koop;BU00140000;J. Jansen\n" + (
        "WO-2;2022-04-01;;koop;BU00140001;J. Jansen\n"
    )
    woonoverlast(write(tmp_path, "namen.csv", text))
    assert Person.objects.count() == 2


def test_bsn_is_stored_encrypted_when_a_key_is_configured(tmp_path, settings) -> None:
    settings.BSN_KEY = new_key()
    text = f"{HEADER};naam;bsn\nWO-1;2022-03-01;;koop;BU00140000;Fictieve Bewoner;111222333\n"
    woonoverlast(write(tmp_path, "bsn.csv", text))
    person = Person.objects.get()
    assert "111222333" not in person.bsn_encrypted
    assert decrypt_bsn(person.bsn_encrypted) == "111222333"


def test_bsn_without_a_key_is_refused_naming_the_column(tmp_path, settings) -> None:
    settings.BSN_KEY = ""
    text = f"{HEADER};naam;BSN\nWO-1;2022-03-01;;koop;BU00140000;Fictieve Bewoner;111222333\n"
    problem = only(refused(write(tmp_path, "bsn.csv", text)), 1, "BSN")
    assert "OV_BSN_SLEUTEL" in problem.message


def test_an_invalid_bsn_is_refused(tmp_path, settings) -> None:
    settings.BSN_KEY = new_key()
    text = f"{HEADER};naam;bsn\nWO-1;2022-03-01;;koop;BU00140000;Fictieve Bewoner;123456789\n"
    problem = only(refused(write(tmp_path, "bsn.csv", text)), 2, "bsn")
    assert "elfproef" in problem.message


# --- validation: every problem names file, line and column; nothing is stored -----------------


BAD_WOONOVERLAST = [
    ("WO-9;2022-03-01;;koop;XX123", "buurt", "geen CBS-buurtcode"),
    ("WO-9;2022-03-01;;koop;BU00149999", "buurt", "staat niet in het gebiedenregister"),
    ("WO-9;2022-03-01;;koop;BU0363AB01", "buurt", "ligt in gemeente GM0363, niet in GM0014"),
    ("WO-9;2022-03-01;2022-02-01;koop;BU00140000", "gesloten", "vóór hij werd geopend"),
    ("WO-9;2024-07-01;;koop;BU00140000", "geopend", "datum 2024-07-01 ligt in de toekomst"),
    ("WO-9;31/12/2022;;koop;BU00140000", "geopend", "'31/12/2022' is geen datum"),
    ("WO-9;2022-02-30;;koop;BU00140000", "geopend", "'2022-02-30' is geen datum"),
    ("WO-9;2022-03-01;;villa;BU00140000", "woningtype", "toegestaan: 'koop', 'corporatie'"),
    ("WO-9;2022-03-01;;;BU00140000", "woningtype", "'woningtype' is leeg"),
    (";2022-03-01;;koop;BU00140000", "zaaknummer", "'zaaknummer' is leeg"),
    ("WO-9;;;koop;BU00140000", "geopend", "'geopend' is leeg"),
    ("WO-9;2022-03-01;;koop;", "buurt", "'buurt' is leeg"),
    ("WO-1;2022-03-01;;koop;BU00140000", "zaaknummer", "staat twee keer in het bestand (ook op regel 2)"),
]  # fmt: skip


@pytest.fixture
def earlier(tmp_path) -> WoonoverlastCase:
    """A case stored before the bad file, which the bad file tries to change."""
    woonoverlast(write(tmp_path, "eerder.csv", f"{HEADER}\nWO-1;2022-01-01;;koop;BU00140000\n"))
    return WoonoverlastCase.objects.get()


@pytest.mark.parametrize(("row", "column", "message"), BAD_WOONOVERLAST)
def test_a_bad_woonoverlast_row_is_reported_and_nothing_changes(
    tmp_path, earlier, row, column, message
) -> None:
    text = f"{HEADER}\nWO-1;2022-01-01;2022-12-31;corporatie;BU00140001\n{row}\n"
    problem = only(refused(write(tmp_path, "fout.csv", text), gemeente="GM0014"), 3, column)
    assert message in problem.message
    assert str(problem).startswith(f"fout.csv, regel 3, veld '{column}': ")
    again = WoonoverlastCase.objects.get(pk=earlier.pk)  # the first row's change was not stored
    assert (again.closed, again.woningtype, again.buurt_code) == (None, "koop", "BU00140000")


def test_a_missing_required_column_names_it(tmp_path) -> None:
    text = "zaaknummer;geopend;gesloten;buurt\nWO-1;2022-03-01;;BU00140000\n"
    problem = only(refused(write(tmp_path, "kolom.csv", text)), 1, "woningtype")
    assert "de verplichte kolom 'woningtype' ontbreekt" in problem.message


def test_all_problems_of_a_file_are_reported_at_once(tmp_path) -> None:
    text = (
        f"{HEADER}\n"
        "WO-1;2022-03-01;;villa;BU00140000\n"
        "WO-2;2022-03-01;2021-01-01;koop;BU00140000\n"
        "WO-3;2022-03-01;;koop;BU00149999\n"
    )
    problems = refused(write(tmp_path, "veel.csv", text))
    assert [(p.line, p.field) for p in problems] == [
        (2, "woningtype"),
        (3, "gesloten"),
        (4, "buurt"),
    ]


def test_without_gemeente_the_buurten_must_agree(tmp_path) -> None:
    text = f"{GOOD}WO-3;2022-03-01;;koop;BU0363AB01\n"
    problem = only(refused(write(tmp_path, "twee.csv", text)), 4, "buurt")
    assert "ligt in gemeente GM0363, niet in GM0014" in problem.message


def test_bad_values_of_the_other_registers(tmp_path) -> None:
    cases = [
        ("ondermijning", "bron", "SO-1;2023-02-01;;buurman;drugs;BU00140000;RIEC"),
        ("ondermijning", "fenomeen", "SO-1;2023-02-01;;inwoner;diefstal;BU00140000;RIEC"),
        ("ondermijning", "vervolg", "SO-1;2023-02-01;;inwoner;drugs;BU00140000;OM"),
        ("maatregelen", "soort", "BM-1;huisarrest;2023-03-01;10;;geen;BU00140000"),
        ("maatregelen", "bezwaar", "BM-1;gebiedsverbod;2023-03-01;90;;misschien;BU00140000"),
        ("maatregelen", "duur_dagen", "BM-1;tijdelijk huisverbod;2023-03-01;29;;geen;BU00140000"),
        ("maatregelen", "duur_dagen", "BM-1;gebiedsverbod;2023-03-01;drie;;geen;BU00140000"),
        ("pga", "opschaling", "P-1;2023-01-01;;convenant;naar boven;"),
        ("pga", "grondslag", "P-1;2023-01-01;;;lokaal;"),
    ]
    headers = {
        "ondermijning": "zaaknummer;ontvangen;gesloten;bron;fenomeen;buurt;vervolg",
        "maatregelen": "zaaknummer;soort;besluitdatum;duur_dagen;gesloten;bezwaar;buurt",
        "pga": "zaaknummer;geopend;gesloten;grondslag;opschaling;buurt",
    }
    for register, column, row in cases:
        path = write(tmp_path, f"{register}.csv", f"{headers[register]}\n{row}\n")
        problem = only(refused(path, register, gemeente="GM0014"), 2, column)
        if column in ("bron", "fenomeen", "vervolg", "soort", "bezwaar", "opschaling"):
            assert "onbekende waarde" in problem.message and "toegestaan: '" in problem.message
    huisverbod = refused(
        write(tmp_path, "hv.csv", f"{headers['maatregelen']}\n{cases[5][2]}\n"), "maatregelen"
    )
    assert "hoogstens 28 dagen" in huisverbod[0].message


def test_an_unknown_intervention_in_a_list(tmp_path) -> None:
    text = f"{HEADER};interventies\nWO-1;2022-03-01;;koop;BU00140000;gesprek|opsluiten\n"
    problem = only(refused(write(tmp_path, "int.csv", text)), 2, "interventies")
    assert "'opsluiten'" in problem.message and "'mediation'" in problem.message


def test_status_and_closing_date_must_agree(tmp_path) -> None:
    text = f"{HEADER};status\nWO-1;2022-03-01;;koop;BU00140000;afgesloten\n"
    problem = only(refused(write(tmp_path, "st.csv", text)), 2, "status")
    assert "zonder sluitdatum" in problem.message


def test_optional_columns_are_checked_too(tmp_path) -> None:
    header = f"{HEADER};adres;reden_afsluiten;naam;geboortedatum"
    text = (
        f"{header}\n"
        f"WO-1;2022-03-01;;koop;BU00140000;{'x' * 201};;;\n"
        "WO-2;2022-03-01;;koop;BU00140000;;verhuisd;;\n"
        "WO-3;2022-03-01;;koop;BU00140000;;;;1980-02-30\n"
        "WO-4;2022-03-01;;koop;BU00140000;;;;1980-02-03\n"
    )
    problems = refused(write(tmp_path, "opt.csv", text))
    assert [(p.line, p.field) for p in problems] == [
        (2, "adres"),
        (3, "reden_afsluiten"),
        (4, "geboortedatum"),
        (5, "naam"),
    ]
    assert "hoogstens 200" in problems[0].message
    assert "niet gesloten" in problems[1].message
    assert "zonder naam" in problems[3].message


def test_two_columns_for_one_field_must_be_chosen_with_kolom(tmp_path) -> None:
    text = f"zaak;{HEADER}\nA;WO-1;2022-03-01;;koop;BU00140000\n"
    path = write(tmp_path, "twee.csv", text)
    problem = only(refused(path), 1, "zaaknummer")
    assert "meer dan één kolom voor het veld 'zaaknummer': 'zaak', 'zaaknummer'" in problem.message
    woonoverlast(path, columns={"zaaknummer": "zaaknummer"})
    assert Case.objects.get().number == "WO-1"


def test_a_file_with_only_a_header(tmp_path) -> None:
    problems = refused(write(tmp_path, "leeg.csv", f"{HEADER}\n"))
    assert "geen casussen" in problems[0].message


# --- XLSX -----------------------------------------------------------------------------------------


def xlsx(tmp_path: Path, name: str, rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_an_xlsx_with_excel_dates_and_iso_text(tmp_path) -> None:
    path = xlsx(
        tmp_path,
        "register.xlsx",
        [
            ["Zaaknummer", "Geopend", "Gesloten", "Woningtype", "Buurt"],
            [1001, dt.datetime(2022, 3, 1), None, "koop", "BU00140000"],
            ["WO-2", "2022-04-01", dt.date(2022, 5, 1), "corporatie", "BU00140101"],
        ],
    )
    run = woonoverlast(path)
    assert run.format == "register-woonoverlast-xlsx"
    assert sorted(Case.objects.values_list("number", "opened", "closed")) == [
        ("1001", dt.date(2022, 3, 1), None),
        ("WO-2", dt.date(2022, 4, 1), dt.date(2022, 5, 1)),
    ]


def test_an_xlsx_is_recognised_by_its_content_not_its_name(tmp_path) -> None:
    path = xlsx(
        tmp_path, "x.xlsx", [HEADER.split(";"), ["WO-1", "2022-03-01", None, "koop", "BU00140000"]]
    )
    disguised = tmp_path / "register.csv"
    disguised.write_bytes(path.read_bytes())
    assert woonoverlast(disguised).format == "register-woonoverlast-xlsx"


def test_xlsx_problems_name_the_sheet_row(tmp_path) -> None:
    path = xlsx(
        tmp_path,
        "fout.xlsx",
        [
            HEADER.split(";"),
            ["WO-1", "2022-03-01", None, "koop", "BU00140000"],
            [],
            ["WO-2", 44621, None, "koop", "BU00140000"],  # a date formatted as a number
        ],
    )
    problem = only(refused(path), 4, "geopend")
    assert "is een getal, geen datum" in problem.message
    assert str(problem).startswith("fout.xlsx, regel 4, veld 'geopend'")


def test_files_that_are_no_workbook_are_refused(tmp_path) -> None:
    old = tmp_path / "oud.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert ".xls" in refused(old)[0].message
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("iets.txt", "geen werkmap")
    other = tmp_path / "map.xlsx"
    other.write_bytes(archive.getvalue())
    assert "geen Excel-werkmap" in refused(other)[0].message
    broken = tmp_path / "stuk.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"x" * 50)
    assert "beschadigd" in refused(broken)[0].message


def test_an_xlsx_that_unpacks_too_large_is_refused_before_reading(tmp_path, monkeypatch) -> None:
    from openveiligheid.cases import importing

    monkeypatch.setattr(importing, "MAX_XLSX_UNPACKED", 1000)
    path = xlsx(tmp_path, "groot.xlsx", [HEADER.split(";")] + [["WO", "2022-03-01"]] * 50)
    assert "uitgepakt groter" in refused(path)[0].message


# --- column mapping and the command ---------------------------------------------------------------


def test_columns_are_mapped_with_kolom(tmp_path) -> None:
    text = "Nr;Start;Einde;Soort woning;Buurtcode\nC-7;2022-03-01;;koop;BU00140000\n"
    path = write(tmp_path, "eigen.csv", text)
    problems = refused(path)
    assert {p.field for p in problems} == {"zaaknummer", "geopend", "gesloten", "woningtype"}
    assert all(p.line == 1 and "--kolom" in p.message for p in problems)
    columns = parse_column_options(
        ["zaaknummer=NR", "geopend=start", "woningtype=Soort woning", "gesloten=Einde"]
    )
    woonoverlast(path, columns=columns)
    assert Case.objects.get().number == "C-7"


def test_kolom_options_are_checked() -> None:
    assert parse_column_options(["Zaaknummer = Casus nr"]) == {"zaaknummer": "Casus nr"}
    for bad in (["zaaknummer"], ["=Casusnr"], ["zaaknummer="], ["kleur=Rood"]):
        with pytest.raises(CommandError):
            parse_column_options(bad)
    with pytest.raises(CommandError, match="twee keer"):
        parse_column_options(["zaaknummer=a", "zaaknummer=b"])


def test_a_kolom_for_a_missing_column_or_another_register(tmp_path) -> None:
    path = write(tmp_path, "g.csv", GOOD)
    problem = only(refused(path, columns={"zaaknummer": "Kenmerk"}), 1, "Kenmerk")
    assert "staat niet in het bestand" in problem.message
    problem = only(refused(path, columns={"bron": "buurt"}), 1, None)
    assert "kent geen veld 'bron'" in problem.message


def test_no_header_name_means_two_fields_of_one_register() -> None:
    for register in FORMATS:
        headers = [h for spec in fields_of(register) for h in spec.headers]
        assert len(headers) == len(set(headers)), register


def test_the_command_imports_and_fails_with_a_dutch_report(tmp_path) -> None:
    out = io.StringIO()
    path = write(tmp_path, "eigen.csv", GOOD.replace("zaaknummer", "Kenmerk"))
    call_command(
        "registers", "import", str(path), "--register", "woonoverlast",
        "--gemeente", "GM0014", "--kolom", "zaaknummer=Kenmerk", stdout=out,
    )  # fmt: skip
    assert "2 casussen gelezen (register woonoverlast, GM0014): 2 nieuw" in out.getvalue()
    bad = write(tmp_path, "fout.csv", f"{HEADER}\nWO-9;2022-03-01;;villa;BU00140000\n")
    with pytest.raises(CommandError) as caught:
        call_command("registers", "import", str(bad), "--register", "woonoverlast")
    assert "Niets ingelezen" in str(caught.value)
    assert "fout.csv, regel 2, veld 'woningtype'" in str(caught.value)
    with pytest.raises(CommandError, match="VELD=KOLOM"):
        call_command("registers", "import", str(bad), "--register", "woonoverlast", "--kolom", "x")
    assert Case.objects.count() == 2


def test_a_user_needs_the_register_role(tmp_path, casusregisseur, jurist) -> None:
    problem = only(refused(write(tmp_path, "a.csv", GOOD), user=jurist), None, None)
    assert "niet bijwerken" in problem.message
    run = woonoverlast(write(tmp_path, "b.csv", GOOD), user=casusregisseur)
    assert run.status == ImportRun.SUCCEEDED and run.user == casusregisseur
    event = AuditEvent.objects.get(action=AuditEvent.REGISTER_IMPORTED)
    assert event.user_name == "regisseur"
