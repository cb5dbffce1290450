"""The page helpers without a database: the year filter and the wording of targets."""

from __future__ import annotations

import pytest

from openveiligheid.dashboard.services import (
    VERDICT_DISPLAY,
    better_words,
    parse_year,
    target_in_words,
)
from openveiligheid.indicators.engine import HOGER, LAGER, VERDICTS


@pytest.mark.parametrize(
    ("raw", "year"),
    [("2021", 2021), (" 2019 ", 2019), ("1900", 1900), ("2100", 2100), ("", None), (None, None)],
)
def test_valid_years(raw, year) -> None:
    result = parse_year(raw)
    assert result.year == year
    assert result.error is None


@pytest.mark.parametrize(
    "raw", ["1899", "2101", "0", "abc", "2021.0", "-2021", "２０２１", "2021;drop", "1" * 40]
)
def test_invalid_years_are_rejected_in_dutch(raw) -> None:
    result = parse_year(raw)
    assert result.year is None
    assert "geen geldig jaar" in result.error
    assert len(result.error) < 200


def test_year_query_string() -> None:
    assert parse_year("2021").query == "?jaar=2021"
    assert parse_year("").query == ""


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("< 15500", "lager dan 15.500"),
        ("< 7,5", "lager dan 7,5"),
        ("> 150", "hoger dan 150"),
        ("<= 2,25", "hoogstens 2,25"),
        (">= 1000000", "minstens 1.000.000"),
        (None, None),
        ("onleesbaar", "onleesbaar"),
    ],
)
def test_targets_in_words(target, words) -> None:
    assert target_in_words(target) == words


def test_every_verdict_has_a_word_and_a_symbol() -> None:
    assert set(VERDICT_DISPLAY) == set(VERDICTS)
    for verdict, display in VERDICT_DISPLAY.items():
        assert display.word == verdict
        assert display.symbol
    assert len({d.symbol for d in VERDICT_DISPLAY.values()}) == len(VERDICTS)


def test_direction_in_words() -> None:
    assert better_words(LAGER) == "lager is beter"
    assert better_words(HOGER) == "hoger is beter"
