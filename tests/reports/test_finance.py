"""The financial overview against the Zwolle annual report 2022, goal 7.2.1, every number."""

from __future__ import annotations

from openveiligheid.imports.parsers.financien import read_financien
from openveiligheid.imports.parsers.kredieten import read_kredieten
from openveiligheid.policy.finance import Amounts, Credit, overview, result
from tests.conftest import DATA

GOALS = {"7-2-1": "7-2-1"}


def zwolle():
    rows = read_financien(DATA / "reports" / "zwolle_financien_2022.csv", goals=GOALS)
    return overview({(r.step, r.part): r.amount for r in rows})


def test_every_number_of_the_zwolle_table():
    """The table "Financieel overzicht doel" of 7.2.1: lasten, baten, toevoeging, onttrekking."""
    table = zwolle()
    assert table.begroting == Amounts(1_616_141, 26_012, 0, 9_547)
    assert table.mutaties_projecten == Amounts(0, 0, 0, 0)
    assert table.begrotingswijzigingen == Amounts(416_239, 0, 0, 138_825)
    assert table.begroting_tm_december == Amounts(2_032_380, 26_012, 0, 148_372)
    assert table.jaarrekening == Amounts(1_962_937, 141_234, 0, 9_547)
    assert table.resultaat == Amounts(69_443, 115_222, 0, -138_825)
    assert table.saldo == 45_840


def test_the_json_form_holds_integers_only():
    data = zwolle().as_dict()
    assert list(data) == [
        "begroting",
        "mutaties_projecten",
        "begrotingswijzigingen",
        "begroting_tm_december",
        "jaarrekening",
        "resultaat",
        "saldo",
    ]
    assert data["resultaat"] == {
        "lasten": 69_443,
        "baten": 115_222,
        "toevoeging": 0,
        "onttrekking": -138_825,
    }
    assert data["saldo"] == 45_840
    numbers = [v for row in data.values() if isinstance(row, dict) for v in row.values()]
    assert len(numbers) == 24 and all(type(n) is int for n in numbers + [data["saldo"]])


def test_voordelig_and_nadelig_per_part():
    """Spending less (lasten) and adding less to reserves is voordelig; receiving more (baten)
    and drawing more from reserves is voordelig."""
    budget = Amounts(lasten=100, baten=100, toevoeging=100, onttrekking=100)
    actual = Amounts(lasten=90, baten=90, toevoeging=110, onttrekking=110)
    assert result(budget, actual) == Amounts(lasten=10, baten=-10, toevoeging=-10, onttrekking=10)


def test_missing_lines_count_as_zero():
    table = overview({("jaarrekening", "lasten"): 500})
    assert table.begroting_tm_december == Amounts()
    assert table.resultaat == Amounts(lasten=-500)
    assert table.saldo == -500


def test_the_zwolle_credit():
    (row,) = read_kredieten(DATA / "reports" / "zwolle_kredieten_2022.csv", goals=GOALS)
    credit = Credit(row.project, row.omvang, row.gerealiseerd_tm_vorig_jaar, row.besteding)
    assert credit.restant == 201_401
    assert credit.as_dict() == {
        "project": "Infra camera's binnenstad",
        "omvang": 316_906,
        "gerealiseerd_tm_vorig_jaar": 51_698,
        "besteding": 63_807,
        "restant": 201_401,
    }
