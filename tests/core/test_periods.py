import datetime as dt

import pytest

from openveiligheid.core.periods import (
    Period,
    PeriodError,
    parse_cbs_period,
    parse_period,
    plan_years,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022", Period(2022)),
        ("2022-03", Period(2022, 3)),
        (" 2023JJ00 ", Period(2023)),
        ("2023MM06", Period(2023, 6)),
    ],
    ids=["year", "month", "cbs-year-padded", "cbs-month"],
)
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["22", "2022-13", "2022-3-1", "maart 2022", "2023KW01", ""])
def test_parse_period_rejects_with_dutch_message(text):
    with pytest.raises(PeriodError) as exc:
        parse_period(text)
    assert "periode" in str(exc.value) or "maand" in str(exc.value)


def test_canonical_text_and_kind():
    assert str(Period(2022, 3)) == "2022-03"
    assert Period(2022).kind == "jaar"
    assert Period(2022, 3).kind == "maand"


def test_future_is_judged_by_the_start_of_the_period():
    today = dt.date(2026, 11, 23)
    assert not Period(2026).is_future(today)  # the running year may have (provisional) figures
    assert not Period(2026, 11).is_future(today)
    assert Period(2026, 12).is_future(today)
    assert Period(2027).is_future(today)


def test_cbs_quarters_are_refused_for_now():
    with pytest.raises(PeriodError, match="nog niet ondersteund"):
        parse_cbs_period("2023KW02")


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2019-2023", range(2019, 2024)),
        ("2019 – 2023", range(2019, 2024)),
        ("2019 t/m 2023", range(2019, 2024)),
        ("2019 tot en met 2023", range(2019, 2024)),
        ("2022", range(2022, 2023)),
        ("", None),
        (None, None),
        ("2023-2019", None),
        ("vier jaar", None),
        ("2019-23", None),
    ],
)
def test_plan_years(text, years):
    assert plan_years(text) == years
