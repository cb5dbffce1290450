"""Suppression of small counts (issue #10, part 5): checked by brute force.

For many random tables, every table consistent with what is shown (shown cells exact, "< 5"
between 1 and 4, "x" at least 5, the shown total) is enumerated; no suppressed cell may have a
single possible value, or it could be recovered by subtraction.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from openveiligheid.core.suppression import (
    PRIMARY_TEXT,
    SECONDARY_TEXT,
    breakdown,
    is_small,
    shown_text,
    suppress,
    suppress_table,
)


def consistent_tables(
    cells: dict[str, int], shown: dict[str, int | None], total: int, shown_total: int | None
) -> Iterator[dict[str, int]]:
    """Every table a reader cannot tell apart from ``cells`` by what is shown: shown cells
    exact, "< 5" between 1 and 4, "x" at least 5; the total exact when shown, else between 1
    and 4 ("< 5", and then no cell is shown, not even a zero) or at least 5 ("x"). Values of
    "at least 5" are tried up to a cap well above the real total."""
    cap = total + 10
    if shown_total is not None:
        sums = range(total, total + 1)
    else:
        sums = range(1, 5) if is_small(total) else range(5, cap * len(cells) + 1)
    hidden = [key for key, value in shown.items() if value is None]
    whole_table_hidden = len(hidden) == len(cells) and is_small(total)
    ranges = {
        key: range(0, 5)
        if whole_table_hidden
        else range(1, 5)
        if is_small(cells[key])
        else range(5, cap + 1)
        for key in hidden
    }
    known = sum(value for value in shown.values() if value is not None)

    def fill(index: int, so_far: dict[str, int], running: int) -> Iterator[dict[str, int]]:
        if running > sums[-1]:
            return
        if index == len(hidden):
            if running in sums:
                yield {**{k: v for k, v in shown.items() if v is not None}, **so_far}
            return
        key = hidden[index]
        for value in ranges[key]:
            yield from fill(index + 1, {**so_far, key: value}, running + value)

    yield from fill(0, {}, known)


def random_table(rng: random.Random) -> dict[str, int]:
    size = rng.randint(1, 5)
    pool = [0, 0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 9, 12, 20]
    return {f"wijk{i}": rng.choice(pool) for i in range(size)}


def test_no_suppressed_cell_can_be_recovered_brute_force():
    rng = random.Random(2022)
    tables = checked = 0
    for _ in range(1500):
        cells = random_table(rng)
        total = sum(cells.values())
        shown, shown_total = suppress_table(cells, total)
        tables += 1
        assert all(shown[key] in (None, cells[key]) for key in cells)
        assert not any(is_small(value) for value in shown.values() if value is not None)
        assert shown_total in (None, total)
        assert shown_total is None or not is_small(shown_total)
        possible = list(consistent_tables(cells, shown, total, shown_total))
        assert cells in possible  # the real table is among what a reader thinks possible
        for key, value in shown.items():
            if value is None:
                checked += 1
                values = {table[key] for table in possible}
                assert len(values) > 1, (cells, shown, shown_total, key, values)
    assert tables == 1500 and checked > 1000  # the check saw many suppressed cells


def test_one_small_cell_needs_a_second_one_against_the_total():
    """A wijk with 3 cases next to 20 and 30: the total 53 minus the others would give 3."""
    shown, total = suppress_table({"A": 3, "B": 20, "C": 30}, 53)
    assert shown == {"A": None, "B": None, "C": 30}
    assert total == 53


def test_two_small_cells_that_add_up_to_two_are_both_one():
    """1 + 1 = 2 is recoverable even with both cells "< 5": each must be 1."""
    shown, total = suppress_table({"A": 1, "B": 1, "C": 10, "D": 8}, 20)
    assert shown["A"] is None and shown["B"] is None
    assert shown["D"] is None  # the smallest shown non-zero cell, suppressed as well
    assert shown["C"] == 10 and total == 20


def test_without_a_total_only_small_cells_go():
    assert suppress({"A": 3, "B": 0, "C": 5, "D": 4}, None) == {
        "A": None,
        "B": 0,
        "C": 5,
        "D": None,
    }


def test_when_no_cell_is_left_the_total_goes():
    # 2 and 7 of 9: with both hidden ("< 5" and "x"), 5+4, 6+3, 7+2 and 8+1 all fit: total stays
    shown, total = suppress_table({"A": 2, "B": 7}, 9)
    assert shown == {"A": None, "B": None} and total == 9
    # 1 and 5 of 6: "< 5" plus "x" (at least 5) making 6 can only be 1 + 5: the total goes
    shown, total = suppress_table({"A": 1, "B": 5}, 6)
    assert shown == {"A": None, "B": None} and total is None
    # a total of 1 to 4 is itself a small count: nothing of the table is shown, not even zeros
    # (four wijken of "< 5" adding up to at most 4 would each be 1)
    shown, total = suppress_table({"A": 1, "B": 1, "C": 1, "D": 1, "E": 0}, 4)
    assert set(shown.values()) == {None} and total is None


def test_a_breakdown_is_left_out_when_it_would_need_its_total_hidden():
    assert breakdown({"A": 1, "B": 5}, 6) is None
    assert breakdown({"A": 2, "B": 0}, 2) is None
    assert breakdown({"A": 3, "B": 20, "C": 30}, 53) == {"A": None, "B": None, "C": 30}


def test_zeros_and_large_counts_are_shown():
    assert suppress_table({"A": 0, "B": 5, "C": 12}, 17) == ({"A": 0, "B": 5, "C": 12}, 17)


def test_cells_must_add_up_to_the_total():
    with pytest.raises(ValueError, match="tellen op tot 5"):
        suppress_table({"A": 5}, 6)


def test_how_suppressed_counts_are_written():
    assert shown_text(3, None) == PRIMARY_TEXT == "< 5"
    assert shown_text(20, None) == SECONDARY_TEXT
    assert shown_text(20, 20) == "20" and shown_text(0, 0) == "0"
