"""The kept list of periods with figures (figures/periods.py) follows every writer of figures:
the figures import (with its derived sums), a corrected re-import, the incidents import whose
newer extract drops months, and a full refresh."""

import datetime as dt

import pytest

from openveiligheid.areas.services import import_area_list, import_boundaries
from openveiligheid.core.periods import Period
from openveiligheid.dashboard.areadata import periods_with_figures
from openveiligheid.figures.incidents import import_incidents
from openveiligheid.figures.models import FigurePeriod
from openveiligheid.figures.periods import refresh_all_periods, refresh_periods
from openveiligheid.figures.services import import_figures
from openveiligheid.indicators.engine import IndicatorDefinition
from tests.conftest import assert_periods_kept, write

pytestmark = pytest.mark.django_db

HEADER = "measure,area,period,value\n"
BUURTEN = ["BU00140000", "BU00140001", "BU00140100"]


@pytest.fixture
def areas(data_dir):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)


def monthly(months: range, year: int = 2023) -> str:
    return HEADER + "".join(
        f"misdrijven:1.1.1,{code},{year}-{month:02d},{month}\n"
        for code in BUURTEN
        for month in months
    )


def test_an_import_keeps_its_months_and_the_derived_years_at_every_level(areas, tmp_path):
    import_figures(write(tmp_path, "a.csv", monthly(range(1, 13))), zeros_omitted=True)
    kept = assert_periods_kept()
    levels = {level for _, _, _, level, _, _ in kept}
    assert levels == {"buurt", "wijk", "gemeente"}  # the sums are derived up to the gemeente
    assert {(year, month) for *_, year, month in kept} == {(2023, None)} | {
        (2023, m) for m in range(1, 13)
    }
    import_figures(write(tmp_path, "b.csv", monthly(range(1, 4), year=2024)), zeros_omitted=True)
    kept = assert_periods_kept()
    assert (2024, 3) in {(year, month) for *_, year, month in kept}
    assert (2024, None) not in {(year, month) for *_, year, month in kept}  # not a whole year


def test_the_pages_read_the_kept_list(areas, tmp_path):
    import_figures(write(tmp_path, "a.csv", monthly(range(1, 13))), zeros_omitted=True)
    definition = IndicatorDefinition(id="x", name="x", measures=("misdrijven:1.1.1",))
    periods = periods_with_figures(definition, "GM0014", "wijk")
    assert periods == [Period(2023)] + [Period(2023, m) for m in range(1, 13)]
    assert periods_with_figures(definition, "GM0014", "wijk", months=False) == [Period(2023)]
    FigurePeriod.objects.all().delete()  # the pages do not scan the figures
    assert periods_with_figures(definition, "GM0014", "wijk") == []
    refresh_all_periods()
    assert periods_with_figures(definition, "GM0014", "wijk") == periods
    assert_periods_kept()


def test_a_refresh_of_some_years_leaves_the_others_alone(areas, tmp_path):
    import_figures(write(tmp_path, "a.csv", monthly(range(1, 13))), zeros_omitted=True)
    import_figures(write(tmp_path, "b.csv", monthly(range(1, 13), year=2022)), zeros_omitted=True)
    before = assert_periods_kept()
    measure_ids = {measure for measure, *_ in before}
    FigurePeriod.objects.filter(year=2022).delete()
    refresh_periods(measure_ids, years=[2023])  # 2022 is not refreshed: still missing
    assert not FigurePeriod.objects.filter(year=2022).exists()
    refresh_periods(measure_ids, years=[2022])
    assert assert_periods_kept() == before
    refresh_periods(measure_ids, years=[])  # nothing to do
    refresh_periods([])
    assert assert_periods_kept() == before


def test_a_newer_incidents_extract_takes_its_dropped_months_from_the_list(data_dir, tmp_path):
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    header = (
        "Incident Identificatie,Incidentsoort code,Incidentsoort,Kennisnamedatum/tijd,"
        "Opgehelderd,lon_wgs84,lat_wgs84\n"
    )
    first = (  # the first and last day: January is whole
        "1,A72,Diefstal Fiets,2016-01-01T10:00:00,N,6.5665,53.2195\n"
        "2,A72,Diefstal Fiets,2016-01-31T10:00:00,N,6.5665,53.2195\n"
    )
    later = (
        "3,A72,Diefstal Fiets,2016-03-01T10:00:00,N,6.5665,53.2195\n"
        "4,A72,Diefstal Fiets,2016-03-31T10:00:00,N,6.5665,53.2195\n"
    )
    today = dt.date(2026, 1, 1)
    import_incidents(write(tmp_path, "a.csv", header + first), division=2017, today=today)
    assert (2016, 1) in {(y, m) for *_, y, m in assert_periods_kept()}
    import_incidents(
        write(tmp_path, "b.csv", header + later), division=2017, today=today, replace_all=True
    )
    months = {(y, m) for *_, y, m in assert_periods_kept()}
    assert (2016, 3) in months and (2016, 1) not in months
