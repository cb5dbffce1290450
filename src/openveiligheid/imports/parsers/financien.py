"""Money per goal from the financial system: ``doel;onderdeel;stap;bedrag``.

One line per goal, part (``onderdeel``: lasten, baten, toevoeging or onttrekking aan reserves)
and step of the budget cycle (``stap``: begroting, mutaties_projecten, begrotingswijzigingen,
jaarrekening); the amount in whole euros. A combination that is not in the file counts as 0.
See ``docs/data-formats/financien.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openveiligheid.core.textfiles import shorten
from openveiligheid.imports.parsers.goalcsv import amount_of, goal_of, read_goal_table

COLUMNS = ("doel", "onderdeel", "stap", "bedrag")
REQUIRED = COLUMNS
#: The parts of the Zwolle overview, in its column order.
ONDERDELEN = ("lasten", "baten", "toevoeging", "onttrekking")
#: The steps that are entered; begroting t/m december and resultaat are computed.
STAPPEN = ("begroting", "mutaties_projecten", "begrotingswijzigingen", "jaarrekening")


@dataclass(frozen=True)
class FinanceRow:
    """One amount: of ``goal``, part ``part`` (an ONDERDEEL), step ``step`` (a STAP)."""

    goal: str
    part: str
    step: str
    amount: int
    line: int


def read_financien(
    path: Path | str, data: bytes | None = None, *, goals: Mapping[str, str]
) -> list[FinanceRow]:
    """The lines of a money file; ``goals`` maps each way the plan names a goal to its key.

    Raise :class:`~openveiligheid.core.errors.InputError` for an unknown goal, part or step,
    an amount that is not whole euros, a line that repeats goal + part + step, or a missing
    column; every problem of the file at once."""
    problems, records = read_goal_table(path, data, COLUMNS)
    rows: list[FinanceRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, record in records:
        goal = goal_of(record, goals, line, problems)
        part = _choice(record, "onderdeel", ONDERDELEN, line, problems)
        step = _choice(record, "stap", STAPPEN, line, problems)
        amount = amount_of(record, "bedrag", line, problems)
        if goal is None or part is None or step is None or amount is None:
            continue
        key = (goal, part, step)
        if key in seen:
            problems.add(
                f"dubbele regel: {part} bij stap {step} van doel {record['doel']} staat ook op "
                f"regel {seen[key]}",
                line,
                "stap",
            )
            continue
        seen[key] = line
        rows.append(FinanceRow(goal, part, step, amount, line))
    problems.raise_if_any()
    return rows


def _choice(record, column: str, allowed: tuple[str, ...], line: int, problems) -> str | None:
    value = record[column].lower()
    if value in allowed:
        return value
    what = f"onbekende {column} '{shorten(record[column])}'" if value else f"{column} ontbreekt"
    problems.add(f"{what} (kies uit {', '.join(allowed)})", line, column)
    return None
