"""Small counts suppressed: what a user without the register's role sees of its counts.

Counts from the registers are about people; outside the register's own role a count of 1 to 4
is not shown but written as "< 5" (*primary* suppression), and no total is shown from which a
suppressed count can be computed back (*secondary* suppression). What a reader of the table
knows afterwards:

- every shown cell exactly, and the total if it is shown;
- a primary suppressed cell lies between 1 and 4 (zeros are shown: they are no one);
- a secondary suppressed cell (shown as "x") is at least 5.

With the total shown, the suppressed cells together add up to the total minus the shown cells.
A suppressed cell is recoverable when that sum and the other cells' bounds leave it one single
possible value (one cell suppressed alone; two cells of "< 5" that add up to 2 or to 8; …).
While that is so, the smallest shown non-zero cell is suppressed as well; when no such cell is
left, the total is. A total of 1 to 4 is itself a small count: then nothing of the table is
shown, not even its zeros (which would tell how many cells share those few). A page that shows
the total anyway (it is a count in its own right) shows no breakdown when :func:`breakdown`
says the breakdown would need the total hidden.

Pure (no Django): the report page and the publication of figures both use it, and the test
checks it by enumerating every table consistent with what is shown.
"""

from __future__ import annotations

#: Counts from 1 up to and including this are suppressed.
SMALLEST_SHOWN = 5
PRIMARY_TEXT = "< 5"  #: how a primary suppressed count is shown
SECONDARY_TEXT = "x"  #: how a secondary suppressed count is shown
NOTE = "Aantallen van 1 tot 4 zijn weergegeven als < 5."
SECONDARY_NOTE = (
    "Met x is een aantal niet getoond omdat daarmee een kleiner aantal uit het totaal zou zijn "
    "terug te rekenen."
)


def is_small(count: int) -> bool:
    """Whether ``count`` is suppressed by itself (1 to 4)."""
    return 0 < count < SMALLEST_SHOWN


def suppress(cells: dict[str, int], total: int | None) -> dict[str, int | None]:
    """The cells as shown, ``None`` where suppressed (see the module text)."""
    return suppress_table(cells, total)[0]


def suppress_table(
    cells: dict[str, int], total: int | None
) -> tuple[dict[str, int | None], int | None]:
    """The cells and the total as shown, ``None`` where suppressed.

    ``total`` is the number the cells add up to as published (``None``: no total is shown,
    then primary suppression is all there is)."""
    if total is not None and sum(cells.values()) != total:
        raise ValueError(f"De cellen tellen op tot {sum(cells.values())}, niet tot {total}.")
    if total is not None and is_small(total):
        # a small total hides the whole table, zeros too: otherwise four cells of "< 5" that
        # add up to at most 4 would each be 1
        return dict.fromkeys(cells), None
    primary = {key for key, count in cells.items() if is_small(count)}
    secondary: set[str] = set()
    total_shown = total is not None and not is_small(total)
    while total_shown and _any_recoverable(cells, total, primary, secondary):
        candidates = [
            (count, key)
            for key, count in cells.items()
            if count > 0 and key not in primary and key not in secondary
        ]
        if not candidates:
            total_shown = False
            break
        secondary.add(min(candidates)[1])
    hidden = primary | secondary
    shown = {key: (None if key in hidden else count) for key, count in cells.items()}
    return shown, (total if total_shown else None)


def breakdown(cells: dict[str, int], total: int) -> dict[str, int | None] | None:
    """The cells of a breakdown of a total that is shown elsewhere (on the same page), or
    ``None`` when no breakdown can be shown without making a suppressed count recoverable."""
    shown, shown_total = suppress_table(cells, total)
    return None if shown_total is None else shown


def bounds(count: int, primary: bool, total: int) -> tuple[int, int]:
    """What a reader knows of a suppressed cell before using the total."""
    return (1, SMALLEST_SHOWN - 1) if primary else (SMALLEST_SHOWN, max(total, SMALLEST_SHOWN))


def _any_recoverable(
    cells: dict[str, int], total: int, primary: set[str], secondary: set[str]
) -> bool:
    hidden = sorted(primary | secondary)
    if not hidden:
        return False
    rest = total - sum(count for key, count in cells.items() if key not in primary | secondary)
    ranges = [bounds(cells[key], key in primary, total) for key in hidden]
    return any(len(possible_values(index, ranges, rest)) == 1 for index in range(len(ranges)))


def possible_values(index: int, ranges: list[tuple[int, int]], rest: int) -> range:
    """The values cell ``index`` can take when the suppressed cells (each within its range)
    add up to ``rest``: an interval, because sums of integer intervals are intervals."""
    low, high = ranges[index]
    others_low = sum(lo for i, (lo, _) in enumerate(ranges) if i != index)
    others_high = sum(hi for i, (_, hi) in enumerate(ranges) if i != index)
    return range(max(low, rest - others_high), min(high, rest - others_low) + 1)


def shown_text(count: int, shown: int | None) -> str:
    """How a cell whose real value is ``count`` is shown: the number, "< 5" or "x"."""
    if shown is not None:
        return str(shown)
    return PRIMARY_TEXT if is_small(count) else SECONDARY_TEXT
