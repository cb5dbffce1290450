"""A sparse monthly file (an area without a row in the newest month) is judged where it has
figures; it used to crash the analysis ("NOT NULL constraint failed: insight_signal.observed")."""

import pytest

from openveiligheid.areas.services import import_area_list
from openveiligheid.figures.services import import_figures
from openveiligheid.insight.models import Signal
from openveiligheid.insight.services import refresh_signals
from tests.conftest import write

pytestmark = pytest.mark.django_db


def test_an_area_missing_the_judged_month_gets_no_signal_and_no_crash(data_dir, tmp_path):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    rows = ["measure,area,period,value"]
    months = [f"{year}-{month:02d}" for year in (2021, 2022, 2023) for month in range(1, 13)]
    for index, month in enumerate(months):
        rows.append(f"meldingen,BU00140000,{month},{10 + index % 3}")
        if month != months[-1]:  # this buurt has no row for the newest month
            rows.append(f"meldingen,BU00140001,{month},{8 + index % 2}")
    import_figures(write(tmp_path, "meldingen.csv", "\n".join(rows) + "\n"), division=2024)
    refresh_signals(2024)
    judged = Signal.objects.filter(period="2023-12")
    codes = set(judged.values_list("area__code", flat=True))
    assert "BU00140000" in codes and "BU00140001" not in codes
    assert Signal.objects.filter(area__code="BU00140001", period="2023-11").exists()
