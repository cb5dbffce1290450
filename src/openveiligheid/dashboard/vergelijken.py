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


@dataclass(frozen=True)
class ComparisonChoice:
    """``?gebied=WK001400&gebied=WK001401&jaar=2015&jaar=2016&indeling=2017``."""

    areas: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    division: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> ComparisonChoice:
        years = [int(y) for y in query.getlist("jaar") if y.isdigit() and len(y) == 4]
        division = query.get("indeling", "")
        codes = [normalize_code(c) for c in query.getlist("gebied") if c.strip()]
        return cls(
            areas=tuple(dict.fromkeys(codes)),
            years=tuple(sorted(set(years))),
            division=int(division) if division.isdigit() else None,
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
    options: list[tuple[str, list[tuple[str, str]]]]  # (group, [(code, name)])
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
    chosen = tuple(c for c in choice.areas if c in areas) or _default_areas(plan, areas)
    measures = _measures(chosen, division)
    figures = figure_set({*measures, POPULATION}, set(chosen), division=division)
    years = sorted({y for code in chosen for y in figures.years(measures, code)})
    chosen_years = tuple(y for y in choice.years if y in years) or tuple(years[-1:])
    if choice.years and not set(choice.years) <= set(years):
        messages.append("Jaren zonder cijfers voor deze gebieden zijn weggelaten.")
    columns = [Column(c, areas[c].name, y) for c in chosen for y in chosen_years][:MAX_COLUMNS]
    if len(chosen) * len(chosen_years) > MAX_COLUMNS:
        messages.append(f"Er passen {MAX_COLUMNS} kolommen naast elkaar; de rest is weggelaten.")
    return Comparison(
        division=division,
        divisions=divisions,
        options=_options(areas),
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


def _options(areas: dict[str, Area]) -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for level, label in ((GEMEENTE, "Gemeente"), (WIJK, "Wijken"), (BUURT, "Buurten")):
        members = sorted(
            ((a.code, a.name) for a in areas.values() if a.level == level), key=lambda m: m[1]
        )
        if members:
            groups.append((label, members))
    return groups


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
