"""Two-week periods for incidents with a date: the rhythm of the meeting with the police.

A period is a block of 14 days starting on a Monday, counted from :data:`EPOCH`; it is
written as its first day (``2017-08-21``) and read as "21 augustus t/m 3 september 2017".
A year holds 26 blocks (364 days), so "the same period a year earlier" is 26 blocks back and
falls on the same weekdays. Only blocks that the data cover completely are counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from openveiligheid.core.periods import MONTH_NAMES, period_label

EPOCH = dt.date(2007, 1, 1)  # a Monday (ISO week 1 of 2007)
DAYS = 14
PER_YEAR = 26  #: blocks a year: the frequency for the early-warning methods


def block_of(day: dt.date) -> int:
    return (day - EPOCH).days // DAYS


def block_start(block: int) -> dt.date:
    return EPOCH + dt.timedelta(days=block * DAYS)


def block_text(block: int) -> str:
    """How a block is stored: its first day, ``2017-08-21``."""
    return block_start(block).isoformat()


def is_block_text(text: str) -> bool:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10 and (day - EPOCH).days % DAYS == 0


def block_label(text: str) -> str:
    """``2017-08-21`` -> ``21 augustus t/m 3 september 2017``."""
    first = dt.date.fromisoformat(text)
    last = first + dt.timedelta(days=DAYS - 1)
    start = f"{first.day} {MONTH_NAMES[first.month - 1]}"
    if first.year != last.year:
        start += f" {first.year}"
    return f"{start} t/m {last.day} {MONTH_NAMES[last.month - 1]} {last.year}"


def label_for(period: str) -> str:
    """A stored period in words: a month, a year or a two-week period."""
    return block_label(period) if is_block_text(period) else period_label(period)


def complete_blocks(first_day: dt.date, last_day: dt.date) -> range:
    """Blocks wholly inside the data: from the first day's block (if it starts that day) to
    the block before the last day's (the last day itself may be partly registered)."""
    first = block_of(first_day)
    if block_start(first) != first_day:
        first += 1
    return range(first, block_of(last_day))


def counts_per_block(
    days: Iterable[tuple[str, dt.date]], blocks: range, areas: Iterable[str] = ()
) -> dict[str, list[float]]:
    """Area code -> counts per block for ``(area code, day)`` pairs; ``areas`` without any
    incident get a series of zeros."""
    counted: dict[str, Counter] = defaultdict(Counter)
    for code in areas:
        counted[code] = Counter()
    for code, day in days:
        block = block_of(day)
        if block in blocks:
            counted[code][block] += 1
    return {code: [float(c[b]) for b in blocks] for code, c in counted.items()}
