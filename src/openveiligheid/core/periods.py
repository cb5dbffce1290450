"""Periods of figures: a year (``2022``) or a month (``2022-03``).

The canonical text form is what is stored and shown. CBS writes ``2023JJ00`` and ``2023MM06``;
:func:`parse_cbs_period` reads those. Weeks and two-week periods will get their own ``kind``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

YEAR = "jaar"
MONTH = "maand"

_CANONICAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_CBS = re.compile(r"^(\d{4})(JJ|MM|KW|X0)(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int | None = None

    @property
    def kind(self) -> str:
        return YEAR if self.month is None else MONTH

    def __str__(self) -> str:
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, 1)

    def is_future(self, today: dt.date | None = None) -> bool:
        return self.start > (today or dt.date.today())


class PeriodError(ValueError):
    """The text is not a period we understand; the message is Dutch."""


def parse_period(text: str) -> Period:
    """Parse a canonical period: ``2022`` or ``2022-03``; CBS codes are accepted too."""
    raw = text.strip()
    match = _CANONICAL.match(raw)
    if not match:
        if _CBS.match(raw.upper()):
            return parse_cbs_period(raw)
        raise PeriodError(f"'{text}' is geen periode; gebruik een jaar (2022) of maand (2022-03)")
    year, month = int(match.group(1)), match.group(2)
    if month is None:
        return _checked(Period(year), text)
    return _checked(Period(year, int(month)), text)


def parse_cbs_period(text: str) -> Period:
    """Parse a CBS period code: ``2023JJ00`` (year) or ``2023MM06`` (month)."""
    match = _CBS.match(text.strip().upper())
    if not match:
        raise PeriodError(f"'{text}' is geen CBS-periode zoals 2023JJ00 of 2023MM06")
    year, kind, number = int(match.group(1)), match.group(2), int(match.group(3))
    if kind == "JJ" and number == 0:
        return _checked(Period(year), text)
    if kind == "MM":
        return _checked(Period(year, number), text)
    raise PeriodError(
        f"periode '{text.strip()}' (kwartaal of deel van een jaar) wordt nog niet ondersteund"
    )


def _checked(period: Period, text: str) -> Period:
    if not 1900 <= period.year <= 2999:
        raise PeriodError(f"jaar in periode '{text}' ligt buiten 1900-2999")
    if period.month is not None and not 1 <= period.month <= 12:
        raise PeriodError(f"maand in periode '{text}' bestaat niet")
    return period


def months_of(year: int) -> list[Period]:
    return [Period(year, month) for month in range(1, 13)]


MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def period_label(period: Period | str) -> str:
    """A period in Dutch words: ``maart 2017``; a year stays ``2017``."""
    if isinstance(period, str):
        try:
            period = parse_period(period)
        except PeriodError:
            return period
    if period.month is None:
        return str(period.year)
    return f"{MONTH_NAMES[period.month - 1]} {period.year}"


_PLAN_PERIOD = re.compile(
    r"^\s*(\d{4})\s*(?:(?:-|–|—|t/m|tot en met)\s*(\d{4}))?\s*$", re.IGNORECASE
)


def plan_years(text: str | None) -> range | None:
    """The years of a plan period: ``2019-2023`` (also ``2019–2023``, ``2019 t/m 2023``) or
    one year (``2022``); ``None`` for an empty or unreadable text or a reversed range."""
    match = _PLAN_PERIOD.match(text or "")
    if not match:
        return None
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first or not 1900 <= first <= 2999 or not 1900 <= last <= 2999:
        return None
    return range(first, last + 1)
