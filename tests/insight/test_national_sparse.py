"""The signals crash of issue #13 (``IntegrityError: NOT NULL constraint failed:
insight_signal.observed``) on a national-shaped fixture: many gemeenten, wijken and buurten,
monthly files that leave many buurt-months out (a national CBS/police extract has no row for a
buurt without a registration), areas without the newest month and areas with a single row.
The whole division and a single gemeente both complete and store only finite observations,
and only for periods that have a figure."""

from __future__ import annotations

import math

import numpy as np
import pytest

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import BUURT, GEMEENTE, LAND, WIJK
from openveiligheid.figures.models import Figure
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.insight.models import Signal
from openveiligheid.insight.services import refresh_gemeente, refresh_signals
from tests.conftest import write

pytestmark = pytest.mark.django_db

DIVISION = 2019  # the demo has no 2019 division
GEMEENTEN, WIJKEN, BUURTEN = 12, 4, 8  # 384 buurten
MONTHS = [f"{year}-{month:02d}" for year in (2021, 2022, 2023) for month in range(1, 13)]
SEED = 13


def make_areas() -> list[Area]:
    land = Area.objects.create(code="NL00", division=DIVISION, level=LAND, name="Nederland")
    buurten = []
    for g in range(GEMEENTEN):
        gm = f"GM9{g:03d}"
        gemeente = Area.objects.create(
            code=gm, division=DIVISION, level=GEMEENTE, name=f"Gemeente {g}", parent=land,
            gemeente_code=gm,
        )  # fmt: skip
        for w in range(WIJKEN):
            wijk = Area.objects.create(
                code=f"WK9{g:03d}{w:02d}", division=DIVISION, level=WIJK, name=f"Wijk {g}-{w}",
                parent=gemeente, gemeente_code=gm,
            )  # fmt: skip
            buurten += [
                Area(
                    code=f"BU9{g:03d}{w:02d}{b:02d}",
                    division=DIVISION,
                    level=BUURT,
                    name=f"Buurt {g}-{w}-{b}",
                    parent=wijk,
                    gemeente_code=gm,
                )
                for b in range(BUURTEN)
            ]
    return Area.objects.bulk_create(buurten)


def sparse_lines(codes: list[str]) -> list[str]:
    """Seeded: each buurt-month is left out with probability 0.4; every fifth buurt has no
    row in the newest months, every seventh only one row; counts are small (many zeros)."""
    rng = np.random.default_rng(SEED)
    lines = ["measure,area,period,value"]
    for index, code in enumerate(codes):
        months = MONTHS[: -int(rng.integers(1, 7))] if index % 5 == 0 else MONTHS
        if index % 7 == 0:
            months = [MONTHS[int(rng.integers(len(MONTHS)))]]
        for month in months:
            if len(months) > 1 and rng.random() < 0.4:
                continue
            lines.append(f"misdrijven:1.1.1,{code},{month},{int(rng.poisson(1.5))}")
    return lines


def test_sparse_national_monthly_figures_are_judged_without_a_crash(tmp_path):
    codes = [area.code for area in make_areas()]
    assert len(codes) == GEMEENTEN * WIJKEN * BUURTEN
    path = write(tmp_path, "landelijk_maanden.csv", "\n".join(sparse_lines(codes)) + "\n")
    run = import_figures(path, division=DIVISION)
    assert run.status == ImportRun.SUCCEEDED, run.message

    run = refresh_signals(DIVISION)
    assert run is not None
    stored = list(Signal.objects.filter(run=run).values_list("area_id", "period", "observed"))
    assert len(stored) > 1000
    assert all(value is not None and math.isfinite(value) for _, _, value in stored)
    with_figure = set(
        Figure.objects.filter(area__division=DIVISION, month__isnull=False).values_list(
            "area_id", "period"
        )
    )
    assert {(area, period) for area, period, _ in stored} <= with_figure
    judged_gemeenten = set(
        Signal.objects.filter(run=run).values_list("area__gemeente_code", flat=True)
    )
    assert len(judged_gemeenten) == GEMEENTEN

    # one gemeente again, as after an import that touched only it: same rows for the others
    others = set(Signal.objects.exclude(area__gemeente_code="GM9003").values_list("pk", "observed"))
    runs = refresh_gemeente(DIVISION, "GM9003")
    signals = next(r for r in runs if r.kind == "signalering")
    mine = Signal.objects.filter(run=signals).values_list("observed", flat=True)
    assert mine and all(math.isfinite(value) for value in mine)
    assert set(Signal.objects.exclude(area__gemeente_code="GM9003").values_list(
        "pk", "observed"
    )) == others  # fmt: skip
