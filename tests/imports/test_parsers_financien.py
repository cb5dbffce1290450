"""Money per goal and credits: the Zwolle files, Dutch amounts, and every kind of bad input."""

from __future__ import annotations

import pytest

from openveiligheid.core.errors import InputError
from openveiligheid.imports.parsers.financien import read_financien
from openveiligheid.imports.parsers.goalcsv import parse_amount
from openveiligheid.imports.parsers.kredieten import read_kredieten
from tests.conftest import DATA, write

GOALS = {"7-2-1": "7-2-1"}
HEADER = "doel;onderdeel;stap;bedrag\n"


def problems_of(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_the_zwolle_money_file_is_read_as_printed():
    rows = read_financien(DATA / "reports" / "zwolle_financien_2022.csv", goals=GOALS)
    amounts = {(r.step, r.part): r.amount for r in rows}
    assert len(rows) == 16
    assert amounts[("begroting", "lasten")] == 1_616_141
    assert amounts[("begrotingswijzigingen", "onttrekking")] == 138_825
    assert amounts[("jaarrekening", "baten")] == 141_234
    assert all(type(r.amount) is int for r in rows)
    assert rows[0].line == 2 and rows[-1].line == 17


def test_the_zwolle_credit_file():
    (credit,) = read_kredieten(DATA / "reports" / "zwolle_kredieten_2022.csv", goals=GOALS)
    assert (credit.goal, credit.project) == ("7-2-1", "Infra camera's binnenstad")
    assert (credit.omvang, credit.gerealiseerd_tm_vorig_jaar, credit.besteding) == (
        316_906,
        51_698,
        63_807,
    )


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.962.937", 1_962_937),
        ("-138.825", -138_825),
        ("\u2212138.825", -138_825),
        ("€ 1.962.937", 1_962_937),
        ("-€ 5", -5),
        ("1962937", 1_962_937),
        ("1.962", 1_962),
        ("0", 0),
        (" 26\u00a0012 ", 26_012),
    ],
)
def test_dutch_amounts(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1.962,50",
            "'1.962,50' heeft decimalen; bedragen zijn hele euro's (bijvoorbeeld 1.962.937)",
        ),
        ("1962.5", "'1962.5' heeft decimalen"),
        ("12,0", "'12,0' heeft decimalen"),
        (
            "ongeveer 5",
            "'ongeveer 5' is geen bedrag (hele euro's, bijvoorbeeld 1.962.937 of -138.825)",
        ),
        ("1.2.3", "is geen bedrag"),
        ("", "het bedrag ontbreekt"),
        ("1.000.000.000.000", "is te groot voor een bedrag"),
    ],
)
def test_what_is_no_amount(text, message):
    with pytest.raises(ValueError) as excinfo:
        parse_amount(text)
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "7-2-9;lasten;begroting;5\n",
            "geld.csv, regel 2, veld 'doel': onbekend doel '7-2-9': het plan heeft geen doel met dit id of deze code (doelen in het plan: 7-2-1)",
        ),
        (";lasten;begroting;5\n", "geld.csv, regel 2, veld 'doel': het doel ontbreekt"),
        (
            "7-2-1;lasten;begroting;veel\n",
            "geld.csv, regel 2, veld 'bedrag': 'veel' is geen bedrag (hele euro's, bijvoorbeeld 1.962.937 of -138.825)",
        ),
        (
            "7-2-1;lasten;begroting;1.616.141,25\n",
            "geld.csv, regel 2, veld 'bedrag': '1.616.141,25' heeft decimalen; bedragen zijn hele euro's (bijvoorbeeld 1.962.937)",
        ),
        (
            "7-2-1;kosten;begroting;5\n",
            "geld.csv, regel 2, veld 'onderdeel': onbekende onderdeel 'kosten' (kies uit lasten, baten, toevoeging, onttrekking)",
        ),
        (
            "7-2-1;lasten;realisatie;5\n",
            "geld.csv, regel 2, veld 'stap': onbekende stap 'realisatie' (kies uit begroting, mutaties_projecten, begrotingswijzigingen, jaarrekening)",
        ),
        (
            "7-2-1;lasten;begroting;5\n7-2-1;Lasten;begroting;6\n",
            "geld.csv, regel 3, veld 'stap': dubbele regel: lasten bij stap begroting van doel 7-2-1 staat ook op regel 2",
        ),
        ("7-2-1;lasten;begroting\n", "geld.csv, regel 2: 3 kolommen gevonden, de kop heeft er 4"),
        ("", "geld.csv, regel 2: het bestand bevat geen regels (alleen een kop)"),
    ],
)
def test_bad_money_lines_are_refused_with_file_line_and_field(tmp_path, body, expected):
    path = write(tmp_path, "geld.csv", HEADER + body)
    with pytest.raises(InputError) as excinfo:
        read_financien(path, goals=GOALS)
    assert any(p.startswith(expected) for p in problems_of(excinfo)), problems_of(excinfo)


def test_every_problem_of_the_file_is_reported_and_nothing_is_returned(tmp_path):
    path = write(
        tmp_path,
        "geld.csv",
        HEADER + "7-2-1;lasten;begroting;5\n7-2-9;lasten;begroting;5\n7-2-1;baten;x;1,5\n",
    )
    with pytest.raises(InputError) as excinfo:
        read_financien(path, goals=GOALS)
    assert [(p.line, p.field) for p in excinfo.value.problems] == [
        (3, "doel"),
        (4, "stap"),
        (4, "bedrag"),
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "doel;onderdeel;stap\n",
            "geld.csv, regel 1, veld 'bedrag': de kolom 'bedrag' ontbreekt (verwacht: doel;onderdeel;stap;bedrag)",
        ),
        (
            "doel;onderdeel;stap;bedrag;jaar\n",
            "geld.csv, regel 1, veld 'jaar': onbekende kolom 'jaar' (verwacht: doel;onderdeel;stap;bedrag)",
        ),
    ],
)
def test_missing_and_unknown_columns(tmp_path, header, expected):
    path = write(
        tmp_path,
        "geld.csv",
        header + "7-2-1;lasten;begroting;5" + (";1" * header.count("jaar")) + "\n",
    )
    with pytest.raises(InputError) as excinfo:
        read_financien(path, goals=GOALS)
    assert problems_of(excinfo) == [expected]


def test_columns_in_another_order_and_case_and_a_comma_separated_file(tmp_path):
    path = write(
        tmp_path, "geld.csv", "Bedrag,Stap,Onderdeel,Doel\n1962937,jaarrekening,lasten,7-2-1\n"
    )
    (row,) = read_financien(path, goals=GOALS)
    assert (row.goal, row.part, row.step, row.amount) == (
        "7-2-1",
        "lasten",
        "jaarrekening",
        1_962_937,
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "7-2-1;Camera's;316.906;51.698;63.807\n7-2-1;camera's;1;1;1\n",
            "kred.csv, regel 3, veld 'project': dubbele regel: project 'camera's' van doel 7-2-1 staat ook op regel 2",
        ),
        ("7-2-1;;1;1;1\n", "kred.csv, regel 2, veld 'project': het project ontbreekt"),
        (
            "7-2-1;Camera's;316.906;51.698;63.807,50\n",
            "kred.csv, regel 2, veld 'besteding': '63.807,50' heeft decimalen",
        ),
        (
            "7-2-1;Camera's;drie ton;51.698;63.807\n",
            "kred.csv, regel 2, veld 'omvang': 'drie ton' is geen bedrag",
        ),
        ("8-1-1;Camera's;1;1;1\n", "kred.csv, regel 2, veld 'doel': onbekend doel '8-1-1'"),
    ],
)
def test_bad_credit_lines(tmp_path, body, expected):
    header = "doel;project;omvang;gerealiseerd_tm_vorig_jaar;besteding\n"
    path = write(tmp_path, "kred.csv", header + body)
    with pytest.raises(InputError) as excinfo:
        read_kredieten(path, goals=GOALS)
    assert any(p.startswith(expected) for p in problems_of(excinfo)), problems_of(excinfo)


def test_a_credit_file_without_a_column(tmp_path):
    path = write(tmp_path, "kred.csv", "doel;project;omvang;besteding\n7-2-1;A;1;1\n")
    with pytest.raises(InputError) as excinfo:
        read_kredieten(path, goals=GOALS)
    assert problems_of(excinfo) == [
        "kred.csv, regel 1, veld 'gerealiseerd_tm_vorig_jaar': de kolom 'gerealiseerd_tm_vorig_jaar' ontbreekt (verwacht: doel;project;omvang;gerealiseerd_tm_vorig_jaar;besteding)"
    ]
