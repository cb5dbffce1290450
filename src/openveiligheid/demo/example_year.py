"""The fictitious example year of the demo plan (``demo/data/jaarverslag/SOURCE.md``):
activities, money, credits and texts for 2023, loaded through the same services as an
upload. Idempotent: a second load changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openveiligheid.imports.parsers.goalcsv import goal_of, read_goal_table
from openveiligheid.policy.models import Plan
from openveiligheid.policy.yearimports import import_activities, import_credits, import_finance
from openveiligheid.policy.yearwork import goal_by_key, goal_names, goal_proposal, save_goal_year

YEAR_DIR = Path(__file__).parent / "data" / "jaarverslag"
EXAMPLE_YEAR = 2023
TEXT_COLUMNS = (
    "doel",
    "toelichting_realisatie",
    "doel_gehaald",
    "toelichting_doel_gehaald",
    "verschillenanalyse",
)


#: The goal files of the example year, each an import run: (label, import function, file).
EXAMPLE_IMPORTS = [
    ("activiteiten", import_activities, "activiteiten_2023_fictief.csv"),
    ("financiën", import_finance, "financien_2023_fictief.csv"),
    ("kredieten", import_credits, "kredieten_2023_fictief.csv"),
]


def load_example_year(plan: Plan, log: Callable[[str], None] = print) -> None:
    year = EXAMPLE_YEAR
    for label, function, file in EXAMPLE_IMPORTS:
        run = function(plan, year, YEAR_DIR / file)
        run = run[0] if isinstance(run, tuple) else run  # activities also give warnings
        log(f"  {label} {year} (fictief): {run.message}")
    log(f"  teksten {year} (fictief): {load_texts(plan, year)} doel(en)")


def load_texts(plan: Plan, year: int) -> int:
    """The demo's texts per goal (a demo-only CSV); returns how many goals have texts."""
    path = YEAR_DIR / f"teksten_{year}_fictief.csv"
    problems, records = read_goal_table(path, None, TEXT_COLUMNS)
    names = goal_names(plan)
    rows = [(goal_of(record, names, line, problems), record) for line, record in records]
    problems.raise_if_any()
    for key, record in rows:
        goal = goal_by_key(plan, key)
        values = {
            "realisation": record["toelichting_realisatie"],
            "variance_analysis": record["verschillenanalyse"],
            "judgement": record["doel_gehaald"],
            "judgement_note": record["toelichting_doel_gehaald"],
        }
        proposed = goal_proposal(goal, year)[0] if values["judgement"] else ""
        save_goal_year(goal, year, values, proposed=proposed)
    return len(rows)
