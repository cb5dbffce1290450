"""The indicator arithmetic: per 1,000, change, verdicts in both directions, missing data."""

import dataclasses

import pytest

from openveiligheid.core.periods import Period
from openveiligheid.figures.aggregation import Observation
from openveiligheid.indicators.engine import (
    GEEN_DOEL,
    GEEN_GEGEVENS,
    GEHAALD,
    NIET_GEHAALD,
    FigureSet,
    IndicatorDefinition,
    default_reporting_year,
    evaluate,
    evaluate_at_or_before,
    indicator_values,
    populations_of,
    series,
    value_at_or_before,
)
from openveiligheid.indicators.targets import parse_target


def figures(entries):
    return FigureSet({(m, a, Period(y)): Observation(float(v), s) for m, a, y, v, s in entries})


INBRAAK = IndicatorDefinition(
    id="woninginbraak-per-1000",
    name="Woninginbraken per 1.000 inwoners",
    measures=("misdrijven:1.1.1",),
    per_1000="inwoners",
    comparison_area="NL01",
    targets={2022: parse_target("< 2"), 2023: parse_target("< 1.8")},
)
DATA = figures(
    [
        ("misdrijven:1.1.1", "GM0014", 2022, 460, "definitief"),
        ("misdrijven:1.1.1", "GM0014", 2023, 430, "voorlopig"),
        ("inwoners", "GM0014", 2022, 234_000, "definitief"),
        ("misdrijven:1.1.1", "NL01", 2023, 22_706, "definitief"),
        ("inwoners", "NL01", 2023, 17_811_291, "definitief"),
    ]
)


def test_per_1000_with_the_latest_earlier_denominator_and_saying_so():
    result = evaluate(INBRAAK, DATA, "GM0014", 2023)
    assert result.value == pytest.approx(430 / 234_000 * 1000)
    assert result.previous == pytest.approx(460 / 234_000 * 1000)
    assert result.change_pct == pytest.approx((430 - 460) / 460 * 100)
    assert "inwoners van 2022 gebruikt (geen cijfer voor 2023)" in result.notes
    assert result.status == "voorlopig"
    assert "voorlopig cijfer" in result.notes
    assert result.comparison_value == pytest.approx(22_706 / 17_811_291 * 1000)
    assert result.target == "< 1.8"
    assert result.verdict == NIET_GEHAALD  # 1.838 is not < 1.8
    assert result.trend == "beter"


def test_verdict_uses_the_unrounded_value():
    # 1.7996 would print as "1,8" with one decimal, yet it is below 1.8
    data = figures([("x", "GM0014", 2023, 1.7996, "definitief")])
    definition = IndicatorDefinition(
        id="x", name="x", reported="x", targets={2023: parse_target("< 1.8")}
    )
    result = evaluate(definition, data, "GM0014", 2023)
    assert result.verdict == GEHAALD
    assert result.value == 1.7996


def test_higher_is_better_direction():
    definition = IndicatorDefinition(
        id="cyber",
        name="Meldingen cybercrime",
        reported="extern:cyber",
        better="hoger",
        targets={2022: parse_target("> 40")},
    )
    data = figures(
        [
            ("extern:cyber", "GM0014", 2021, 31, "definitief"),
            ("extern:cyber", "GM0014", 2022, 22, "definitief"),
        ]
    )
    result = evaluate(definition, data, "GM0014", 2022)
    assert result.verdict == NIET_GEHAALD
    assert result.trend == "slechter"  # fewer reports, where more is better


def test_sum_of_several_measures():
    definition = IndicatorDefinition(
        id="hic", name="HIC", measures=("misdrijven:1.1.1", "misdrijven:1.4.6")
    )
    data = figures(
        [
            ("misdrijven:1.1.1", "GM0014", 2022, 10, "definitief"),
            ("misdrijven:1.4.6", "GM0014", 2022, 5, "definitief"),
        ]
    )
    result = evaluate(definition, data, "GM0014", 2022)
    assert result.value == 15
    assert result.verdict == GEEN_DOEL


def test_a_missing_part_of_a_sum_means_no_data_not_a_partial_sum():
    definition = IndicatorDefinition(
        id="hic",
        name="HIC",
        measures=("misdrijven:1.1.1", "misdrijven:1.4.6"),
        targets={2022: parse_target("< 80")},
    )
    data = figures([("misdrijven:1.1.1", "GM0014", 2022, 10, "definitief")])
    result = evaluate(definition, data, "GM0014", 2022)
    assert result.value is None
    assert result.verdict == GEEN_GEGEVENS
    assert result.notes == [
        "geen cijfer voor geregistreerde misdrijven: Straatroof in GM0014 in 2022"
    ]


def test_no_denominator_at_or_before_the_year():
    data = figures(
        [
            ("misdrijven:1.1.1", "GM0014", 2022, 460, "definitief"),
            ("inwoners", "GM0014", 2023, 1, "definitief"),
        ]
    )
    result = evaluate(INBRAAK, data, "GM0014", 2022)
    assert result.verdict == GEEN_GEGEVENS
    assert result.notes == [
        "geen cijfer per 1.000 inwoners: er is geen aantal inwoners van 2022 of een eerder jaar"
        "; het eerstvolgende aantal inwoners is van 2023"
    ]


def test_denominator_of_another_division_is_not_used():
    data = FigureSet(
        {
            ("misdrijven:1.1.1", "GM0014", Period(2023)): Observation(430, division=2024),
            ("inwoners", "GM0014", Period(2017)): Observation(202_000, division=2017),
        }
    )
    result = evaluate(INBRAAK, data, "GM0014", 2023)
    assert result.value is None
    assert result.notes == [
        "geen cijfer per 1.000 inwoners: er is geen aantal inwoners van 2023 of een eerder jaar "
        "in gebiedsindeling 2024 (dat van 2017 hoort bij gebiedsindeling 2017, met andere "
        "grenzen, en telt daarom niet)"
    ]


def test_many_areas_at_once_each_by_its_own_figures():
    """A map asks all areas in one call; each keeps its own denominator year, division and
    status, and the order of the answer is the order asked."""
    data = FigureSet(
        {
            ("misdrijven:1.1.1", "BU01", Period(2023)): Observation(10, division=2024),
            ("inwoners", "BU01", Period(2023)): Observation(2_000, division=2024),
            ("misdrijven:1.1.1", "BU02", Period(2023)): Observation(6, "voorlopig", division=2024),
            ("inwoners", "BU02", Period(2021)): Observation(3_000, division=2024),
            ("inwoners", "BU02", Period(2024)): Observation(1, division=2024),  # later: unused
            ("misdrijven:1.1.1", "BU03", Period(2023)): Observation(4, division=2024),
            ("inwoners", "BU03", Period(2023)): Observation(0, division=2024),
            ("misdrijven:1.1.1", "BU04", Period(2023)): Observation(8, division=2024),
            ("inwoners", "BU04", Period(2023)): Observation(500, division=2017),
            ("inwoners", "BU04", Period(2022)): Observation(400, division=2024),
            ("inwoners", "BU05", Period(2023)): Observation(900, division=2024),
        }
    )
    areas = ["BU05", "BU04", "BU03", "BU02", "BU01", "BU99"]
    values = indicator_values(INBRAAK, data, areas, 2023)
    assert [v and round(v.value, 6) for v in values] == [None, 20.0, None, 2.0, 5.0, None]
    bu04, bu02, bu01 = values[1], values[3], values[4]
    assert bu04.notes == ("inwoners van 2022 gebruikt (geen cijfer voor 2023)",)
    assert bu02.notes == ("inwoners van 2021 gebruikt (geen cijfer voor 2023)",)
    assert (bu02.status, bu01.status, bu01.notes) == ("voorlopig", "definitief", ())
    assert populations_of(data, areas, 2023) == [900, 500, 0, 3_000, 2_000, None]
    counts = dataclasses.replace(INBRAAK, per_1000=None)
    assert [v and v.value for v in indicator_values(counts, data, areas, 2023)] == [
        None, 8, 4, 6, 10, None
    ]  # fmt: skip


def test_change_is_none_without_previous_year_or_with_zero():
    data = figures([("x", "GM0014", 2021, 0, "definitief"), ("x", "GM0014", 2022, 3, "definitief")])
    definition = IndicatorDefinition(id="x", name="x", reported="x")
    assert evaluate(definition, data, "GM0014", 2022).change_pct is None
    assert evaluate(definition, data, "GM0014", 2021).change_pct is None


def test_series_lists_years_with_a_value():
    assert [year for year, _ in series(INBRAAK, DATA, "GM0014")] == [2022, 2023]


def test_json_keys_required_by_the_cli():
    keys = evaluate(INBRAAK, DATA, "GM0014", 2023).as_dict().keys()
    required = {
        "indicator",
        "name",
        "area",
        "period",
        "value",
        "previous",
        "change_pct",
        "target",
        "verdict",
        "comparison_value",
    }
    assert required <= set(keys)


# --- the peiljaar and the plan period ---------------------------------------------------------

COUNT = IndicatorDefinition(
    id="fiets",
    name="Fietsdiefstal",
    measures=("diefstallen:CRI1122",),
    targets={2016: parse_target("< 3500"), 2020: parse_target("< 1800")},
)
YEARS = figures(
    [
        ("diefstallen:CRI1122", "GM0014", 2016, 3512, "definitief"),
        ("diefstallen:CRI1122", "GM0014", 2019, 1900, "definitief"),
        ("diefstallen:CRI1122", "GM0014", 2020, 1465, "definitief"),
    ]
)


def test_value_at_or_before_gives_the_year_it_is_from():
    assert value_at_or_before(COUNT, YEARS, "GM0014", 2020)[0] == 2020
    year, value = value_at_or_before(COUNT, YEARS, "GM0014", 2018)
    assert (year, value.value) == (2016, 3512)
    assert value_at_or_before(COUNT, YEARS, "GM0014", 2015) is None


def test_an_older_figure_is_marked_and_judged_against_the_target_of_its_own_year():
    result = evaluate_at_or_before(COUNT, YEARS, "GM0014", 2022, plan_years=range(2019, 2024))
    assert (result.period, result.reference_year, result.value) == ("2020", 2022, 1465)
    assert result.is_older
    assert result.target == "< 1800"
    assert result.verdict == GEHAALD
    assert result.notes[0] == "nog geen cijfer voor 2022; getoond is het nieuwste eerdere, van 2020"
    exact = evaluate_at_or_before(COUNT, YEARS, "GM0014", 2020, plan_years=range(2019, 2024))
    assert not exact.is_older
    assert exact.notes == []


def test_a_target_outside_the_plan_period_gives_no_verdict():
    inside = evaluate(COUNT, YEARS, "GM0014", 2016)
    assert inside.verdict == NIET_GEHAALD  # without a plan period every target counts
    result = evaluate(COUNT, YEARS, "GM0014", 2016, plan_years=range(2019, 2024))
    assert result.verdict == GEEN_DOEL
    assert result.target is None
    assert (
        "het doel voor 2016 telt niet mee: 2016 valt buiten de planperiode 2019–2023"
        in result.notes
    )
    older = evaluate_at_or_before(COUNT, YEARS, "GM0014", 2018, plan_years=range(2019, 2024))
    assert (older.period, older.verdict) == ("2016", GEEN_DOEL)


def test_no_figure_up_to_the_peiljaar_says_when_the_figures_begin():
    result = evaluate_at_or_before(COUNT, YEARS, "GM0014", 2015)
    assert result.verdict == GEEN_GEGEVENS
    assert (result.period, result.is_older) == ("2015", False)
    assert result.notes == ["nog geen cijfer voor 2015 of eerder: de cijfers beginnen in 2016"]
    nothing = evaluate_at_or_before(INBRAAK, figures([]), "GM0014", 2022)
    assert nothing.notes == ["er zijn nog geen cijfers voor deze indicator"]


def test_a_missing_rate_at_the_peiljaar_is_explained_in_words():
    data = figures([("misdrijven:1.1.1", "GM0014", 2021, 460, "definitief")])
    result = evaluate_at_or_before(INBRAAK, data, "GM0014", 2022)
    assert result.value is None
    assert result.notes == [
        "geen cijfer per 1.000 inwoners: er is geen aantal inwoners van 2021 of een eerder jaar"
    ]


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        # 2023 has one of three indicators, 2021 two: the newest year with a majority
        ([[2020, 2021], [2021, 2023], [2019, 2020, 2021]], 2021),
        ([[2020, 2021], [2020, 2021, 2023], [2023]], 2023),
        # no year with a majority: the year with the most, the newest of equals
        ([[2013], [2014], [2015, 2016], [2016], [2017]], 2016),
        ([[2013], [2014]], 2014),
        # indicators without any figure do not count
        ([[2021], [], []], 2021),
        ([[], []], None),
    ],
)
def test_default_reporting_year(years, expected):
    assert default_reporting_year(years) == expected
