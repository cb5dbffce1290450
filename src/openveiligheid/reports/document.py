"""The jaarverslag object (``jaarverslag.report``) as a list of plain blocks: headings,
paragraphs, tables with their cells already written in Dutch notation, and notes.

The three renderers (Markdown, HTML, DOCX) only turn these blocks into markup, so every format
says exactly the same. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from openveiligheid.core.numbers import format_number
from openveiligheid.indicators.formatting import format_change, format_target
from openveiligheid.indicators.output import HEADINGS as INDICATOR_HEADINGS


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = the document's title, 2 = thema, 3 = doel, 4 = a part of the doel
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Notes:
    """Footnotes under a table."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: columns that hold numbers (right-aligned)
    numeric: frozenset[int] = frozenset()
    #: columns that hold a status word (groen, oranje, rood or empty)
    statuses: frozenset[int] = frozenset()
    #: rows that are totals (bold)
    totals: frozenset[int] = frozenset()
    caption: str = ""


Block = Heading | Paragraph | Notes | Table

FINANCE_HEADINGS = (
    "",
    "Lasten",
    "Baten",
    "Toevoeging aan reserves",
    "Onttrekking aan reserves",
    "Saldo",
)
FINANCE_ROWS = (
    ("begroting", "Vastgestelde begroting"),
    ("mutaties_projecten", "+ mutaties projecten"),
    ("begrotingswijzigingen", "+ begrotingswijzigingen"),
    ("begroting_tm_december", "Begroting t/m december"),
    ("jaarrekening", "− Jaarrekening"),
    ("resultaat", "Resultaat"),
)
PARTS = ("lasten", "baten", "toevoeging", "onttrekking")
ACTIVITY_HEADINGS = (
    "Code",
    "Activiteit",
    "Inhoud",
    "Planning",
    "Financiën",
    "Risico's",
    "Toelichting",
)
STATUS_KEYS = ("inhoud", "planning", "financien", "risico")
RESULT_NOTE = "Resultaat: voordelig (+) of nadelig (−) ten opzichte van de begroting."


def euro(amount: int) -> str:
    """A whole-euro amount in Dutch notation: ``1.962.937``, ``-138.825``."""
    return format_number(amount, 0)


def blocks(report: dict) -> list[Block]:
    """Every block of the report, in reading order: per thema, per doel its criteria,
    activities, indicators, financial overview and credits."""
    out: list[Block] = []
    title = f"Jaarverslag {report['jaar']}"
    out.append(Heading(1, f"{title}: {report['plan']}" if report.get("plan") else title))
    out.append(Paragraph(f"Gemeente {report['gemeente']}, verslagjaar {report['jaar']}."))
    theme = None
    for goal in report["doelen"]:
        if goal.get("thema") and goal["thema"] != theme:
            theme = goal["thema"]
            out.append(Heading(2, theme))
        _goal(out, goal, report["jaar"])
    if not report["doelen"]:
        out.append(Paragraph("Het plan heeft geen doelen."))
    return out


def _goal(out: list[Block], goal: dict, year: int) -> None:
    out.append(Heading(3, f"Doel {goal['doel']}: {goal['naam']}"))
    if goal.get("criteria"):
        out.append(Heading(4, "Criteria"))
        out.append(Paragraph(goal["criteria"]))
    out.append(Heading(4, "Activiteiten"))
    if goal["activiteiten"]:
        out.append(activities_table(goal["activiteiten"]))
    else:
        out.append(Paragraph("Geen activiteiten opgegeven."))
    out.append(Heading(4, "Beleidsindicatoren"))
    if goal["indicatoren"]:
        out.append(indicators_table(goal["indicatoren"]))
        notes = [f"{r['name']}: {note}" for r in goal["indicatoren"] for note in r["notes"]]
        if notes:
            out.append(Notes(tuple(notes)))
    else:
        out.append(Paragraph("Dit doel heeft geen indicatoren."))
    out.append(Heading(4, "Financieel overzicht"))
    if goal["financien"] is None:
        out.append(Paragraph("Geen financiële gegevens voor dit doel."))
    else:
        out.append(finance_table(goal["financien"]))
        out.append(Notes((RESULT_NOTE,)))
    if goal["kredieten"]:
        out.append(Heading(4, "Kredieten"))
        out.append(credits_table(goal["kredieten"], year))


def activities_table(activities: list[dict]) -> Table:
    rows = tuple(
        (a["code"], a["activiteit"], *(a[k] for k in STATUS_KEYS), a["toelichting"])
        for a in activities
    )
    return Table(ACTIVITY_HEADINGS, rows, statuses=frozenset({2, 3, 4, 5}))


def indicators_table(results: list[dict]) -> Table:
    """The columns of ``evaluate``'s table, from its JSON rows."""
    rows = []
    for r in results:
        comparison = "–"
        if r["comparison_area"]:
            value = format_number(r["comparison_value"], r["decimals"])
            comparison = f"{value} ({r['comparison_area']})"
        rows.append(
            (
                r["name"],
                format_number(r["value"], r["decimals"]),
                format_number(r["previous"], r["decimals"]),
                format_change(r["change_pct"]),
                format_target(r["target"]),
                r["verdict"],
                comparison,
            )
        )
    return Table(INDICATOR_HEADINGS, tuple(rows), numeric=frozenset({1, 2, 3}))


def finance_table(finance: dict) -> Table:
    rows = [
        (label, *(euro(finance[key][part]) for part in PARTS), "") for key, label in FINANCE_ROWS
    ]
    rows.append(("Saldo", "", "", "", "", euro(finance["saldo"])))
    return Table(
        FINANCE_HEADINGS,
        tuple(rows),
        numeric=frozenset({1, 2, 3, 4, 5}),
        totals=frozenset({3, 5, 6}),
        caption="Baten en lasten",
    )


def credits_table(credits: list[dict], year: int) -> Table:
    headings = (
        "Project",
        f"Omvang krediet tot en met {year}",
        f"Gerealiseerd tot en met {year - 1}",
        f"Bestedingen {year}",
        f"Restantkrediet 31 december {year}",
    )
    keys = ("omvang", "gerealiseerd_tm_vorig_jaar", "besteding", "restant")
    rows = [(c["project"], *(euro(c[k]) for k in keys)) for c in credits]
    rows.append(("Totaal", *(euro(sum(c[k] for c in credits)) for k in keys)))
    return Table(
        headings, tuple(rows), numeric=frozenset({1, 2, 3, 4}), totals=frozenset({len(rows) - 1})
    )
