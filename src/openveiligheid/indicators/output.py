"""Writing evaluated indicators as a table, CSV, JSON or Markdown."""

from __future__ import annotations

import csv
import io
import json

from openveiligheid.indicators.engine import IndicatorResult
from openveiligheid.indicators.formatting import format_change, format_number, format_target

FORMATS = ("table", "csv", "json", "markdown")
CSV_FIELDS = (
    "indicator",
    "name",
    "area",
    "period",
    "value",
    "previous",
    "change_pct",
    "target",
    "verdict",
    "comparison_area",
    "comparison_value",
    "status",
    "notes",
)
HEADINGS = ("Indicator", "Waarde", "Vorig jaar", "Verandering", "Doel", "Oordeel", "Vergelijking")


def render(results: list[IndicatorResult], fmt: str) -> str:
    return {"table": as_table, "csv": as_csv, "json": as_json, "markdown": as_markdown}[fmt](
        results
    )


def as_json(results: list[IndicatorResult]) -> str:
    return json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2) + "\n"


def as_csv(results: list[IndicatorResult]) -> str:
    """Unrounded values, for scripts; notes joined with ``; ``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for result in results:
        row = {key: result.as_dict()[key] for key in CSV_FIELDS}
        row["notes"] = "; ".join(result.notes)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def _cells(result: IndicatorResult) -> list[str]:
    comparison = ""
    if result.comparison_area:
        comparison = (
            f"{format_number(result.comparison_value, result.decimals)} ({result.comparison_area})"
        )
    return [
        result.name,
        format_number(result.value, result.decimals),
        format_number(result.previous, result.decimals),
        format_change(result.change_pct),
        format_target(result.target),
        result.verdict,
        comparison or "–",
    ]


def as_table(results: list[IndicatorResult]) -> str:
    rows = [list(HEADINGS)] + [_cells(r) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADINGS))]
    numeric = {1, 2, 3}
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.rjust(w) if i in numeric and n else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"* {r.name}: {note}" for r in results for note in r.notes]
    if results:
        lines.insert(0, f"Gebied {results[0].area}, jaar {results[0].period}")
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def as_markdown(results: list[IndicatorResult]) -> str:
    lines = ["| " + " | ".join(HEADINGS) + " |", "|" + "---|" * len(HEADINGS)]
    for result in results:
        cells = [c.replace("|", "\\|") for c in _cells(result)]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [f"- {r.name}: {note}" for r in results for note in r.notes]
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"
