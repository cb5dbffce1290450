"""Activities with their I/P/F/R statuses: the Gelderland table, warnings, and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openveiligheid.core.errors import InputError
from openveiligheid.imports.parsers.activiteiten import read_activiteiten
from openveiligheid.imports.parsers.financien import read_financien
from openveiligheid.imports.parsers.kredieten import read_kredieten
from tests.conftest import DATA, write

GOALS = {"1-veiligheid": "1-veiligheid"}
HEADER = "doel;code;activiteit;inhoud;planning;financien;risico;toelichting\n"


def test_the_gelderland_activities_and_their_statuses():
    parsed = read_activiteiten(DATA / "reports" / "activiteiten_gelderland_2022.csv", goals=GOALS)
    statuses = {
        r.activiteit[:30]: (r.inhoud, r.planning, r.financien, r.risico) for r in parsed.rows
    }
    assert [r.code for r in parsed.rows] == ["1E-1", "1E-2", "1E-3", "1E-4", "1E-5", "1E-6"]
    assert statuses == {
        "Verbeteren van cyber-secure ge": ("oranje", "oranje", "groen", "groen"),
        "Verbeteren perspectieven voor ": ("groen", "groen", "groen", "groen"),
        "Haalbaarheid pilot wijkrechter": ("groen", "oranje", "groen", "oranje"),
        "Uitvoering geven aan de bestuu": ("oranje", "rood", "oranje", "oranje"),
        "Opstellen beleid aanpak mensen": ("groen", "groen", "groen", "groen"),
        "Ondermijning in beeld: verbete": ("groen", "groen", "groen", "groen"),
    }
    huiselijk_geweld = parsed.rows[3]
    assert "wijkt de planning af in negatieve zin" in huiselijk_geweld.toelichting
    assert parsed.warnings == []  # every oranje or rood status is explained


def test_the_reference_documents_shared_product_code_is_a_duplicate(tmp_path):
    """Gelderland prints product code 1E for all six activities; the format keys an activity by
    doel + code, so the second 1E is refused (the fixture numbers them 1E-1 … 1E-6)."""
    body = "1-veiligheid;1E;Cyber;groen;;;;\n1-veiligheid;1E;Wijkrechter;groen;;;;\n"
    with pytest.raises(InputError) as excinfo:
        read_activiteiten(write(tmp_path, "act.csv", HEADER + body), goals=GOALS)
    assert [str(p) for p in excinfo.value.problems] == [
        "act.csv, regel 3, veld 'code': dubbele regel: activiteit 1E van doel 1-veiligheid staat ook op regel 2"
    ]


def test_oranje_or_rood_without_toelichting_is_a_warning_not_an_error(tmp_path):
    body = "1-veiligheid;1.7;Cameratoezicht;Groen;ORANJE;;rood;\n1-veiligheid;1.8;Buurtpreventie;;;;;\n"
    parsed = read_activiteiten(write(tmp_path, "act.csv", HEADER + body), goals=GOALS)
    assert [(r.code, r.inhoud, r.planning, r.financien, r.risico) for r in parsed.rows] == [
        ("1.7", "groen", "oranje", "", "rood"),
        ("1.8", "", "", "", ""),
    ]
    assert [str(w) for w in parsed.warnings] == [
        "act.csv, regel 2, veld 'planning': status oranje zonder toelichting; leg uit waarom",
        "act.csv, regel 2, veld 'risico': status rood zonder toelichting; leg uit waarom",
    ]


def test_a_toelichting_over_several_lines(tmp_path):
    body = '1-veiligheid;1.7;Cameratoezicht;oranje;;;;"Eerste regel.\nTweede regel."\n1-veiligheid;1.8;B;;;;;\n'
    parsed = read_activiteiten(write(tmp_path, "act.csv", HEADER + body), goals=GOALS)
    assert parsed.rows[0].toelichting == "Eerste regel.\nTweede regel."
    assert parsed.rows[1].line == 4


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "1-veiligheid;1.7;Camera's;geel;;;;x\n",
            "act.csv, regel 2, veld 'inhoud': onbekende status 'geel' (kies groen, oranje, rood of laat leeg)",
        ),
        (
            "2-zorg;1.7;Camera's;;;;;\n",
            "act.csv, regel 2, veld 'doel': onbekend doel '2-zorg': het plan heeft geen doel met dit id of deze code (doelen in het plan: 1-veiligheid)",
        ),
        ("1-veiligheid;;Camera's;;;;;\n", "act.csv, regel 2, veld 'code': de code ontbreekt"),
        (
            "1-veiligheid;1.7;;;;;;\n",
            "act.csv, regel 2, veld 'activiteit': de naam van de activiteit ontbreekt",
        ),
        (
            "1-veiligheid;1.7;Camera's;;;groen\n",
            "act.csv, regel 2: 6 kolommen gevonden, de kop heeft er 8",
        ),
    ],
)
def test_bad_activity_lines(tmp_path, body, expected):
    with pytest.raises(InputError) as excinfo:
        read_activiteiten(write(tmp_path, "act.csv", HEADER + body), goals=GOALS)
    assert any(str(p).startswith(expected) for p in excinfo.value.problems), [
        str(p) for p in excinfo.value.problems
    ]


def test_missing_status_column(tmp_path):
    header = "doel;code;activiteit;inhoud;planning;financien;toelichting\n"
    path = write(tmp_path, "act.csv", header + "1-veiligheid;1;A;;;;\n")
    with pytest.raises(InputError) as excinfo:
        read_activiteiten(path, goals=GOALS)
    assert [(p.line, p.field) for p in excinfo.value.problems] == [(1, "risico")]


FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None)
CELLS = st.sampled_from(
    ["1-veiligheid", "7-2-1", "groen", "Oranje", "rood", "", "1.962.937", "-5", "1,5", "x", '"']
)


def _file(header: str, cells: list[list[str]]) -> bytes:
    return (header + "".join(";".join(row) + "\n" for row in cells)).encode()


@FUZZ
@given(st.lists(st.lists(CELLS, min_size=1, max_size=9), max_size=6), st.binary(max_size=80))
def test_any_goal_file_gives_rows_or_an_input_error(cells, noise):
    """Money, credit and activity files with random cells (and random bytes) are read or
    refused with an InputError that names the file; nothing else comes out."""
    goals = {"1-veiligheid": "1-veiligheid", "7-2-1": "7-2-1"}
    readers = [
        (read_activiteiten, HEADER),
        (read_financien, "doel;onderdeel;stap;bedrag\n"),
        (read_kredieten, "doel;project;omvang;gerealiseerd_tm_vorig_jaar;besteding\n"),
    ]
    for read, header in readers:
        for data in (_file(header, cells), header.encode() + noise):
            try:
                read("f.csv", data, goals=goals)
            except InputError as exc:
                assert all(problem.file == "f.csv" for problem in exc.problems)
