"""FigureSet: one store per (measure, period), asked per key, per period and per area."""

from openveiligheid.core.periods import Period
from openveiligheid.figures.aggregation import Observation
from openveiligheid.figures.figureset import FigureSet

DATA = {
    ("inwoners", "BU01", Period(2022)): Observation(100),
    ("inwoners", "BU01", Period(2023)): Observation(110),
    ("inwoners", "BU02", Period(2021)): Observation(50),
    ("misdrijven", "BU01", Period(2023, 5)): Observation(3, "voorlopig"),
    ("misdrijven", "BU02", Period(2023)): Observation(7),
}


def test_every_way_of_asking_gives_the_same_figures():
    figures = FigureSet(DATA)
    assert dict(figures.items()) == DATA
    assert len(figures) == 5
    assert all(figures.get(*key) == observation for key, observation in DATA.items())
    assert figures.get("inwoners", "BU02", Period(2023)) is None
    assert figures.get("onbekend", "BU01", Period(2023)) is None
    assert dict(figures.in_period("inwoners", Period(2023))) == {"BU01": Observation(110)}
    assert dict(figures.in_period("misdrijven", Period(2022))) == {}


def test_years_count_yearly_figures_only():
    figures = FigureSet(DATA)
    assert figures.measure_years("inwoners") == [2021, 2022, 2023]
    assert figures.measure_years("misdrijven") == [2023]  # not the month of 2023
    assert figures.years(["inwoners"], "BU01") == [2022, 2023]
    assert figures.years(["inwoners", "misdrijven"], "BU02") == [2021, 2023]
    assert figures.periods("misdrijven") == [Period(2023), Period(2023, 5)]
    assert figures.areas("inwoners", Period(2023)) == ["BU01"]


def test_built_from_tables_as_from_keys():
    tables: dict = {}
    for (measure, area, period), observation in DATA.items():
        tables.setdefault((measure, period), {})[area] = observation
    assert dict(FigureSet.from_tables(tables).items()) == DATA
