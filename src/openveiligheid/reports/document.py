"""The jaarverslag object (``jaarverslag.report``) as a list of plain blocks: headings,
paragraphs, tables with their cells already written in Dutch notation, and notes.

The three renderers (Markdown, HTML, DOCX) only turn these blocks into markup, so every format
says exactly the same. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from openveiligheid.core.areacodes import NETHERLANDS
from openveiligheid.core.numbers import format_number
from openveiligheid.indicators.formatting import format_change, format_target
from openveiligheid.indicators.output import HEADINGS as INDICATOR_HEADINGS
from openveiligheid.policy.finance import PARTS, ROW_LABELS


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
FINANCE_ROWS = tuple((name, label) for name, (label, _total) in ROW_LABELS.items())
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
    if goal.get("omschrijving"):
        out.append(Paragraph(goal["omschrijving"]))
    if goal.get("portefeuillehouder"):
        out.append(Paragraph(f"Portefeuillehouder: {goal['portefeuillehouder']}"))
    if goal.get("toelichting_realisatie"):
        out.append(Heading(4, "Toelichting op realisatie"))
        out.append(Paragraph(goal["toelichting_realisatie"]))
    if goal.get("criteria"):
        out.append(Heading(4, "Criteria"))
        out.append(Paragraph(goal["criteria"]))
    out.append(Heading(4, "Activiteiten"))
    if goal["activiteiten"]:
        out.append(activities_table(goal["activiteiten"]))
    else:
        out.append(Paragraph("Geen activiteiten opgegeven."))
    _indicators(out, goal)
    _judgement(out, goal.get("doel_gehaald") or {})
    out.append(Heading(4, "Financieel overzicht"))
    if goal["financien"] is None:
        out.append(Paragraph("Geen financiële gegevens voor dit doel."))
    else:
        out.append(finance_table(goal["financien"]))
        out.append(Notes((RESULT_NOTE,)))
    if goal.get("verschillenanalyse"):
        out.append(Heading(4, "Verschillenanalyse"))
        out.append(Paragraph(goal["verschillenanalyse"]))
    if goal["kredieten"]:
        out.append(Heading(4, "Kredieten"))
        out.append(credits_table(goal["kredieten"], year))


def _indicators(out: list[Block], goal: dict) -> None:
    out.append(Heading(4, "Beleidsindicatoren en kengetallen"))
    if not goal["indicatoren"]:
        out.append(Paragraph("Dit doel heeft geen indicatoren."))
        return
    if goal.get("kengetallen"):
        verdicts = {r["indicator"]: r["verdict"] for r in goal["indicatoren"]}
        table, notes = key_figures_table(goal["kengetallen"], verdicts)
        out.append(table)
    else:  # a report object from before the five-year table
        out.append(indicators_table(goal["indicatoren"]))
        notes = [f"{r['name']}: {note}" for r in goal["indicatoren"] for note in r["notes"]]
    if notes:
        out.append(Notes(tuple(notes)))


JUDGEMENT_WORDS = {"ja": "Ja", "nee": "Nee", "deels": "Deels"}


def judgement_text(judgement: dict) -> str:
    """ "Doel gehaald" in words, saying whether it is the advisor's or still a proposal, and
    whether the advisor overrode the proposal."""
    given, proposed = judgement.get("oordeel", ""), judgement.get("voorstel", "")
    if not given:
        if not proposed:
            return "Nog niet beoordeeld; de indicatoren geven geen voorstel (geen doel of cijfer)."
        return f"Voorstel op grond van de indicatoren: {proposed} (nog niet bevestigd)."
    text = JUDGEMENT_WORDS.get(given, given)
    if proposed and proposed != given:
        text += f" (afwijkend van het voorstel op grond van de indicatoren: {proposed})"
    return text + "."


def _judgement(out: list[Block], judgement: dict) -> None:
    out.append(Heading(4, "Doel gehaald"))
    out.append(Paragraph(judgement_text(judgement)))
    if judgement.get("toelichting"):
        out.append(Paragraph(judgement["toelichting"]))


NOT_AVAILABLE = "nb"


def key_figures_table(rows: list[dict], verdicts: dict[str, str]) -> tuple[Table, list[str]]:
    """The table "Beleidsindicatoren en kengetallen": per indicator a row with five years,
    the target of the reporting year and whether it was met, and a row for its comparison
    area (NL); "nb" where a figure is not available. Notes become numbered footnotes."""
    years = [cell["jaar"] for cell in rows[0]["waarden"]]
    headings = ("Indicator", *(str(y) for y in years), f"Doel {years[-1]}", "Gehaald")
    table_rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for row in rows:
        marks = ""
        for note in row["voetnoten"]:
            if note not in notes:
                notes.append(note)
            marks += f" [{notes.index(note) + 1}]"
        decimals = row["decimalen"]
        name = row["naam"] + (f" ({row['eenheid']})" if row.get("eenheid") else "") + marks
        table_rows.append(
            (
                name,
                *(_figure(c["waarde"], decimals) for c in row["waarden"]),
                format_target(row["doel"]),
                verdicts.get(row["indicator"], ""),
            )
        )
        if row.get("vergelijkingsgebied"):
            table_rows.append(
                (
                    f"  {comparison_name(row['vergelijkingsgebied'])}",
                    *(_figure(c["waarde"], decimals) for c in row["vergelijking"]),
                    "",
                    "",
                )
            )
    numbered = [f"[{n}] {note}" for n, note in enumerate(notes, start=1)]
    numeric = frozenset(range(1, len(years) + 1))
    return Table(headings, tuple(table_rows), numeric=numeric), numbered


def comparison_name(code: str) -> str:
    return "Nederland" if code == NETHERLANDS else code


def _figure(value: float | None, decimals: int) -> str:
    return NOT_AVAILABLE if value is None else format_number(value, decimals)


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
