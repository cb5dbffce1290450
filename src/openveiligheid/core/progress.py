"""How far the reading of an input file is, for whoever wants to show it (pure, no Django).

The CSV reader (:func:`openveiligheid.core.csvfiles.iter_rows`) reports after every piece of
text it has read, to the listener set for the current context with :func:`listening` (a
``contextvars`` variable: threads and nested calls each see their own). Nobody listens by
default, and then the reader does no extra work. The import commands listen and draw
:class:`ProgressWriter`: a bar on a terminal, plain lines in a log.

A listener is set around a call rather than passed down, so that every import service
(figures, incidents, areas, the goal files) reports without a parameter of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from openveiligheid.core.numbers import format_number


@dataclass(frozen=True)
class Reading:
    """Where the reading of one file is: ``lines`` read, ``position`` of ``size`` characters
    of its text (for a file in ASCII, as most are, the same as its bytes)."""

    file: str
    lines: int
    position: int
    size: int

    @property
    def fraction(self) -> float:
        return self.position / self.size if self.size else 1.0

    @property
    def done(self) -> bool:
        return self.position >= self.size


Listener = Callable[[Reading], None]
#: Advances a file's reading: ``(position, lines read since the last call)``.
Tracker = Callable[[int, int], None]

_listener: ContextVar[Listener | None] = ContextVar("openveiligheid_progress", default=None)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send the readings of files read inside the ``with`` block to ``listener``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def tracker(file: str, size: int) -> Tracker | None:
    """A reader's callback for one file of ``size`` characters, or ``None`` if nobody
    listens (the reader then skips the counting)."""
    listener = _listener.get()
    if listener is None:
        return None
    lines = 0

    def advance(position: int, new_lines: int) -> None:
        nonlocal lines
        lines += new_lines
        listener(Reading(file, lines, position, size))

    return advance


BAR_WIDTH = 30
#: Erases what an earlier, longer bar left on the terminal line.
CLEAR_LINE_END = "\x1b[K"
#: Seconds between two plain lines (not on a terminal), and between two redraws of the bar.
LINE_INTERVAL = 10.0
BAR_INTERVAL = 0.2


def _count(value: float) -> str:
    return format_number(value, 0)


class ProgressWriter:
    """Shows readings: on a terminal (``terminal``) one bar redrawn in place (``\\r``) with
    the lines read, the percentage of the file and the rate; otherwise a plain line every
    ``interval`` seconds ("… 200.000 regels gelezen (48 %), 40.000 regels/s"). Both end with
    the count once the file has been read. One writer per file: its rate counts from when it
    was made. ``write`` takes text without an added line end."""

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        terminal: bool,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.write = write
        self.terminal = terminal
        default = BAR_INTERVAL if terminal else LINE_INTERVAL
        self.interval = default if interval is None else interval
        self.clock = clock
        self.started = clock()
        #: a bar is drawn at the first reading, a plain line only after ``interval``
        self.shown_at = float("-inf") if terminal else self.started
        self.open_bar = False

    def __call__(self, reading: Reading) -> None:
        now = self.clock()
        if reading.done:
            self.close()
            self.write(self._finished(reading, now - self.started) + "\n")
            return
        if now - self.shown_at < self.interval:
            return
        self.shown_at = now
        if self.terminal:
            self.write("\r" + self._bar(reading, now - self.started) + CLEAR_LINE_END)
            self.open_bar = True
        else:
            read = f"{_count(reading.lines)} regels gelezen ({_percent(reading)})"
            rate = self._rate(reading, now - self.started)
            self.write(f"{reading.file}: … {read}{f', {rate}' if rate else ''}\n")

    def close(self) -> None:
        """End a bar left on its line (reading stopped by an error, or finished)."""
        if self.open_bar:
            self.write("\n")
            self.open_bar = False

    @staticmethod
    def _rate(reading: Reading, seconds: float) -> str:
        return f"{_count(reading.lines / seconds)} regels/s" if seconds > 0 else ""

    def _bar(self, reading: Reading, seconds: float) -> str:
        filled = round(reading.fraction * BAR_WIDTH)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        return (
            f"{reading.file} [{bar}] {_percent(reading):>5} {_count(reading.lines)} regels "
            f"{self._rate(reading, seconds)}"
        )

    def _finished(self, reading: Reading, seconds: float) -> str:
        rate = self._rate(reading, seconds)
        return (
            f"{reading.file}: {_count(reading.lines)} regels gelezen in "
            f"{format_number(seconds, 1)} s{f' ({rate})' if rate else ''}; bezig met opslaan …"
        )


def _percent(reading: Reading) -> str:
    return f"{reading.fraction * 100:.0f} %"
