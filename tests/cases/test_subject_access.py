"""The right of access (AVG art. 15): the export holds the person, every case in every register
with its history, journal, links and retention date, and who looked at it and why; an unknown
person is a Dutch error; making the export is itself audited."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import record
from openveiligheid.cases import services
from openveiligheid.cases.crypto import encrypt_bsn, new_key
from openveiligheid.cases.models import Case, CasePerson, Person
from openveiligheid.cases.registers import AFGESLOTEN
from openveiligheid.cases.subject_access import export_person, render_export
from openveiligheid.imports.models import ImportRun
from tests.conftest import with_role

pytestmark = pytest.mark.django_db

BSN = "111222333"  # passes the elfproef; invented


@pytest.fixture
def officer(django_user_model):
    """Entitled to woonoverlast and bestuurlijke maatregelen of Groningen."""
    user = with_role(django_user_model, "regisseur", "casusregisseur woonoverlast")
    user.groups.add(Group.objects.get(name="jurist bestuurlijke maatregelen"))
    return user


@pytest.fixture
def history(officer, settings):
    """A person in two registers, with a journal, a closed case, a link, a look with a purpose
    and a fellow resident in the same case."""
    settings.BSN_KEY = new_key()
    case = services.open_case(
        officer,
        "woonoverlast",
        "GM0014",
        number="WO-7",
        opened=dt.date(2022, 3, 1),
        woningtype="corporatie",
        address="Fictieve Straat 7",
        wijk_code="WK001401",
    )
    measure = services.open_case(
        officer,
        "maatregelen",
        "GM0014",
        number="BM-3",
        opened=dt.date(2022, 5, 2),
        decided=dt.date(2022, 5, 2),
        measure_type="last onder dwangsom",
        subject="Fictieve Straat 7",
    )
    person = services.add_person(
        officer, case, "Fictieve Bewoner", birth_date=dt.date(1980, 4, 1), bsn=BSN
    )
    services.add_person(officer, case, "Fictieve Buurvrouw", role="melder")
    services.link_cases(officer, case, measure)
    CasePerson.objects.create(case=measure, person=person, role="overtreder")
    services.add_journal(officer, case, "Huisbezoek afgelegd", kind="interventie")
    services.set_status(officer, case, AFGESLOTEN, date=dt.date(2023, 1, 31), outcome="opgelost")
    services.view_case(officer, case.pk, "voorbereiding casusoverleg")
    services.view_person(officer, person.pk, "casusbehandeling")
    return {"person": person, "case": case, "measure": measure}


def test_the_export_holds_the_person_every_case_and_who_looked(history, officer) -> None:
    person = history["person"]

    export = export_person(person.pk)

    assert export["persoon"]["naam"] == "Fictieve Bewoner"
    assert export["persoon"]["geboortedatum"] == "1980-04-01"
    assert export["persoon"]["bsn"] == BSN
    cases = {case["zaaknummer"]: case for case in export["casussen"]}
    assert set(cases) == {"WO-7", "BM-3"}  # both registers
    woon, measure = cases["WO-7"], cases["BM-3"]
    assert (woon["register"], woon["rol_van_persoon"], woon["wijk"]) == (
        "woonoverlast",
        "betrokkene",
        "WK001401",
    )
    assert woon["gegevens"]["adres"] == "Fictieve Straat 7"
    assert woon["gegevens"]["woningtype"] == "corporatie"
    assert measure["gegevens"]["soort maatregel"] == "last onder dwangsom"
    assert measure["rol_van_persoon"] == "overtreder"
    assert [(s["status"], s["datum"]) for s in woon["statusgeschiedenis"]] == [
        ("open", "2022-03-01"),
        ("afgesloten", "2023-01-31"),
    ]
    assert [(j["wat"], j["door"]) for j in woon["journaal"]] == [
        ("Huisbezoek afgelegd", "regisseur")
    ]
    assert woon["gekoppelde_casussen"] == [
        {"register": "maatregelen", "zaaknummer": "BM-3", "gemeente": "GM0014"}
    ]
    assert measure["gekoppelde_casussen"][0]["zaaknummer"] == "WO-7"  # the other direction
    assert woon["bewaartermijn"]["bewaard_tot"] == "2028-01-31"  # closed + 5 years
    assert measure["bewaartermijn"]["bewaard_tot"] is None  # open
    assert "Wet tijdelijk huisverbod" in measure["grondslag"]
    assert woon["andere_betrokkenen"] == 1
    rows = export["auditregels"]
    looks = [(r["actie"], r["doel"]) for r in rows if r["wie"] == "regisseur"]
    assert ("casus bekeken", "voorbereiding casusoverleg") in looks
    assert ("persoon bekeken", "casusbehandeling") in looks
    assert ("casus gewijzigd", "casusbehandeling") in looks
    assert {r["object"] for r in rows} >= {
        f"persoon {person.pk}",
        "casus woonoverlast WO-7 (GM0014)",
    }
    assert export["ontvangers"] == ["regisseur"]


def test_the_rendered_export_is_utf8_json_without_other_persons(history) -> None:
    text = render_export(export_person(history["person"].pk))

    assert json.loads(text)["persoon"]["naam"] == "Fictieve Bewoner"
    assert "Fictieve Buurvrouw" not in text  # art. 15 lid 4: not someone else's data
    assert "art. 15 AVG" in text and "\n  " in text  # indented


def test_the_bsn_without_a_key_is_a_note(officer, settings) -> None:
    settings.BSN_KEY = ""
    plain = Person.objects.create(gemeente_code="GM0014", name="Zonder BSN")
    export = export_person(plain.pk)
    assert export["persoon"]["bsn"] is None
    assert "OV_BSN_SLEUTEL" in export["persoon"]["bsn_toelichting"]

    settings.BSN_KEY = new_key()
    stored = Person.objects.create(
        gemeente_code="GM0014", name="Met BSN", bsn_encrypted=encrypt_bsn(BSN)
    )
    settings.BSN_KEY = ""  # the key was removed from the installation
    export = export_person(stored.pk)
    assert export["persoon"]["bsn"] is None
    assert "versleuteld vastgelegd" in export["persoon"]["bsn_toelichting"]


def test_an_unknown_person_is_a_dutch_error_and_nothing_is_recorded() -> None:
    with pytest.raises(LookupError, match="Er is geen persoon met nummer 999999"):
        export_person(999999)
    with pytest.raises(CommandError, match="geen persoon met nummer 999999"):
        call_command("registers", "inzage", "--persoon", "999999")
    assert not AuditEvent.objects.filter(action=AuditEvent.SUBJECT_ACCESS).exists()


def test_making_the_export_is_audited_with_its_purpose(history, fg) -> None:
    person = history["person"]

    export_person(person.pk, user=fg, purpose="controle door de functionaris gegevensbescherming")

    event = AuditEvent.objects.get(action=AuditEvent.SUBJECT_ACCESS)
    assert (event.object, event.user_name) == (f"persoon {person.pk}", "fg")
    assert event.purpose == "controle door de functionaris gegevensbescherming"
    assert sorted(event.detail["casussen"]) == [
        "casus maatregelen BM-3 (GM0014)",
        "casus woonoverlast WO-7 (GM0014)",
    ]
    # a later export lists the earlier one among the records about this person
    again = export_person(person.pk)
    assert "inzageverzoek" in [row["actie"] for row in again["auditregels"]]


def test_the_command_writes_the_export_to_a_file(history, tmp_path) -> None:
    target = tmp_path / "inzage.json"
    out = StringIO()

    call_command(
        "registers", "inzage", "--persoon", str(history["person"].pk), "--uitvoer", str(target),
        stdout=out,
    )  # fmt: skip

    assert f"geschreven naar {target}" in out.getvalue()
    export = json.loads(target.read_text(encoding="utf-8"))
    assert export["persoon"]["naam"] == "Fictieve Bewoner"
    assert export["inzage"]["doel"] == "inzageverzoek (AVG art. 15)"
    assert export["inzage"]["door"].startswith("cli:")
    event = AuditEvent.objects.filter(action=AuditEvent.SUBJECT_ACCESS).get()
    assert event.purpose == "inzageverzoek (AVG art. 15)"


def test_a_purpose_outside_the_list_is_refused(history) -> None:
    with pytest.raises(ValidationError):
        export_person(history["person"].pk, purpose="nieuwsgierigheid")
    assert not AuditEvent.objects.filter(action=AuditEvent.SUBJECT_ACCESS).exists()


def test_the_import_a_case_came_from_is_its_source(history) -> None:
    """Cases read from a spreadsheet name the file, and the import's audit record says who
    delivered the data (art. 15 lid 1 sub g); another import's record is not included."""
    mine = ImportRun.objects.create(
        kind="registers", file_name="woonoverlast-2022.csv", sha256="a" * 64, user_name="cli:beheer"
    )
    other = ImportRun.objects.create(
        kind="registers", file_name="anders.csv", sha256="b" * 64, user_name="cli:beheer"
    )
    Case.objects.filter(pk=history["case"].pk).update(import_run=mine)
    for run in (mine, other):
        record(
            AuditEvent.REGISTER_IMPORTED,
            "register woonoverlast (GM0014)",
            purpose="gegevens bijwerken",
            bestand=run.file_name,
            import_run=run.pk,
        )

    export = export_person(history["person"].pk)

    woon = next(case for case in export["casussen"] if case["zaaknummer"] == "WO-7")
    assert woon["bron"].startswith("ingelezen uit woonoverlast-2022.csv op ")
    imports = [r for r in export["auditregels"] if r["actie"] == "register ingelezen"]
    assert [r["details"]["bestand"] for r in imports] == ["woonoverlast-2022.csv"]
