"""Credits (kredieten) per goal: ``doel;project;omvang;gerealiseerd_tm_vorig_jaar;besteding``.

One line per goal and project: the size of the credit up to and including the year, what was
spent up to and including the year before, and what was spent this year, in whole euros. The
remaining credit is computed (``policy.finance``). See ``docs/data-formats/financien.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openveiligheid.core.textfiles import shorten
from openveiligheid.imports.parsers.goalcsv import amount_of, goal_of, read_goal_table

COLUMNS = ("doel", "project", "omvang", "gerealiseerd_tm_vorig_jaar", "besteding")
REQUIRED = COLUMNS
AMOUNTS = ("omvang", "gerealiseerd_tm_vorig_jaar", "besteding")
MAX_PROJECT_CHARS = 200


@dataclass(frozen=True)
class CreditRow:
    goal: str
    project: str
    omvang: int
    gerealiseerd_tm_vorig_jaar: int
    besteding: int
    line: int


def read_kredieten(
    path: Path | str, data: bytes | None = None, *, goals: Mapping[str, str]
) -> list[CreditRow]:
    """The credits of a file, in file order; ``goals`` as for
    :func:`~openveiligheid.imports.parsers.financien.read_financien`. A project named twice
    for the same goal is an error."""
    problems, records = read_goal_table(path, data, COLUMNS)
    rows: list[CreditRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, record in records:
        goal = goal_of(record, goals, line, problems)
        project = record["project"]
        if not project or len(project) > MAX_PROJECT_CHARS:
            too_long = f"de projectnaam is langer dan {MAX_PROJECT_CHARS} tekens"
            problems.add(too_long if project else "het project ontbreekt", line, "project")
            project = ""
        amounts = [amount_of(record, column, line, problems) for column in AMOUNTS]
        if goal is None or not project or None in amounts:
            continue
        key = (goal, project.casefold())
        if key in seen:
            problems.add(
                f"dubbele regel: project '{shorten(project)}' van doel {record['doel']} staat "
                f"ook op regel {seen[key]}",
                line,
                "project",
            )
            continue
        seen[key] = line
        rows.append(CreditRow(goal, project, *amounts, line=line))  # type: ignore[arg-type]
    problems.raise_if_any()
    return rows
