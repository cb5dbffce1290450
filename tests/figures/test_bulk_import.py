"""The set-wise import (figures/bulk.py): the derived sums equal those of ``derive``; sparse
files (``--nullen-weggelaten``); every problem of a file is reported at once."""

import io
import random

import pytest

from django.core.management import call_command

from openveiligheid.areas.services import children_index, import_area_list
from openveiligheid.core.errors import InputError
from openveiligheid.core.periods import Period
from openveiligheid.figures.aggregation import Observation, derive
from openveiligheid.figures.models import Figure
from openveiligheid.figures.services import import_figures
from tests.conftest import write

pytestmark = pytest.mark.django_db

HEADER = "measure,area,period,value,status\n"
GRONINGEN_CENTRUM = [f"BU001400{n:02d}" for n in (0, 1, 2, 3, 4, 5, 7, 8)]


@pytest.fixture
def areas(data_dir):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)


def stored(derived: bool) -> dict:
    rows = Figure.objects.filter(derived=derived).values_list(
        "measure__name", "area__code", "period", "value", "status"
    )
    return {(m, a, p): (v, s) for m, a, p, v, s in rows}


def test_the_sums_made_in_the_database_are_those_of_derive(areas, tmp_path):
    rng = random.Random(7)
    buurten = [c for parent in children_index(2024).values() for c in parent if c.startswith("BU")]
    lines = []
    for measure in ("misdrijven:1.1.1", "misdrijven:2.2.1", "misdrijven_per_1000"):
        for code in buurten:
            for month in range(1, 13):
                if rng.random() < 0.03:  # a few parts missing: no sum there
                    continue
                status = "voorlopig" if rng.random() < 0.05 else "definitief"
                lines.append(f"{measure},{code},2023-{month:02d},{rng.randint(0, 9)},{status}")
    lines.append("misdrijven:1.1.1,WK001401,2023,999,definitief")  # published: never summed over
    run = import_figures(write(tmp_path, "maanden.csv", HEADER + "\n".join(lines) + "\n"))

    observed = {
        (m, a, Period(int(p[:4]), int(p[5:]) if len(p) > 4 else None)): Observation(v, s)
        for (m, a, p), (v, s) in stored(derived=False).items()
    }
    index = children_index(2024)
    expected = derive(observed, lambda parent: index.get(parent, []))
    made = stored(derived=True)
    assert run.derived == len(made) == len(expected) > 100
    for (measure, area, period), obs in expected.items():
        value, status = made[(measure, area, str(period))]
        assert value == pytest.approx(obs.value)
        assert status == obs.status
    assert stored(derived=False)[("misdrijven:1.1.1", "WK001401", "2023")] == (999, "definitief")
    assert not any(m == "misdrijven_per_1000" for m, _, _ in made)


def _sparse_lines() -> list[str]:
    """Centrum's buurten, every month of 2023, but zeros left out: BU00140001 has nothing in
    March, BU00140002 nothing at all; Oud-Zuid (the other wijk) has no crimes either."""
    lines = []
    for code in GRONINGEN_CENTRUM:
        for month in range(1, 13):
            if code == "BU00140002" or (code == "BU00140001" and month == 3):
                continue
            lines.append(f"misdrijven:1.1.1,{code},2023-{month:02d},{month},definitief")
    return lines


def test_without_the_option_a_sparse_file_says_which_sums_are_missing_and_why(areas, tmp_path):
    run = import_figures(write(tmp_path, "dun.csv", HEADER + "\n".join(_sparse_lines()) + "\n"))
    made = stored(derived=True)
    assert ("misdrijven:1.1.1", "BU00140000", "2023") in made  # complete: summed
    assert ("misdrijven:1.1.1", "BU00140001", "2023") not in made  # March missing
    assert not any(area.startswith(("WK", "GM")) for _, area, _ in made)
    assert "1 jaartotalen niet berekend: niet alle 12 maanden aanwezig" in run.message
    assert "13 wijktotalen niet berekend: niet alle buurten aanwezig" in run.message
    assert run.message.endswith(
        "Bevat het bestand geen nullen? Lees het dan in met --nullen-weggelaten."
    )


@pytest.mark.parametrize("how", ["keyword", "header", "command"])
def test_with_zeros_omitted_missing_parts_count_as_zero(areas, tmp_path, how):
    text = HEADER + "\n".join(_sparse_lines()) + "\n"
    if how == "header":
        text = "# nullen-weggelaten\n" + text
    path = write(tmp_path, "dun.csv", text)
    if how == "command":
        call_command("import_figures", str(path), "--nullen-weggelaten", stdout=io.StringIO())
    else:
        import_figures(path, zeros_omitted=how == "keyword")
    made = stored(derived=True)
    key = "misdrijven:1.1.1"
    assert made[(key, "BU00140001", "2023")][0] == sum(range(1, 13)) - 3
    assert (key, "BU00140002", "2023") not in made  # no part at all: no figure
    assert made[(key, "WK001400", "2023-03")][0] == 3 * 6  # six buurten had March
    assert made[(key, "WK001400", "2023")][0] == 78 * 6 + 75
    assert made[(key, "GM0014", "2023")][0] == 78 * 6 + 75  # Oud-Zuid counted as 0


def test_a_header_comment_keeps_the_line_numbers(areas, tmp_path):
    text = "# nullen-weggelaten\n" + HEADER + "halt,GM0014,2023,1,definitief\n"
    text += "halt,GM0014,2022,x,definitief\n"
    with pytest.raises(InputError) as caught:
        import_figures(write(tmp_path, "c.csv", text))
    assert [str(p) for p in caught.value.problems] == [
        "c.csv, regel 4, veld 'value': 'x' is geen getal"
    ]


def test_every_problem_is_reported_in_line_order_with_the_duplicates(areas, tmp_path):
    text = HEADER + (
        "halt,GM0014,2022,-,definitief\n"
        "halt,GM0014,2021,4,definitief\n"
        "halt,GM0014,2021,5,definitief\n"
        "halt,GM0014,20x1,5,definitief\n"
        "halt,GM0014,2021,6,definitief\n"
    )
    with pytest.raises(InputError) as caught:
        import_figures(write(tmp_path, "d.csv", text))
    assert [str(p) for p in caught.value.problems] == [
        "d.csv, regel 2, veld 'value': '-' is geen getal",
        "d.csv, regel 4: dubbele regel: halt voor GM0014 in 2021 staat ook op regel 3",
        "d.csv, regel 5, veld 'period': '20x1' is geen periode; gebruik een jaar (2022) of maand (2022-03)",
        "d.csv, regel 6: dubbele regel: halt voor GM0014 in 2021 staat ook op regel 3",
    ]
    assert not Figure.objects.exists()


def test_a_second_import_replaces_set_wise_and_counts_what_changed(areas, tmp_path):
    first = HEADER + "halt,BU00140000,2022,5,definitief\nhalt,BU00140001,2022,7,definitief\n"
    import_figures(write(tmp_path, "a.csv", first))
    second = HEADER + "halt,BU00140000,2022,6,voorlopig\nhalt,BU00140003,2022,1,definitief\n"
    second += "halt,BU00140004,2022,1,definitief\n"
    run = import_figures(write(tmp_path, "b.csv", second))
    assert (run.read, run.created, run.updated, run.deleted) == (3, 2, 1, 1)
    values = {a: (v, s) for (_, a, _), (v, s) in stored(derived=False).items()}
    assert values == {
        "BU00140000": (6, "voorlopig"),
        "BU00140003": (1, "definitief"),
        "BU00140004": (1, "definitief"),
    }


def test_the_run_records_whether_zeros_were_omitted(areas, tmp_path):
    text = HEADER + "\n".join(_sparse_lines()) + "\n"
    plain = import_figures(write(tmp_path, "dun.csv", text))
    declared = import_figures(write(tmp_path, "kop.csv", "# nullen-weggelaten\n" + text))
    assert (plain.zeros_omitted, declared.zeros_omitted) == (False, True)
    plain.refresh_from_db()
    declared.refresh_from_db()
    assert (plain.zeros_omitted, declared.zeros_omitted) == (False, True)


def test_the_same_file_read_again_with_zeros_omitted_is_imported_again(areas, tmp_path):
    path = write(tmp_path, "dun.csv", HEADER + "\n".join(_sparse_lines()) + "\n")
    import_figures(path)
    assert ("misdrijven:1.1.1", "WK001400", "2023-03") not in stored(derived=True)
    again = import_figures(path, zeros_omitted=True)
    assert again.status == again.SUCCEEDED
    assert stored(derived=True)[("misdrijven:1.1.1", "WK001400", "2023-03")][0] == 3 * 6
    assert import_figures(path, zeros_omitted=True).status == again.SKIPPED


def test_a_later_file_keeps_the_zeros_of_an_earlier_run_that_omitted_them(areas, tmp_path):
    import_figures(write(tmp_path, "dun.csv", HEADER + "\n".join(_sparse_lines()) + "\n"),
                   zeros_omitted=True)  # fmt: skip
    fix = HEADER + "misdrijven:1.1.1,BU00140000,2023-01,100,definitief\n"
    run = import_figures(write(tmp_path, "fix.csv", fix), dataset="correctie")
    assert not run.zeros_omitted
    made = stored(derived=True)
    key = "misdrijven:1.1.1"
    assert made[(key, "WK001400", "2023-01")][0] == 6 * 1 + 100  # BU00140002 still 0
    assert made[(key, "WK001400", "2023-03")][0] == 3 * 6
    assert made[(key, "GM0014", "2023")][0] == 78 * 6 + 75 - 1 + 100
    assert "12 perioden van een eerdere import met nullen weggelaten" in run.message


def test_areas_measures_and_runs_with_figures_cannot_be_deleted(areas, tmp_path):
    """The foreign keys of ``Figure`` are not checked by the database per row (ADR 0019);
    Django's ``PROTECT`` still refuses to delete what figures refer to."""
    from django.db.models import ProtectedError

    run = import_figures(write(tmp_path, "a.csv", HEADER + "halt,BU00140000,2022,5,definitief\n"))
    figure = Figure.objects.get(derived=False)
    for referred in (figure.area, figure.measure, run):
        with pytest.raises(ProtectedError):
            referred.delete()
    assert Figure.objects.filter(pk=figure.pk).exists()


def test_a_file_that_changes_while_it_is_read_is_refused(areas, tmp_path, monkeypatch):
    """The file is hashed by ``open_run`` and read again by the parser; a change in between
    would give the run the hash of other content, so it is refused."""
    from openveiligheid.figures import services

    path = write(tmp_path, "a.csv", HEADER + "halt,BU00140000,2022,5,definitief\n")
    read = services.read_csv_text

    def read_then_change(*args, **kwargs):
        text = read(*args, **kwargs)
        with path.open("a") as more:
            more.write("halt,BU00140001,2022,6,definitief\n")
        return text

    monkeypatch.setattr(services, "read_csv_text", read_then_change)
    with pytest.raises(InputError, match="veranderde terwijl het werd ingelezen"):
        import_figures(path)
    assert not Figure.objects.exists()
