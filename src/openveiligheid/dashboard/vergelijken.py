"""Comparing areas and years side by side: one column per (area, year), one row per figure."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import BUURT, GEMEENTE, WIJK, normalize_code
from openveiligheid.dashboard.areadata import count_of, per_1000
from openveiligheid.figures.models import Figure
from openveiligheid.figures.services import figure_set, measure_labels
from openveiligheid.indicators.engine import POPULATION, indicator_value
from openveiligheid.policy.models import Plan

MAX_COLUMNS = 12
#: How many areas a search shows at most (the rest: search more precisely).
MAX_FOUND = 25
LEVEL_ORDER = {GEMEENTE: 0, WIJK: 1, BUURT: 2}


@dataclass(frozen=True)
class ComparisonChoice:
    """``?gebied=WK001400&gebied=WK001401&jaar=2015&jaar=2016&indeling=2017&zoek=oost``."""

    areas: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    division: int | None = None
    search: str = ""
    #: the form was sent (a search or "Vergelijk"): no areas ticked means none, not the default
    submitted: bool = False

    @classmethod
    def from_query(cls, query: QueryDict) -> ComparisonChoice:
        years = [int(y) for y in query.getlist("jaar") if y.isdigit() and len(y) == 4]
        division = query.get("indeling", "")
        codes = [normalize_code(c) for c in query.getlist("gebied") if c.strip()]
        return cls(
            areas=tuple(dict.fromkeys(codes)),
            years=tuple(sorted(set(years))),
            division=int(division) if division.isdigit() else None,
            search=query.get("zoek", "").strip()[:100],
            submitted="zoek" in query,
        )


@dataclass(frozen=True)
class Column:
    code: str
    name: str
    year: int


@dataclass
class Row:
    """One figure in every column: unrounded values (None: no figure), shown to ``decimals``."""

    label: str
    unit: str
    values: list[float | None]
    decimals: int


@dataclass
class Comparison:
    division: int | None
    divisions: list[int]
    chosen_areas: list[tuple[str, str]]  # (code, name), in the order chosen
    found: list[tuple[str, str]]  # areas to add: the search's matches, else the gemeente and wijken
    search: str
    found_more: bool  # the search matched more than MAX_FOUND areas
    chosen: tuple[str, ...]
    years: list[int]
    chosen_years: tuple[int, ...]
    columns: list[Column]
    rows: list[Row]
    messages: list[str] = field(default_factory=list)


def comparison(plan: Plan, choice: ComparisonChoice) -> Comparison:
    divisions = sorted(
        set(
            Area.objects.filter(gemeente_code=plan.gemeente_code, level=WIJK).values_list(
                "division", flat=True
            )
        ),
        reverse=True,
    )
    division = choice.division if choice.division in divisions else _default_division(plan)
    areas = {
        a.code: a
        for a in Area.objects.filter(
            gemeente_code=plan.gemeente_code, division=division, level__in=[GEMEENTE, WIJK, BUURT]
        )
    }
    messages = []
    unknown = [c for c in choice.areas if c not in areas]
    if unknown:
        messages.append(
            f"Niet gevonden in gebiedsindeling {division}: {', '.join(unknown)}; weggelaten."
        )
    chosen = tuple(c for c in choice.areas if c in areas)
    if not chosen and not choice.submitted:
        chosen = _default_areas(plan, areas)
    measures = _measures(chosen, division)
    figures = figure_set({*measures, POPULATION}, set(chosen), division=division)
    years = sorted({y for code in chosen for y in figures.years(measures, code)})
    chosen_years = tuple(y for y in choice.years if y in years) or tuple(years[-1:])
    if choice.years and not set(choice.years) <= set(years):
        messages.append("Jaren zonder cijfers voor deze gebieden zijn weggelaten.")
    columns = [Column(c, areas[c].name, y) for c in chosen for y in chosen_years][:MAX_COLUMNS]
    found = _found(areas, choice.search, chosen)
    if choice.search and not found:
        messages.append(f"Geen gebied gevonden met '{choice.search}' in de naam of code.")
    if len(chosen) * len(chosen_years) > MAX_COLUMNS:
        messages.append(f"Er passen {MAX_COLUMNS} kolommen naast elkaar; de rest is weggelaten.")
    return Comparison(
        division=division,
        divisions=divisions,
        chosen_areas=[(code, areas[code].name) for code in chosen],
        found=found[:MAX_FOUND],
        search=choice.search,
        found_more=len(found) > MAX_FOUND,
        chosen=chosen,
        years=years,
        chosen_years=chosen_years,
        columns=columns,
        rows=_rows(measures, figures, columns),
        messages=messages,
    )


def _default_division(plan: Plan) -> int | None:
    """The newest division with wijk figures for the gemeente."""
    return (
        Figure.objects.filter(area__gemeente_code=plan.gemeente_code, area__level=WIJK)
        .order_by("-area__division")
        .values_list("area__division", flat=True)
        .first()
    )


def _default_areas(plan: Plan, areas: dict[str, Area]) -> tuple[str, ...]:
    wijken = sorted(code for code, area in areas.items() if area.level == WIJK)
    return tuple(([plan.gemeente_code] if plan.gemeente_code in areas else []) + wijken[:2])


def _measures(codes: tuple[str, ...], division: int | None) -> list[str]:
    names = Figure.objects.filter(
        area__code__in=codes, area__division=division, month__isnull=True
    ).values_list("measure__name", flat=True)
    return sorted(set(names) - {POPULATION})


def _found(areas: dict[str, Area], search: str, chosen: tuple[str, ...]) -> list[tuple[str, str]]:
    """Areas the user may add: those whose name or code contains ``search`` (any case), or,
    without a search, the gemeente and its wijken; never one already chosen."""
    needle = search.casefold()
    if needle:
        matches = [
            a for a in areas.values() if needle in a.name.casefold() or needle in a.code.casefold()
        ]
    else:
        matches = [a for a in areas.values() if a.level in (GEMEENTE, WIJK)]
    matches.sort(key=lambda a: (LEVEL_ORDER.get(a.level, 3), a.name))
    return [(a.code, a.name) for a in matches if a.code not in chosen]


def _rows(measures: list[str], figures, columns: list[Column]) -> list[Row]:
    labels = measure_labels(measures)
    rows = []
    for measure in measures:
        count = count_of(measure, labels.get(measure))
        for definition in (count, per_1000(count)):
            values = []
            for column in columns:
                value = indicator_value(definition, figures, column.code, column.year)
                values.append(value.value if value else None)
            if any(value is not None for value in values):
                rows.append(Row(definition.name, definition.unit, values, definition.decimals))
    return rows
