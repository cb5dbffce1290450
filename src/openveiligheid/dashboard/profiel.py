"""The area profile: a wijk's or buurt's figures against the gemeente and the Netherlands.

For every measure with yearly figures for the area: the latest value, the change against the
year before, the series as a sparkline, the same figure for the gemeente and the Netherlands,
and the rank among the gemeente's areas of the same level. Counts are also shown per 1,000
inhabitants when the area has a population. All values come from the indicator engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import BUURT, NETHERLANDS, WIJK, normalize_code
from openveiligheid.dashboard.areadata import LEVEL_PLURAL, count_of, per_1000
from openveiligheid.figures.models import Figure, FigurePeriod
from openveiligheid.figures.services import figure_set, measure_labels
from openveiligheid.indicators.engine import (
    POPULATION,
    FigureSet,
    IndicatorDefinition,
    indicator_value,
    population_of,
    series,
)
from openveiligheid.policy.models import Plan
from openveiligheid.ui.charts import Sparkline
from openveiligheid.ui.links import area_href
from openveiligheid.ui.maps import LocatorMap, MapArea


def find_area(code: str, division: str = "") -> Area | None:
    """The wijk or buurt with this code: in the given division, or else the newest one."""
    areas = Area.objects.filter(code=normalize_code(code), level__in=[WIJK, BUURT])
    if division.isdigit():
        areas = areas.filter(division=int(division))
    return areas.order_by("-division").select_related("parent").first()


@dataclass(frozen=True)
class Rank:
    """The area's place among the gemeente's areas of its level: 1 is the highest value."""

    position: int
    of: int
    level_plural: str  # "wijken" or "buurten"


@dataclass
class ProfileRow:
    """One figure of the area: unrounded values, shown to ``decimals`` by the template."""

    label: str
    unit: str
    year: int
    decimals: int
    value: float | None
    change_pct: float | None
    sparkline: Sparkline
    gemeente: float | None
    nederland: float | None
    rank: Rank | None
    notes: list[str] = field(default_factory=list)


@dataclass
class AreaProfile:
    area: Area
    level_word: str
    gemeente: str
    parent: Area | None
    parent_href: str
    population: float | None
    population_year: int | None
    small: bool
    rows: list[ProfileRow]
    children: list[tuple[str, str]]  # (name, href) of the buurten of a wijk
    location: LocatorMap | None = None
    hotspots: list = field(default_factory=list)


def area_profile(plan: Plan, area: Area) -> AreaProfile:
    gemeente = Area.objects.filter(code=area.gemeente_code).order_by("-division").first()
    measures = _measures_of(area)
    figures = figure_set(
        {*measures, POPULATION},
        {area.code, area.gemeente_code, NETHERLANDS},
        division=area.division,
    )
    labels = measure_labels(measures)
    latest_pop_year = max(figures.years([POPULATION], area.code), default=None)
    population = population_of(figures, area.code, latest_pop_year) if latest_pop_year else None
    rows = []
    for measure in measures:
        rows.extend(
            _rows_for(count_of(measure, labels.get(measure)), figures, area, population is not None)
        )
    parent = area.parent if area.level == BUURT else None
    children = []
    if area.level == WIJK:
        children = [(c.name, area_href(c)) for c in area.children.order_by("name")]
    return AreaProfile(
        area=area,
        level_word=area.get_level_display(),
        gemeente=gemeente.name if gemeente else area.gemeente_code,
        parent=parent,
        parent_href=area_href(parent) if parent else "",
        population=population,
        population_year=latest_pop_year,
        small=population is not None and population < settings.MIN_POPULATION_FOR_RATE,
        rows=rows,
        children=children,
        location=_location(area, gemeente.name if gemeente else area.gemeente_code),
    )


#: A locator map shows at most about this many neighbours; in a larger gemeente (a national
#: installation's "gemeente" of 14,000 buurten) only those around the area.
LOCATOR_MAX_AREAS = 400
LOCATOR_MARGIN_M = 1500.0  #: the window around the area: its own size twice, plus this


def _location(area: Area, gemeente: str) -> LocatorMap:
    """The area among the gemeente's areas of its level, as a small map; in a gemeente with
    very many areas, among those around it (a window in SQL, not every shape of the level)."""
    neighbours = Area.objects.filter(
        gemeente_code=area.gemeente_code, level=area.level, division=area.division
    ).exclude(map_path="")
    around = ""
    if area.map_bounds and neighbours.count() > LOCATOR_MAX_AREAS:
        xmin, ymin, xmax, ymax = area.map_bounds
        margin = 2 * max(xmax - xmin, ymax - ymin) + LOCATOR_MARGIN_M
        neighbours = neighbours.filter(
            map_xmax__gte=xmin - margin,
            map_xmin__lte=xmax + margin,
            map_ymax__gte=ymin - margin,
            map_ymin__lte=ymax + margin,
        )
        around = " (en omgeving)"
    shapes = [
        MapArea(
            code=other.code,
            name=other.name,
            path=other.map_path,
            bounds=other.map_bounds,
            value=None,
            display="deze " + area.get_level_display() if other.pk == area.pk else "gebiedsprofiel",
            href=area_href(other),
        )
        for other in neighbours
    ]
    title = f"Ligging van {area.name} in {gemeente}{around}"
    return LocatorMap(tuple(shapes), area.code, title)


def _measures_of(area: Area) -> list[str]:
    names = Figure.objects.filter(area=area, month__isnull=True).values_list(
        "measure__name", flat=True
    )
    return sorted(set(names) - {POPULATION})


def _rows_for(
    count: IndicatorDefinition, figures: FigureSet, area: Area, has_population: bool
) -> list[ProfileRow]:
    definitions = [count] + ([per_1000(count)] if has_population else [])
    rows = []
    for definition in definitions:
        history = series(definition, figures, area.code)
        if not history:
            continue
        year, latest = history[-1]
        previous = dict(history).get(year - 1)
        change = None
        if previous is not None and previous.value:
            change = (latest.value - previous.value) / abs(previous.value) * 100
        unit = definition.unit
        rows.append(
            ProfileRow(
                label=definition.name,
                unit=unit,
                year=year,
                decimals=definition.decimals,
                value=latest.value,
                change_pct=change,
                sparkline=Sparkline(
                    tuple(v.value for _, v in history), f"Verloop {history[0][0]}–{year}"
                ),
                gemeente=_value(definition, figures, area.gemeente_code, year),
                nederland=_value(definition, figures, NETHERLANDS, year),
                rank=_rank(definition, area, year),
                notes=list(latest.notes),
            )
        )
    return rows


def _value(
    definition: IndicatorDefinition, figures: FigureSet, code: str, year: int
) -> float | None:
    value = indicator_value(definition, figures, code, year)
    return value.value if value else None


def _rank(definition: IndicatorDefinition, area: Area, year: int) -> Rank | None:
    """The place among the gemeente's areas of the same level and division (shown as '3e
    hoogste van 18 buurten'); None when the area has no value.

    The profile's rows are one measure, as a count or per 1,000 inhabitants (the population
    of the year or the latest earlier one, as the engine divides): read as plain numbers for
    the whole level in two queries, without an area or engine object per area, so that a
    buurt among 14,000 ranks as fast as among 100."""
    areas = Area.objects.filter(
        gemeente_code=area.gemeente_code, level=area.level, division=area.division
    )  # as a subquery: each area's figure is then one seek in the unique key (ADR 0023)
    same_level = Figure.objects.filter(area_id__in=areas.values("pk"))
    (measure,) = definition.measures
    values = dict(
        same_level.filter(measure__name=measure, period=str(year)).values_list("area_id", "value")
    )
    if definition.per_1000:
        population: dict[int, float] = {}
        kept = FigurePeriod.objects.filter(
            measure__name=definition.per_1000,
            gemeente_code=area.gemeente_code,
            level=area.level,
            division=area.division,
            month__isnull=True,
            year__lte=year,
        )
        for candidate in kept.order_by("-year").values_list("year", flat=True):
            rows = same_level.filter(measure__name=definition.per_1000, period=str(candidate))
            for area_id, value in rows.values_list("area_id", "value"):
                population.setdefault(area_id, value)  # the newest year up to ``year`` wins
            if values.keys() <= population.keys():  # mostly after the first year read
                break
        values = {
            pk: value / population[pk] * 1000
            for pk, value in values.items()
            if population.get(pk, 0) > 0
        }
    if area.pk not in values:
        return None
    own = values[area.pk]
    rank = 1 + sum(1 for value in values.values() if value > own)  # equal values share a rank
    return Rank(rank, len(values), LEVEL_PLURAL[area.level])
