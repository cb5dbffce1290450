"""The counts of the registers: the yearly report, its definitions at the year's edges, and the
publication as suppressed ``register:*`` figures.

The Zoetermeer files under ``tests/data/registers/`` are built (by
``scripts/make_zoetermeer_registers.py``, which this test runs again and compares) to match the Zoetermeer annual
report 2022 (reference 001): woonoverlast 170 registered, 96 closed, 74 open (42 corporatie,
20 koop, 12 particuliere huur; Buytenwegh-De Leyens, WK063702, the most: 25); tijdelijke
huisverboden 59 in 2022 against 44 in 2021 (+34%). The case numbers, dates and buurten are
invented; there are no person data in them.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
from pathlib import Path

import pytest

from django.core.management import call_command

from openveiligheid.areas.services import import_area_list
from openveiligheid.cases.counts import (
    UNKNOWN_WIJK,
    change_pct,
    publish_counts,
    register_report,
    render_report,
)
from openveiligheid.cases.importing import import_register
from openveiligheid.cases.models import MeasureCase, SignalCase, WoonoverlastCase
from openveiligheid.cases.retention import apply_retention
from openveiligheid.figures.models import Figure, Measure
from openveiligheid.imports.models import ImportRun
from tests.conftest import assert_periods_kept

DATA = Path(__file__).resolve().parents[1] / "data" / "registers"
AREAS = DATA / "zoetermeer_gebieden_2024.csv"
WOONOVERLAST_FILE = DATA / "zoetermeer_woonoverlast_2022.csv"
MEASURES_FILE = DATA / "zoetermeer_maatregelen_2021_2022.csv"
ZOETERMEER = "GM0637"

# --- the Zoetermeer files, built by scripts/make_zoetermeer_registers.py -----------------------


def _script():
    path = Path(__file__).resolve().parents[2] / "scripts" / "make_zoetermeer_registers.py"
    spec = importlib.util.spec_from_file_location("make_zoetermeer_registers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
OPEN_BY_WIJK = SCRIPT.OPEN_BY_WIJK


def test_the_zoetermeer_files_are_the_ones_the_script_builds():
    woonoverlast_rows = SCRIPT.zoetermeer_woonoverlast_rows()
    assert WOONOVERLAST_FILE.read_text(encoding="utf-8") == SCRIPT.as_csv(woonoverlast_rows)
    measure_rows = SCRIPT.zoetermeer_maatregelen_rows()
    assert MEASURES_FILE.read_text(encoding="utf-8") == SCRIPT.as_csv(measure_rows)
    assert {row["buurt"] for row in woonoverlast_rows} <= zoetermeer_buurt_codes()


def zoetermeer_buurt_codes() -> set[str]:
    with open(AREAS, encoding="utf-8", newline="") as handle:
        return {row["Key"].strip() for row in csv.DictReader(handle) if row["Key"].startswith("BU")}


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def zoetermeer_areas(db):
    run = import_area_list(AREAS, division=2024)
    assert run.status == ImportRun.SUCCEEDED
    return run


def woonoverlast(number: str, opened: str, closed: str | None = None, **fields):
    """A woonoverlast case made directly (for the edges of the definitions)."""
    values = {"gemeente_code": ZOETERMEER, "woningtype": "koop", "wijk_code": "WK063702"}
    values.update(fields)
    return WoonoverlastCase.objects.create(
        register="woonoverlast",
        number=number,
        opened=dt.date.fromisoformat(opened),
        closed=dt.date.fromisoformat(closed) if closed else None,
        status="afgesloten" if closed else "open",
        **values,
    )


def huisverbod(number: str, decided: str, wijk: str = "WK063702", kind="tijdelijk huisverbod"):
    day = dt.date.fromisoformat(decided)
    return MeasureCase.objects.create(
        register="maatregelen",
        number=number,
        gemeente_code=ZOETERMEER,
        wijk_code=wijk,
        opened=day,
        decided=day,
        measure_type=kind,
    )


# --- the Zoetermeer figures -----------------------------------------------------------------------


def test_zoetermeer_woonoverlast_2022_reproduced_from_the_import(zoetermeer_areas):
    run = import_register(WOONOVERLAST_FILE, "woonoverlast", gemeente=ZOETERMEER)
    assert run.status == ImportRun.SUCCEEDED and run.created == 170

    report = register_report("woonoverlast", 2022, ZOETERMEER)

    assert (report["geregistreerd"], report["afgerond"], report["open_einde_jaar"]) == (
        170,
        96,
        74,
    )
    assert report["open_naar_woningtype"] == {"koop": 20, "corporatie": 42, "particuliere huur": 12}
    assert report["open_naar_wijk"] == OPEN_BY_WIJK
    assert max(report["open_naar_wijk"], key=report["open_naar_wijk"].get) == "WK063702"
    assert report["wijknamen"]["WK063702"] == "Buytenwegh de Leyens"
    assert report["vorig_jaar"] == {"geregistreerd": 0, "afgerond": 0, "open_einde_jaar": 0}
    assert report["verandering_pct"] is None  # nothing in 2021 to compare with

    out = io.StringIO()
    call_command(
        "registers",
        "rapport",
        "--register",
        "woonoverlast",
        "--jaar",
        "2022",
        "--gemeente",
        ZOETERMEER,
        "--format",
        "json",
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert printed == json.loads(json.dumps(report))
    assert printed["open_naar_wijk"]["WK063702"] == 25
    assert all(isinstance(printed[key], int) for key in ("geregistreerd", "afgerond"))


def test_zoetermeer_huisverboden_59_against_44_is_plus_34_percent(zoetermeer_areas):
    run = import_register(MEASURES_FILE, "maatregelen", gemeente=ZOETERMEER)
    assert run.status == ImportRun.SUCCEEDED and run.created == 103

    report = register_report("maatregelen", 2022, ZOETERMEER)

    assert report["naar_soort"]["tijdelijk huisverbod"] == 59
    assert report["naar_soort_vorig_jaar"]["tijdelijk huisverbod"] == 44
    assert report["naar_soort_verandering_pct"]["tijdelijk huisverbod"] == 34
    assert report["geregistreerd"] == 59 and report["vorig_jaar"]["geregistreerd"] == 44
    assert report["verandering_pct"] == 34
    assert "tijdelijk huisverbod" in render_report(report)
    assert "+34%" in render_report(report)


def test_the_table_format_of_the_command(zoetermeer_areas):
    import_register(WOONOVERLAST_FILE, "woonoverlast", gemeente=ZOETERMEER)
    out = io.StringIO()
    call_command("registers", "rapport", "--register", "woonoverlast", "--jaar", "2022", stdout=out)
    text = out.getvalue()
    assert "Woonoverlast 2022 (alle gemeenten)" in text
    assert "WK063702 Buytenwegh de Leyens" in text
    assert "geregistreerd: geopend in het jaar" in text
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.strip()}
    assert lines["Geregistreerd"] == ["170", "0"] and lines["Afgerond"] == ["96", "0"]


# --- the definitions -------------------------------------------------------------------------------


def test_the_definitions_at_the_edges_of_the_year(db):
    woonoverlast("A", "2022-12-31")  # opened on the last day, still open
    woonoverlast("B", "2022-06-01", "2023-01-01")  # closed on the first day of the next year
    woonoverlast("C", "2022-01-01", "2022-12-31")  # opened and closed within the year
    woonoverlast("D", "2021-12-31", "2022-01-01")  # opened the year before, closed on 1 January
    woonoverlast("E", "2021-03-01")  # opened the year before, never closed
    woonoverlast("F", "2023-01-01")  # opened the next year

    y2022 = register_report("woonoverlast", 2022, ZOETERMEER)
    y2021 = register_report("woonoverlast", 2021, ZOETERMEER)
    y2023 = register_report("woonoverlast", 2023, ZOETERMEER)

    assert y2022["geregistreerd"] == 3  # A, B, C
    assert y2022["afgerond"] == 2  # C, D
    assert y2022["open_einde_jaar"] == 3  # A, B (closed only in 2023), E
    assert (y2021["geregistreerd"], y2021["afgerond"], y2021["open_einde_jaar"]) == (2, 0, 2)
    assert (y2023["geregistreerd"], y2023["afgerond"], y2023["open_einde_jaar"]) == (1, 1, 3)
    for report, before in ((y2022, y2021), (y2023, y2022)):
        # open at the end of the year = open the year before + registered - closed
        assert report["open_einde_jaar"] == (
            before["open_einde_jaar"] + report["geregistreerd"] - report["afgerond"]
        )
    assert y2022["vorig_jaar"] == {"geregistreerd": 2, "afgerond": 0, "open_einde_jaar": 2}
    assert y2022["verandering_pct"] == 50


def test_anonymised_cases_are_still_counted(db):
    for number in range(6):
        woonoverlast(f"OUD-{number}", "2015-02-01", "2015-03-01")
    woonoverlast("NIEUW", "2015-05-01")
    before = register_report("woonoverlast", 2015, ZOETERMEER)

    result = apply_retention(today=dt.date(2022, 1, 1))

    assert WoonoverlastCase.objects.filter(anonymised_at__isnull=False).count() == 6
    assert result is not None
    after = register_report("woonoverlast", 2015, ZOETERMEER)
    assert after == before
    assert (after["geregistreerd"], after["afgerond"], after["open_einde_jaar"]) == (7, 6, 1)


def test_wijk_and_woningtype_breakdown_and_the_gemeente_filter(db):
    woonoverlast("1", "2022-02-01", woningtype="corporatie")
    woonoverlast("2", "2022-02-01", woningtype="particuliere huur", wijk_code="")
    woonoverlast("3", "2022-02-01", wijk_code="WK063700")
    woonoverlast("4", "2022-02-01", gemeente_code="GM0014", wijk_code="WK001400")

    report = register_report("woonoverlast", 2022, ZOETERMEER)
    everywhere = register_report("woonoverlast", 2022)

    assert report["open_naar_woningtype"] == {"koop": 1, "corporatie": 1, "particuliere huur": 1}
    assert report["open_naar_wijk"] == {"WK063700": 1, "WK063702": 1, UNKNOWN_WIJK: 1}
    assert list(report["open_naar_wijk"])[-1] == UNKNOWN_WIJK
    assert everywhere["open_einde_jaar"] == 4 and everywhere["gemeente"] is None
    assert everywhere["open_naar_wijk"]["WK001400"] == 1


def test_signals_by_phenomenon_and_follow_up(db):
    for number, (phenomenon, follow_up) in enumerate(
        [("drugs", "RIEC"), ("drugs", ""), ("vastgoed", "Bibob"), ("drugs", "RIEC")]
    ):
        SignalCase.objects.create(
            register="ondermijning",
            number=str(number),
            gemeente_code=ZOETERMEER,
            opened=dt.date(2022, 3, 1),
            source="inwoner",
            phenomenon=phenomenon,
            follow_up=follow_up,
        )
    report = register_report("ondermijning", 2022, ZOETERMEER)
    assert report["naar_fenomeen"]["drugs"] == 3 and report["naar_fenomeen"]["vastgoed"] == 1
    assert report["naar_fenomeen"]["witwassen"] == 0
    assert report["naar_vervolg"] == {
        "RIEC": 2,
        "politie": 0,
        "Bibob": 1,
        "bestuurlijke aanpak": 0,
        "geen": 0,
        "nog niet bepaald": 1,
    }
    assert "open_naar_woningtype" not in report


def test_change_in_whole_percent():
    assert change_pct(44, 59) == 34  # 34.09
    assert change_pct(59, 44) == -25  # -25.4
    assert change_pct(8, 9) == 13  # 12.5, halves away from zero
    assert change_pct(8, 7) == -13
    assert change_pct(0, 5) is None


# --- publication as figures -------------------------------------------------------------------------


def figures(measure: str, year: int = 2022) -> dict[str, float]:
    rows = Figure.objects.filter(measure__name=measure, period=str(year))
    return dict(rows.values_list("area__code", "value"))


def test_publish_stores_suppressed_counts_per_wijk_and_the_gemeente_total(zoetermeer_areas):
    for number in range(20):
        woonoverlast(f"B-{number}", "2022-03-01", wijk_code="WK063702")
    for number in range(7):
        woonoverlast(f"C-{number}", "2022-03-01", wijk_code="WK063700")
    for number in range(3):
        woonoverlast(f"M-{number}", "2022-03-01", wijk_code="WK063701")
    for number in range(59):
        huisverbod(f"HV22-{number}", "2022-05-01")
    for number in range(44):
        huisverbod(f"HV21-{number}", "2021-05-01")
    huisverbod("D-1", "2022-07-01", kind="waarschuwing art. 13b Opiumwet")

    summary = publish_counts({ZOETERMEER}, today=dt.date(2023, 2, 1))

    assert summary.startswith("Registerstanden gepubliceerd: GM0637 ")
    registered = figures("register:woonoverlast:geregistreerd")
    assert registered["GM0637"] == 30  # the total is stored explicitly
    assert registered["WK063702"] == 20
    assert "WK063701" not in registered  # 3: "< 5", not stored
    assert "WK063700" not in registered  # 7: 30 - 20 - 7 would give the 3 back: hidden
    assert registered["WK063703"] == 0  # wijken without cases: 0, which is no one
    assert figures("register:huisverbod:opgelegd")["GM0637"] == 59
    assert figures("register:huisverbod:opgelegd", 2021)["GM0637"] == 44
    assert "GM0637" not in figures("register:damocles:waarschuwing_sluiting")  # 1: "< 5"
    assert figures("register:damocles:waarschuwing_sluiting", 2021)["GM0637"] == 0
    assert figures("register:woonoverlast:open_einde_jaar", 2023)["GM0637"] == 30
    assert figures("register:woonoverlast:geregistreerd", 2023)["GM0637"] == 0
    assert not figures("register:woonoverlast:geregistreerd", 2021)  # before the first case
    assert not Figure.objects.filter(measure__name__startswith="register:pga:").exists()
    assert not Figure.objects.filter(measure__name__startswith="register:maatregelen:").exists()
    assert set(figures("register:woonoverlast:open_einde_jaar", 2023)) == {"GM0637"}

    current = Figure.objects.filter(period="2023", measure__name__startswith="register:")
    assert set(current.values_list("status", flat=True)) == {"voorlopig"}
    run = ImportRun.objects.get(kind="registerstanden")
    assert run.dataset == "registerstanden-GM0637" and run.division == 2024
    assert run.status == ImportRun.SUCCEEDED
    label = Measure.objects.get(name="register:huisverbod:opgelegd")
    assert label.label == "Tijdelijke huisverboden opgelegd" and not label.additive
    assert not Figure.objects.filter(measure__name__startswith="register:", derived=True).exists()
    woonoverlast("W19-1", "2019-03-01", closed="2019-06-01")  # 2019: one opened and closed
    publish_counts({ZOETERMEER}, today=dt.date(2023, 2, 1))
    assert figures("register:woonoverlast:open_einde_jaar", 2023) == {}  # a small year: no stock


def test_a_new_publication_replaces_the_earlier_one(zoetermeer_areas):
    for number in range(10):
        woonoverlast(f"B-{number}", "2022-03-01")
    publish_counts({ZOETERMEER}, today=dt.date(2022, 12, 1))
    assert figures("register:woonoverlast:geregistreerd")["WK063702"] == 10
    WoonoverlastCase.objects.filter(number__in=["B-0", "B-1", "B-2", "B-3", "B-4", "B-5"]).update(
        wijk_code="WK063700"
    )

    publish_counts({ZOETERMEER}, today=dt.date(2022, 12, 1))

    registered = figures("register:woonoverlast:geregistreerd")
    assert registered["GM0637"] == 10
    assert "WK063702" not in registered  # 4 now: suppressed, and the old 10 is gone
    assert_periods_kept()
    assert "WK063700" not in registered  # 6, but 10 - 6 would give the 4 back
    latest = ImportRun.objects.filter(kind="registerstanden").order_by("-pk").first()
    assert set(
        Figure.objects.filter(measure__name__startswith="register:").values_list(
            "import_run", flat=True
        )
    ) == {latest.pk}
    assert latest.deleted > 0


def test_a_gemeente_outside_the_area_register_is_skipped(db):
    woonoverlast("1", "2022-03-01", gemeente_code="GM0999")
    summary = publish_counts({"GM0999"})
    assert "Overgeslagen" in summary and "GM0999" in summary
    assert not Figure.objects.exists()


def test_an_import_of_a_register_publishes_its_counts(zoetermeer_areas):
    import_register(WOONOVERLAST_FILE, "woonoverlast", gemeente=ZOETERMEER)

    assert figures("register:woonoverlast:geregistreerd")["GM0637"] == 170
    assert figures("register:woonoverlast:afgerond")["GM0637"] == 96
    # no stock per wijk (open = open before + registered - closed would undo suppression)
    assert figures("register:woonoverlast:open_einde_jaar") == {"GM0637": 74}
    assert ImportRun.objects.filter(
        kind="registerstanden", status=ImportRun.SUCCEEDED, dataset="registerstanden-GM0637"
    ).exists()


def test_the_publish_command(zoetermeer_areas):
    woonoverlast("1", "2022-03-01")
    out = io.StringIO()
    call_command("registers", "publiceren", stdout=out)
    assert "Registerstanden gepubliceerd: GM0637" in out.getvalue()
    assert "GM0637" not in figures("register:woonoverlast:geregistreerd")  # 1: suppressed
