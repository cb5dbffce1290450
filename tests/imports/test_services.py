"""Import runs: recorded, all-or-nothing, idempotent, and replacing what a corrected file corrects."""

import hashlib

import pytest

from openveiligheid.areas.services import import_area_list
from openveiligheid.core.errors import InputError
from openveiligheid.figures.models import Figure
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from tests.conftest import write

pytestmark = pytest.mark.django_db
HEADER = "measure,area,period,value\n"


@pytest.fixture(autouse=True)
def areas(data_dir):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)


def values(measure="halt"):
    return {
        (f.area.code, f.period): f.value
        for f in Figure.objects.filter(measure__name=measure, derived=False).select_related("area")
    }


def test_run_records_dataset_file_hash_counts_and_status(data_dir):
    path = data_dir / "politie_47018NED_groningen_2023.csv"
    run = import_figures(path)
    assert (run.status, run.dataset, run.format, run.file_name, run.division) == (
        ImportRun.SUCCEEDED,
        "politie-47018NED",
        "cbs",
        path.name,
        2024,
    )
    assert run.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (run.read, run.created, run.updated, run.rejected) == (19, 19, 0, 0)
    # wijk sums and the gemeente sum are derived and stored at import time
    wijk = Figure.objects.get(
        measure__name="misdrijven:0.0.0", area__code="WK001400", period="2023"
    )
    expected = sum(
        f.value
        for f in Figure.objects.filter(
            area__parent__code="WK001400", measure__name="misdrijven:0.0.0"
        )
    )
    assert wijk.derived and wijk.value == expected
    assert Figure.objects.get(area__code="GM0014", period="2023").derived


def test_reimporting_the_same_file_is_a_no_op_that_says_so(data_dir):
    path = data_dir / "politie_47018NED_groningen_2023.csv"
    first = import_figures(path)
    count = Figure.objects.count()
    second = import_figures(path)
    assert second.status == ImportRun.SKIPPED
    assert f"import {first.pk}" in second.message and "niets veranderd" in second.message
    assert Figure.objects.count() == count


def test_a_corrected_file_replaces_the_figures_it_holds(tmp_path):
    import_figures(
        write(tmp_path, "halt.csv", HEADER + "halt,BU00140000,2022,5\nhalt,BU00140001,2022,7\n")
    )
    run = import_figures(write(tmp_path, "halt-v2.csv", HEADER + "halt,BU00140000,2022,6\n"))
    assert values() == {("BU00140000", "2022"): 6.0}
    assert (run.created, run.updated, run.deleted) == (0, 1, 1)
    # the derived wijk sum follows: BU00140001 is gone, so WK001400 is no longer complete
    assert not Figure.objects.filter(area__code="WK001400", measure__name="halt").exists()


def test_other_measures_periods_and_gemeenten_are_left_alone(tmp_path):
    import_figures(
        write(
            tmp_path,
            "a.csv",
            HEADER + "halt,GM0014,2022,5\nhalt,GM0014,2021,4\noverlast,GM0014,2022,9\n",
        )
    )
    import_figures(write(tmp_path, "b.csv", HEADER + "halt,GM0014,2022,6\nhalt,GM0363,2022,1\n"))
    import_figures(write(tmp_path, "c.csv", HEADER + "halt,NL01,2022,1000\n"))
    assert values() == {
        ("GM0014", "2022"): 6.0,
        ("GM0014", "2021"): 4.0,
        ("GM0363", "2022"): 1.0,
        ("NL01", "2022"): 1000.0,
    }
    assert values("overlast") == {("GM0014", "2022"): 9.0}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "halt,BU00149999,2022,1\n",
            "x.csv, regel 3, veld 'area': onbekende gebiedscode 'BU00149999' (niet in indeling 2024)",
        ),
        ("halt,GM0014,2022,veel\n", "x.csv, regel 3, veld 'value': 'veel' is geen getal"),
        ("halt,GM0014,2099,1\n", "x.csv, regel 3, veld 'period': periode 2099 ligt in de toekomst"),
        (
            "halt,GM0014,2021,1\n",
            "x.csv, regel 3: dubbele regel: halt voor GM0014 in 2021 staat ook op regel 2",
        ),
    ],
    ids=["unknown-area", "text-in-number", "future-period", "duplicate-row"],
)
def test_a_failed_import_changes_nothing_and_is_recorded(tmp_path, body, expected):
    import_figures(write(tmp_path, "ok.csv", HEADER + "halt,GM0014,2021,3\n"))
    before = list(Figure.objects.values_list("pk", "value"))
    path = write(tmp_path, "x.csv", HEADER + "halt,GM0014,2021,4\n" + body)
    with pytest.raises(InputError) as exc:
        import_figures(path)
    assert str(exc.value.problems[0]) == expected
    assert list(Figure.objects.values_list("pk", "value")) == before
    failed = ImportRun.objects.get(file_name="x.csv")
    assert failed.status == ImportRun.FAILED and failed.rejected == 1
    assert failed.errors[0]["file"] == "x.csv" and failed.errors[0]["line"] == 3


def test_import_into_a_division_that_does_not_exist(tmp_path):
    with pytest.raises(InputError, match="geen gebieden van indeling 2017"):
        import_figures(write(tmp_path, "y.csv", HEADER + "halt,GM0014,2021,3\n"), division=2017)


def test_twelve_months_are_summed_into_the_year(tmp_path):
    rows = "".join(f"incidenten:A72,GM0014,2022-{m:02d},{m}\n" for m in range(1, 13))
    import_figures(write(tmp_path, "m.csv", HEADER + rows))
    year = Figure.objects.get(measure__name="incidenten:A72", period="2022")
    assert year.derived and year.value == sum(range(1, 13))


def test_the_same_file_in_another_division_is_not_skipped(data_dir, tmp_path):
    from openveiligheid.areas.services import import_boundaries

    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    path = write(tmp_path, "n.csv", HEADER + "halt,GM0014,2021,3\n")
    assert import_figures(path, division=2024).status == ImportRun.SUCCEEDED
    assert import_figures(path, division=2017).status == ImportRun.SUCCEEDED
    assert Figure.objects.filter(measure__name="halt").count() == 2


def test_cbs_table_without_periods_needs_the_period_option(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = write(
        tmp_path,
        "85984NED.csv",
        '"ID";"WijkenEnBuurten";"Gemeentenaam_1";"AantalInwoners_5"\n0;"GM0014    ";"Groningen";243790\n',
    )
    with pytest.raises(CommandError, match="geen kolom Perioden"):
        call_command("import_figures", str(path))
    call_command("import_figures", str(path), "--periode", "2024")
    assert Figure.objects.get(measure__name="inwoners", area__code="GM0014").period == "2024"


def test_an_unexpected_error_is_recorded_as_failed(tmp_path, monkeypatch):
    from openveiligheid.figures import services

    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(services, "refresh_derived", broken)
    with pytest.raises(RuntimeError):
        import_figures(write(tmp_path, "u.csv", HEADER + "halt,GM0014,2021,3\n"))
    run = ImportRun.objects.get(file_name="u.csv")
    assert run.status == ImportRun.FAILED and "onverwachte fout" in run.message
    assert not Figure.objects.filter(measure__name="halt").exists()
