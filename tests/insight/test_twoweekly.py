"""Two-week periods: blocks of 14 days from a Monday, complete blocks only, labels in Dutch."""

from __future__ import annotations

import datetime as dt

import pytest

from openveiligheid.insight import twoweekly
from openveiligheid.insight.models import Signal
from openveiligheid.insight.monitor import label_for, monitor

D = dt.date


def test_blocks_are_fourteen_days_from_a_monday():
    for day in (D(2017, 8, 21), D(2013, 1, 7), D(2016, 2, 29)):
        block = twoweekly.block_of(day)
        start = twoweekly.block_start(block)
        assert start.weekday() == 0
        assert start <= day < start + dt.timedelta(days=14)
        assert twoweekly.block_of(start + dt.timedelta(days=13)) == block
        assert twoweekly.block_of(start + dt.timedelta(days=14)) == block + 1


def test_a_year_earlier_is_26_blocks_back_on_the_same_weekdays():
    block = twoweekly.block_of(D(2017, 8, 21))
    earlier = twoweekly.block_start(block - twoweekly.PER_YEAR)
    assert (twoweekly.block_start(block) - earlier).days == 364
    assert earlier.weekday() == 0


def test_text_and_label():
    block = twoweekly.block_of(D(2017, 8, 30))
    text = twoweekly.block_text(block)
    assert text == "2017-08-28"
    assert twoweekly.is_block_text(text)
    assert not twoweekly.is_block_text("2017-08-21")  # a Monday, but not a block's first day
    assert not twoweekly.is_block_text("2017-08")
    assert twoweekly.block_label(text) == "28 augustus t/m 10 september 2017"
    first = twoweekly.block_text(twoweekly.block_of(D(2012, 12, 31)))
    assert twoweekly.block_label(first) == "24 december 2012 t/m 6 januari 2013"
    assert label_for("2017-08") == "augustus 2017"
    assert label_for(text) == "28 augustus t/m 10 september 2017"


def test_only_complete_blocks_are_counted():
    # data from Wednesday 2017-01-04 to Thursday 2017-09-21 (the demo's incident file)
    blocks = twoweekly.complete_blocks(D(2017, 1, 4), D(2017, 9, 21))
    assert twoweekly.block_start(blocks[0]) > D(2017, 1, 4)
    last_end = twoweekly.block_start(blocks[-1]) + dt.timedelta(days=13)
    assert last_end < D(2017, 9, 21)
    assert twoweekly.block_start(blocks[-1] + 1) <= D(2017, 9, 21)  # the partial block is out
    starting = twoweekly.complete_blocks(D(2017, 8, 28), D(2017, 9, 21))
    assert twoweekly.block_start(starting[0]) == D(2017, 8, 28)


def test_counts_per_block_with_zeros():
    blocks = range(twoweekly.block_of(D(2017, 8, 7)), twoweekly.block_of(D(2017, 9, 4)) + 1)
    days = [
        ("a", D(2017, 8, 1)),
        ("a", D(2017, 8, 13)),
        ("a", D(2017, 8, 29)),
        ("b", D(2017, 8, 15)),
    ]
    days.append(("a", D(2016, 1, 1)))  # outside the blocks: not counted
    counts = twoweekly.counts_per_block(days, blocks, areas=["c"])
    assert counts == {"a": [2.0, 0.0, 1.0], "b": [0.0, 1.0, 0.0], "c": [0.0, 0.0, 0.0]}


@pytest.mark.django_db
def test_the_demo_gets_two_weekly_signals_in_the_monitor(plan):
    periods = set(Signal.objects.values_list("period", flat=True))
    blocks = sorted(p for p in periods if twoweekly.is_block_text(p))
    assert len(blocks) == 6
    assert blocks[-1] == "2017-08-28"  # the last block that ends before 21 September 2017
    signals = Signal.objects.filter(period=blocks[-1])
    gemeente = signals.get(area__level="gemeente")
    wijken = signals.filter(area__level="wijk")
    # the gemeente's count is the sum of its wijken: one series per area, nothing lost
    assert gemeente.observed == sum(w.observed for w in wijken)
    assert "t/m" in gemeente.description
    shown = monitor("GM0014")
    assert shown.period == blocks[-1]  # the newest period first: the two-weekly meeting
    assert [g for g, _ in shown.period_groups] == ["Twee weken", "Maanden"]
    assert shown.series_count == signals.count()


@pytest.mark.django_db
def test_a_two_week_period_counts_the_incidents_of_the_gemeente(plan):
    from django.utils import timezone

    from openveiligheid.figures.models import Incident

    shown = monitor("GM0014", "2017-08-28")
    table = next(t for t in shown.tables if t.name == "incidenten:A72")
    start = D(2017, 8, 28)

    def count(first: dt.date) -> int:
        days = [
            timezone.localtime(moment).date()
            for moment in Incident.objects.filter(
                area__gemeente_code="GM0014", area__division=2017, code="A72"
            ).values_list("reported_at", flat=True)
        ]
        return sum(first <= day < first + dt.timedelta(days=14) for day in days)

    assert table.total.now == count(start)
    assert table.total.previous == count(start - dt.timedelta(days=14))
    assert table.total.year_before == count(start - dt.timedelta(days=364))
    # police incidents are a sensitive kind (core.measures): a wijk with 1 to 4 is shown as
    # "< 5" (now is None); the shown wijken and the hidden ones add up to the gemeente
    shown = [row.now for row in table.rows if row.now is not None]
    hidden = [row for row in table.rows if row.now is None]
    assert all(row.hidden for row in hidden)
    assert sum(shown) + 4 * len(hidden) >= table.total.now >= sum(shown) + len(hidden)
