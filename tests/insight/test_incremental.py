"""Incremental analyses (issue #13, part 4): after an import only the gemeenten (and measures)
it touched are recomputed, one unit per gemeente; the rows of other gemeenten stay the same
rows. Runs on the demo's 2024 division, where Breda has boundaries (hotspots) and Nijmegen
only figures, with a synthetic monthly file (seeded Poisson counts) for buurten of both."""

from __future__ import annotations

import numpy as np

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import BUURT
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.insight.models import AnalysisRun, HotspotResult, Signal, SpaceTimeResult
from openveiligheid.insight.services import Unit, touched
from tests.conftest import write

DIVISION = 2024
A, B = "GM0268", "GM0758"  # Nijmegen (corrected), Breda (left alone)
MEASURE = "misdrijven:1.2.1"  # not in the demo's plans
DATASET = "test-maandcijfers"
MONTHS = [f"{year}-{month:02d}" for year in (2021, 2022, 2023) for month in range(1, 13)]


def buurten(gemeente: str, n: int = 6) -> list[str]:
    return list(
        Area.objects.filter(division=DIVISION, gemeente_code=gemeente, level=BUURT)
        .order_by("code")
        .values_list("code", flat=True)[:n]
    )


def monthly_lines(codes: list[str], seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [
        f"{MEASURE},{code},{month},{int(rng.poisson(12))}" for code in codes for month in MONTHS
    ]


def rows_of(model, gemeente: str) -> dict[int, tuple]:
    """pk -> the stored values of every result row of ``gemeente`` in the division."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    found = model.objects.filter(area__division=DIVISION, area__gemeente_code=gemeente)
    return {row[0]: row[1:] for row in found.values_list("pk", *fields)}


def test_a_corrected_file_for_one_gemeente_leaves_the_others_rows_alone(
    insight_demo, db, settings, tmp_path
):
    settings.ANALYSE_AFTER_IMPORT = True
    a_codes, b_codes = buurten(A), buurten(B)
    assert len(a_codes) == len(b_codes) == 6
    first = write(
        tmp_path,
        "maanden.csv",
        "\n".join(["measure,area,period,value"] + monthly_lines(a_codes + b_codes, 1)) + "\n",
    )
    run = import_figures(first, division=DIVISION, dataset=DATASET)
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert [u.gemeente for u in touched(run)] == [A, B]
    assert {u.measures for u in touched(run)} == {(MEASURE,)}
    assert Signal.objects.filter(measure__name=MEASURE, area__gemeente_code=A).exists()
    assert Signal.objects.filter(measure__name=MEASURE, area__gemeente_code=B).exists()
    before_b = {model: rows_of(model, B) for model in (HotspotResult, SpaceTimeResult, Signal)}
    assert before_b[HotspotResult], "Breda has hotspots in the demo"
    before_a = rows_of(Signal, A)
    runs_before = set(AnalysisRun.objects.values_list("pk", flat=True))

    corrected = monthly_lines(a_codes, 1)
    corrected[-1] = corrected[-1].rsplit(",", 1)[0] + ",95"  # an outbreak in A's newest month
    second = write(
        tmp_path,
        "maanden_nijmegen.csv",
        "\n".join(["measure,area,period,value"] + corrected) + "\n",
    )
    run = import_figures(second, division=DIVISION, dataset=DATASET)
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert touched(run) == [Unit(DIVISION, A, (MEASURE,))]

    new_runs = AnalysisRun.objects.exclude(pk__in=runs_before)
    assert {r.gemeente_code for r in new_runs} == {A}
    assert {r.parameters["measures"][0] for r in new_runs} == {MEASURE}
    for model, rows in before_b.items():
        assert rows_of(model, B) == rows, model.__name__  # same pks, same values
    after_a = rows_of(Signal, A)
    assert set(after_a).isdisjoint(before_a)  # A's rows were replaced...
    newest = Signal.objects.get(measure__name=MEASURE, area__code=a_codes[-1], period="2023-12")
    assert newest.observed == 95  # ...with the corrected figures
    assert newest.alarm
    # A's rows of the other measures (the demo's) were not recomputed either
    assert not Signal.objects.filter(run__in=new_runs).exclude(measure__name=MEASURE).exists()


def test_an_inwoners_file_recomputes_every_measure_of_its_gemeente(insight_demo, db, tmp_path):
    codes = buurten(B, 3)
    lines = [f"inwoners,{code},2024,{1000 + i}" for i, code in enumerate(codes)]
    path = write(tmp_path, "inwoners.csv", "\n".join(["measure,area,period,value"] + lines) + "\n")
    run = import_figures(path, division=DIVISION, dataset="test-inwoners")
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert touched(run) == [Unit(DIVISION, B, None)]  # rates change for every measure
