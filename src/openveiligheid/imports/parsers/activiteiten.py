"""Activities per goal with their four statuses:
``doel;code;activiteit;inhoud;planning;financien;risico;toelichting``.

The statuses are the I/P/F/R columns of the reference documents (Inhoud, Planning,
Financiën, Risico's), each ``groen``, ``oranje``, ``rood`` or empty. An oranje or rood
status without a toelichting is allowed but gives a warning. See
``docs/data-formats/activiteiten.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openveiligheid.core.errors import InputProblem
from openveiligheid.core.textfiles import shorten
from openveiligheid.imports.parsers.goalcsv import goal_of, read_goal_table

COLUMNS = (
    "doel",
    "code",
    "activiteit",
    "inhoud",
    "planning",
    "financien",
    "risico",
    "toelichting",
)
REQUIRED = COLUMNS
STATUS_COLUMNS = ("inhoud", "planning", "financien", "risico")
STATUSES = ("groen", "oranje", "rood", "")
#: Statuses that need a toelichting (a warning without one).
NEEDS_EXPLANATION = ("oranje", "rood")
MAX_CODE_CHARS = 20
MAX_NAME_CHARS = 500


@dataclass(frozen=True)
class ActivityRow:
    goal: str
    code: str
    activiteit: str
    inhoud: str
    planning: str
    financien: str
    risico: str
    toelichting: str
    line: int


@dataclass
class ActivityFile:
    """The activities of a file, in file order, and warnings that do not refuse it."""

    rows: list[ActivityRow]
    warnings: list[InputProblem] = field(default_factory=list)


def read_activiteiten(
    path: Path | str, data: bytes | None = None, *, goals: Mapping[str, str]
) -> ActivityFile:
    """The activities of a file; ``goals`` as for
    :func:`~openveiligheid.imports.parsers.financien.read_financien`. A code used twice for
    the same goal, an unknown status and a missing code or name are errors."""
    problems, records = read_goal_table(path, data, COLUMNS)
    rows: list[ActivityRow] = []
    warnings: list[InputProblem] = []
    seen: dict[tuple[str, str], int] = {}
    for line, record in records:
        goal = goal_of(record, goals, line, problems)
        texts_ok = _text(record, "code", MAX_CODE_CHARS, line, problems)
        texts_ok &= _text(record, "activiteit", MAX_NAME_CHARS, line, problems)
        statuses = {column: _status(record, column, line, problems) for column in STATUS_COLUMNS}
        if goal is None or not texts_ok or None in statuses.values():
            continue
        key = (goal, record["code"])
        if key in seen:
            problems.add(
                f"dubbele regel: activiteit {shorten(record['code'])} van doel {record['doel']} "
                f"staat ook op regel {seen[key]}",
                line,
                "code",
            )
            continue
        seen[key] = line
        warnings.extend(
            InputProblem(
                problems.file, f"status {status} zonder toelichting; leg uit waarom", line, column
            )  # fmt: skip
            for column, status in unexplained(statuses, record["toelichting"])
        )
        rows.append(
            ActivityRow(
                goal,
                record["code"],
                record["activiteit"],
                toelichting=record["toelichting"],
                line=line,
                **statuses,  # type: ignore[arg-type]
            )
        )
    problems.raise_if_any()
    return ActivityFile(rows, warnings)


def _text(record, column: str, limit: int, line: int, problems) -> bool:
    value = record[column]
    if not value:
        missing = "de code ontbreekt" if column == "code" else "de naam van de activiteit ontbreekt"
        problems.add(missing, line, column)
        return False
    if len(value) > limit:
        problems.add(f"langer dan {limit} tekens", line, column)
        return False
    return True


def _status(record, column: str, line: int, problems) -> str | None:
    value = record[column].lower()
    if value in STATUSES:
        return value
    problems.add(
        f"onbekende status '{shorten(record[column])}' (kies groen, oranje, rood of laat leeg)",
        line,
        column,
    )
    return None


def unexplained(statuses: Mapping[str, str | None], toelichting: str) -> list[tuple[str, str]]:
    """(column, status) of every oranje or rood status when there is no toelichting: the one
    rule for the warning, in files and in the web form."""
    if toelichting.strip():
        return []
    return [(c, s) for c, s in statuses.items() if s in NEEDS_EXPLANATION]
