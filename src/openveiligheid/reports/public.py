"""What the public page of an adopted jaarverslag shows of its indicators (issue #11, part 7).

The public page shows the adopted (frozen) section with only the indicators marked *openbaar*.
Indicators counted from measures marked *gevoelig* (``Measure.sensitive``: person-related
registrations) are published with small counts suppressed, by the rules of the registers'
report (:mod:`openveiligheid.core.suppression`, reused here, not written twice):

- *primary*: a count of 1 to 4 is shown as "< 5" (0 stays 0);
- *totals*: when one public indicator counts what others count together (its measures are the
  others' measures, or their parents: ``incidenten:A72`` holds ``incidenten:A72:opgehelderd``),
  it is a total of those parts, per area and year. Whatever part is suppressed, the total and
  the shown parts never give it back by subtraction: ``suppress_table`` hides a second part
  ("x") or the total. A total whose parts do not cover it has a remainder no page shows; it
  is a cell of the table too, so that a small remainder is not given away either;
- totals within totals (a part that is itself a total of public parts): what one table's
  rule hides could follow from the other tables together, so when anything of such a family
  is hidden, all of its values are, as "x" (:func:`nested_families`);
- a rate (per 1.000) of a gevoelig measure can be turned back into its count with the
  population, and the frozen report does not hold that count: it is not shown, except 0;
- the verdict ("gehaald") of a hidden value would narrow it down: it is not shown either.

Pure (no Django): the view passes the frozen report object and what the plan says of its
indicators today.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from openveiligheid.core.suppression import (
    NOTE as PRIMARY_NOTE,
)
from openveiligheid.core.suppression import (
    PRIMARY_TEXT,
    SECONDARY_TEXT,
    is_small,
    shown_text,
    suppress_table,
)
from openveiligheid.reports.document import Block, Heading, Notes, Paragraph, Table, blocks

COUNT = "aantal"
RATE = "verhouding"
#: The cell of a total's table for what its parts do not cover (never shown anywhere).
REST = "\x00rest"
HIDDEN_NOTE = (
    "Met x is een waarde niet getoond: daarmee zou een klein aantal (1 tot 4) terug te rekenen "
    "zijn, of het is een verhoudingsgetal van een gevoelige telling."
)
NO_PUBLIC_INDICATORS = "De indicatoren van dit doel zijn niet openbaar."
INDICATORS_HEADING = "Beleidsindicatoren en kengetallen"


@dataclass(frozen=True)
class Sensitive:
    """A public indicator counted from a gevoelig measure."""

    kind: str  #: :data:`COUNT` or :data:`RATE`
    measures: tuple[str, ...] = ()  #: the measures it counts (its numerator)


@dataclass(frozen=True)
class Relation:
    """``total`` counts what ``parts`` count together (plus a remainder unless ``exact``)."""

    total: str
    parts: tuple[str, ...]
    exact: bool


def is_part(measure: str, whole: str) -> bool:
    """Whether ``measure`` is ``whole`` or counts a part of it (``a:b:c`` of ``a:b``)."""
    return measure == whole or measure.startswith(whole + ":")


def _within(measures: Iterable[str], whole: Iterable[str]) -> bool:
    whole = tuple(whole)
    return all(any(is_part(m, w) for w in whole) for m in measures)


def _overlap(a: Iterable[str], b: Iterable[str]) -> bool:
    b = tuple(b)
    return any(is_part(x, y) or is_part(y, x) for x in a for y in b)


def relations(counts: Mapping[str, tuple[str, ...]]) -> list[Relation]:
    """The totals among gevoelig count indicators (key -> measures), each with its direct
    parts: the indicators within it that are not within another part. Indicators with the
    same measures have the same values and are not each other's parts (see :func:`aliases`)."""
    out = []
    for total in sorted(counts):
        measures = counts[total]
        within = [
            key
            for key in sorted(counts)
            if Counter(counts[key]) != Counter(measures) and _within(counts[key], measures)
        ]
        direct = [
            key
            for key in within
            if not any(
                other != key
                and Counter(counts[other]) != Counter(counts[key])
                and _within(counts[key], counts[other])
                for other in within
            )
        ]
        parts: list[str] = []
        for key in direct:  # only parts that do not overlap add up
            if not any(_overlap(counts[key], counts[p]) for p in parts):
                parts.append(key)
        if parts:
            covered = Counter(m for p in parts for m in counts[p])
            out.append(Relation(total, tuple(parts), exact=covered == Counter(measures)))
    return out


def aliases(counts: Mapping[str, tuple[str, ...]]) -> list[set[str]]:
    """Groups of indicators that count the same measures (so show the same values)."""
    groups: dict[tuple[str, ...], set[str]] = {}
    for key, measures in counts.items():
        groups.setdefault(tuple(sorted(measures)), set()).add(key)
    return [group for group in groups.values() if len(group) > 1]


def suppress_slice(
    values: Mapping[str, float | None],
    sensitive: Mapping[str, Sensitive],
    links: list[Relation] | None = None,
) -> dict[str, str]:
    """The values of one area and year that are not shown: indicator key -> the text shown
    instead ("< 5" or "x"). ``values`` holds every public indicator's value (``None``: nb);
    indicators that are not in ``sensitive`` are never hidden."""
    counts = {k: s.measures for k, s in sensitive.items() if s.kind == COUNT}
    links = relations(counts) if links is None else links
    hidden: dict[str, str] = {}
    for key, each in sensitive.items():
        value = values.get(key)
        if value is None:
            continue
        if each.kind == RATE and value != 0:
            hidden[key] = SECONDARY_TEXT
        elif each.kind == COUNT and is_small(round(value)):
            hidden[key] = PRIMARY_TEXT
    for link in links:
        cells, total = _cells(link, values)
        if cells is None:
            continue
        shown, shown_total = suppress_table(cells, total)
        for key, count in shown.items():
            if key != REST and count is None and key not in hidden:
                hidden[key] = shown_text(cells[key], None)
        if shown_total is None and link.total not in hidden:
            hidden[link.total] = shown_text(total, None)
    for family in nested_families(links):
        if any(key in hidden for key in family):
            for key in family:
                if values.get(key) is not None:
                    hidden[key] = SECONDARY_TEXT
    for group in aliases(counts):  # the same value shown under another name
        texts = {hidden[key] for key in group if key in hidden}
        for key in group:
            if texts and values.get(key) is not None:
                hidden[key] = max(texts)  # "x" over "< 5": whatever hides more
    return hidden


def nested_families(links: list[Relation]) -> list[set[str]]:
    """The indicators tied by totals that are themselves parts of a larger total, as groups
    (connected by their relations). Bounds travel through such a family (a "< 5" total of
    four "< 5" parts is 4), which the one-table rule cannot see: when anything in it is
    hidden, all of it is, as "x" (then "x" says nothing more than "not shown")."""
    families: list[set[str]] = []
    for link in links:
        members = {link.total, *link.parts}
        touching = [f for f in families if f & members]
        for family in touching:
            families.remove(family)
            members |= family
        families.append(members)
    totals = {link.total for link in links}
    return [
        family
        for family in families
        if any(part in totals for link in links if link.total in family for part in link.parts)
    ]


def _cells(link: Relation, values: Mapping[str, float | None]):
    """The parts' counts (and the remainder) and the total, or ``(None, None)`` when a value
    is missing or the figures do not add up (then there is no sum to compute back from)."""
    total = values.get(link.total)
    parts = {key: values.get(key) for key in link.parts}
    if total is None or any(value is None for value in parts.values()):
        return None, None
    cells = {key: round(value) for key, value in parts.items()}
    rest = round(total) - sum(cells.values())
    if rest < 0 or (link.exact and rest != 0):
        return None, None
    if not link.exact:
        cells[REST] = rest
    return cells, round(total)


# -- the report object -------------------------------------------------------------------------


def public_content(content: dict, public: set[str]) -> dict:
    """A copy of the adopted report object with only the indicators whose key is ``public``."""
    out = copy.deepcopy(content)
    for goal in out["doelen"]:
        goal["had_indicatoren"] = bool(goal.get("indicatoren"))
        goal["indicatoren"] = [r for r in goal.get("indicatoren", []) if r["indicator"] in public]
        if "kengetallen" in goal:
            goal["kengetallen"] = [r for r in goal["kengetallen"] if r["indicator"] in public]
    return out


def hidden_values(content: dict, sensitive: Mapping[str, Sensitive]) -> dict:
    """(area, year) -> {indicator key: text shown instead} for every value of the table
    "Beleidsindicatoren en kengetallen" of every goal of ``content`` (already public only)."""
    slices: dict[tuple[str, int], dict[str, float | None]] = {}
    for goal in content["doelen"]:
        for row in goal.get("kengetallen") or []:
            for cell in row["waarden"]:
                slices.setdefault((content["gemeente"], cell["jaar"]), {})[row["indicator"]] = cell[
                    "waarde"
                ]
            for cell in row.get("vergelijking") or []:
                area = row["vergelijkingsgebied"]
                slices.setdefault((area, cell["jaar"]), {})[row["indicator"]] = cell["waarde"]
    counts = {k: s.measures for k, s in sensitive.items() if s.kind == COUNT}
    links = relations(counts)
    out = {}
    for where, values in slices.items():
        present = {k: s for k, s in sensitive.items() if k in values}
        out[where] = suppress_slice(values, present, links)
    return out


def public_blocks(content: dict, public: set[str], sensitive: Mapping[str, Sensitive]):
    """The blocks of the public page (``document.blocks`` of the adopted report object) with
    only the public indicators, and their suppressed values written as "< 5" or "x"."""
    shown = public_content(content, public)
    hidden = hidden_values(shown, sensitive)
    legacy = {k for k in sensitive}  # an object without the five-year table: not shown
    for goal in shown["doelen"]:
        if not goal.get("kengetallen"):
            goal["indicatoren"] = [r for r in goal["indicatoren"] if r["indicator"] not in legacy]
    out: list[Block] = []
    goals = iter(shown["doelen"])
    goal: dict = {}
    previous: Block | None = None
    for block in blocks(shown):
        if isinstance(block, Heading) and block.level == 3:
            goal = next(goals)
        in_indicators = previous == Heading(4, INDICATORS_HEADING)
        if in_indicators and isinstance(block, Table) and goal.get("kengetallen"):
            table, any_hidden = _suppressed_table(block, goal, shown["gemeente"], hidden)
            out.append(table)
            if any_hidden:
                out.append(Notes((PRIMARY_NOTE, HIDDEN_NOTE)))
        elif in_indicators and isinstance(block, Paragraph) and goal.get("had_indicatoren"):
            out.append(Paragraph(NO_PUBLIC_INDICATORS))
        else:
            out.append(block)
        previous = block
    return out


def _suppressed_table(table: Table, goal: dict, gemeente: str, hidden: dict):
    """The key-figures table with the hidden values (and the verdicts they decide) replaced;
    its rows are those of ``document.key_figures_table``: per indicator one, and one for its
    comparison area when it has one."""
    rows = list(table.rows)
    any_hidden = False
    number = 0
    for row in goal["kengetallen"]:
        for area, cells in [(gemeente, row["waarden"])] + (
            [(row["vergelijkingsgebied"], row["vergelijking"])]
            if row.get("vergelijkingsgebied")
            else []
        ):
            texts = list(rows[number])
            for column, cell in enumerate(cells, start=1):
                text = hidden.get((area, cell["jaar"]), {}).get(row["indicator"])
                if text is not None:
                    texts[column] = text
                    any_hidden = True
                    if area == gemeente and column == len(cells):  # the reporting year
                        texts[-1] = SECONDARY_TEXT if texts[-1] else ""
            rows[number] = tuple(texts)
            number += 1
    return replace(table, rows=tuple(rows)), any_hidden
