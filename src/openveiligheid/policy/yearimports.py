"""The three goal files of a plan into the database, all or nothing, through the import log:
money (``doel;onderdeel;stap;bedrag``), credits and activities (``docs/data-formats/``).

The ``doel`` column names a goal by its id or its code. A money or credit file is the whole
overview of each goal it names for that year: what the file does not hold for such a goal is
removed. An activity file adds or renames activities and records their status at the reporting
moment; activities it does not name stay. The same file twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.parsers.activiteiten import read_activiteiten
from openveiligheid.imports.parsers.financien import read_financien
from openveiligheid.imports.parsers.kredieten import read_kredieten
from openveiligheid.imports.services import execute, open_run, skip_if_imported
from openveiligheid.policy.finance import PARTS, STEPS
from openveiligheid.policy.models import Plan
from openveiligheid.policy.yearwork import (
    DEFAULT_MOMENT,
    CreditInput,
    StatusInput,
    goal_by_key,
    goal_names,
    save_activity,
    save_amounts,
    save_credits,
    set_status,
)


def _dataset(kind: str, plan: Plan, year: int) -> str:
    return f"{kind}-{plan.gemeente_code}-{plan.pk}-{year}"


def import_finance(
    plan: Plan, year: int, path: Path | str, data: bytes | None = None, user=None
) -> ImportRun:
    """Import a money file for ``year``: per goal in the file, its whole overview."""
    path = Path(path)
    run, data = open_run("financien", path, data, user)

    def work(run: ImportRun) -> str:
        rows = read_financien(path, data, goals=goal_names(plan))
        run.dataset = _dataset("financien", plan, year)
        run.read = len(rows)
        skip_if_imported(run)
        per_goal: dict[str, dict[tuple[str, str], int | None]] = defaultdict(dict)
        for row in rows:
            per_goal[row.goal][(row.step, row.part)] = row.amount
        for key, amounts in per_goal.items():
            cells = {(s, p): amounts.get((s, p)) for s in STEPS for p in PARTS}
            save_amounts(goal_by_key(plan, key), year, cells, user)
        run.updated = len(rows)
        return f"{len(rows)} bedragen ingelezen voor {len(per_goal)} doel(en), jaar {year}."

    return execute(run, work)


def import_credits(
    plan: Plan, year: int, path: Path | str, data: bytes | None = None, user=None
) -> ImportRun:
    """Import a credits file for ``year``: per goal in the file, all its credits."""
    path = Path(path)
    run, data = open_run("kredieten", path, data, user)

    def work(run: ImportRun) -> str:
        rows = read_kredieten(path, data, goals=goal_names(plan))
        run.dataset = _dataset("kredieten", plan, year)
        run.read = len(rows)
        skip_if_imported(run)
        per_goal: dict[str, list[CreditInput]] = defaultdict(list)
        for row in rows:
            per_goal[row.goal].append(
                CreditInput(row.project, row.omvang, row.gerealiseerd_tm_vorig_jaar, row.besteding)
            )
        for key, credits in per_goal.items():
            save_credits(goal_by_key(plan, key), year, credits, user)
        run.updated = len(rows)
        return f"{len(rows)} kredieten ingelezen voor {len(per_goal)} doel(en), jaar {year}."

    return execute(run, work)


def import_activities(
    plan: Plan,
    year: int,
    path: Path | str,
    data: bytes | None = None,
    user=None,
    moment: str = DEFAULT_MOMENT,
) -> tuple[ImportRun, list[str]]:
    """Import an activities file for ``year`` with their status at ``moment``; returns the run
    and the warnings (oranje or rood without a toelichting), each naming file and line."""
    path = Path(path)
    run, data = open_run("activiteiten", path, data, user)
    warnings: list[str] = []

    def work(run: ImportRun) -> str:
        parsed = read_activiteiten(path, data, goals=goal_names(plan))
        run.dataset = _dataset(f"activiteiten-{moment}", plan, year)
        run.read = len(parsed.rows)
        skip_if_imported(run)
        warnings.extend(str(w) for w in parsed.warnings)
        goals = {}
        statuses = 0
        for order, row in enumerate(parsed.rows):
            goal = goals.get(row.goal) or goals.setdefault(row.goal, goal_by_key(plan, row.goal))
            activity = save_activity(goal, year, row.code, row.activiteit, order, user)
            status = StatusInput(
                row.inhoud, row.planning, row.financien, row.risico, row.toelichting
            )
            statuses += set_status(activity, status, moment, user) is not None
        run.updated = len(parsed.rows)
        summary = (
            f"{len(parsed.rows)} activiteiten ingelezen voor {len(goals)} doel(en), jaar {year}; "
            f"{statuses} status(sen) vastgelegd ({moment})."
        )
        if warnings:
            summary += f" {len(warnings)} waarschuwing(en): oranje of rood zonder toelichting."
        return summary

    return execute(run, work), warnings
