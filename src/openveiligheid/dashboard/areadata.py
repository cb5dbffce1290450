"""Figures per wijk and buurt for the map, indicator and area pages.

What can be mapped (a *subject*) is a plan indicator or a measure with figures per wijk or buurt.
Every value comes from the indicator engine (:func:`indicators.services.level_values`); this
module chooses and sorts; the rows carry numbers, which the templates format. Rates of areas
with few inhabitants are marked, not coloured.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import BUURT, WIJK
from openveiligheid.core.periods import Period
from openveiligheid.core.statuses import VOORLOPIG
from openveiligheid.figures.models import FigurePeriod
from openveiligheid.figures.services import measure_labels
from openveiligheid.indicators.engine import POPULATION, IndicatorDefinition
from openveiligheid.indicators.formatting import format_number
from openveiligheid.indicators.services import AreaValue, LevelValues, level_values, plan_division
from openveiligheid.insight.results import AreaAnalysis
from openveiligheid.policy.models import Plan
from openveiligheid.ui.links import area_href
from openveiligheid.ui.maps import LINKED_AREAS_MAX, Choropleth, MapArea, choropleth

LEVELS = {WIJK: "wijk", BUURT: "buurt"}
LEVEL_PLURAL = {WIJK: "wijken", BUURT: "buurten"}
SORTS = {"naam", "waarde", "code"}


@dataclass(frozen=True)
class Subject:
    """Something that can be shown per area: a plan indicator or a measure."""

    key: str
    label: str
    definition: IndicatorDefinition
    kind: str  # "indicator" or "maat"

    @property
    def can_rate(self) -> bool:
        """A count can be shown per 1,000 inhabitants; a rate or reported figure cannot."""
        return not self.definition.per_1000 and not self.definition.reported


def subjects(plan: Plan) -> list[Subject]:
    """The plan's indicators, then every measure with figures per wijk or buurt."""
    found = [
        Subject(f"indicator:{i.key}", i.name, i.to_definition(), "indicator")
        for i in plan.indicators.all()
    ]
    names = sorted(
        set(
            FigurePeriod.objects.filter(gemeente_code=plan.gemeente_code, level__in=LEVELS)
            .values_list("measure__name", flat=True)
            .distinct()
        )
        - {POPULATION}
    )
    labels = measure_labels(names)
    for name in names:
        definition = count_of(name, labels.get(name))
        found.append(Subject(f"maat:{name}", f"{definition.name} (aantal)", definition, "maat"))
    return found


def count_of(measure: str, label: str | None = None) -> IndicatorDefinition:
    """The plain count of one measure, as an indicator the engine can evaluate."""
    return IndicatorDefinition(
        id=measure, name=label or measure, measures=(measure,), decimals=0, unit="aantal"
    )


def per_1000(definition: IndicatorDefinition) -> IndicatorDefinition:
    """The same count divided by the population, times 1,000."""
    return dataclasses.replace(
        definition, per_1000=POPULATION, decimals=1, unit="per 1.000 inwoners", targets={}
    )


def periods_with_figures(
    definition: IndicatorDefinition, gemeente: str, level: str, months: bool = True
) -> list[Period]:
    """Years, then months, with figures of the subject's first measure at this level (from the
    kept list, :mod:`openveiligheid.figures.periods`)."""
    measures = (definition.reported,) if definition.reported else definition.measures
    found = FigurePeriod.objects.filter(
        measure__name=measures[0], gemeente_code=gemeente, level=level
    )
    if not months:
        found = found.filter(month__isnull=True)
    periods = {Period(y, m) for y, m in found.values_list("year", "month")}
    years = sorted(p for p in periods if p.month is None)
    return years + sorted(p for p in periods if p.month is not None)


# --- rows of a table, areas of a map -----------------------------------------------------------


@dataclass(slots=True)  # not frozen: a national map makes 14,000
class AreaRow:
    """One area's value (unrounded; ``decimals`` says how it is shown) with its population."""

    code: str
    name: str
    value: float | None
    decimals: int
    population: float | None
    small: bool
    notes: tuple[str, ...]
    href: str
    smoothed: float | None = None  # Empirical Bayes rate per 1,000, when the analyses computed one
    lower: float | None = None  # its 95% band
    upper: float | None = None


def is_small(row: AreaValue, rated: bool, minimum: float | None = None) -> bool:
    """A rate of an area with fewer inhabitants than ``minimum`` (the setting
    ``MIN_POPULATION_FOR_RATE``) is too unstable to colour."""
    if not rated or row.value is None:
        return False
    if minimum is None:
        minimum = settings.MIN_POPULATION_FOR_RATE
    return row.population is None or row.population < minimum


def area_rows(
    found: LevelValues,
    definition: IndicatorDefinition,
    analysis: Mapping[str, AreaAnalysis] | None = None,
) -> list[AreaRow]:
    """A table row per area. ``analysis`` (area code -> what the analyses stored) adds the
    sentence that says what the area is (hot/coldspot, cluster or outlier) and, for a rate,
    the EB-smoothed rate and its band."""
    rated = bool(definition.per_1000)
    minimum = settings.MIN_POPULATION_FOR_RATE  # once: a setting is a lookup each time
    small_note = (
        f"minder dan {format_number(minimum, 0)} inwoners: cijfer per 1.000 is onbetrouwbaar"
    )
    analysis = analysis or {}
    decimals = definition.decimals
    rows = []
    for item in found.rows:  # 14,000 on a national map: every step here counts
        value, area = item.value, item.area
        notes = [*value.notes] if value else ["geen gegevens"]
        if value and value.status == VOORLOPIG:
            notes.append("voorlopig cijfer")
        small = is_small(item, rated, minimum)
        if small:
            notes.append(small_note)
        stored = analysis.get(area.code)
        smoothed = lower = upper = None
        if stored is not None:
            notes.append(stored.sentence or stored.words)
            if rated:
                smoothed, lower, upper = stored.smoothed, stored.lower, stored.upper
        rows.append(
            AreaRow(
                area.code,
                area.name,
                value.value if value else None,
                decimals,
                item.population,
                small,
                tuple(notes),
                area_href(area),
                smoothed,
                lower,
                upper,
            )
        )
    return rows


def sort_rows(rows: list[AreaRow], key: str, descending: bool) -> list[AreaRow]:
    """Sort by name, code or value; areas without a value always come last."""
    if key == "waarde":
        with_value = sorted(
            (r for r in rows if r.value is not None),
            key=lambda r: r.value,
            reverse=descending,
        )
        return with_value + [r for r in rows if r.value is None]
    field = "code" if key == "code" else "name"
    return sorted(rows, key=lambda r: getattr(r, field).lower(), reverse=descending)


def map_of(
    rows: list[AreaRow],
    gemeente: str,
    division: int | None,
    title: str,
    outlines: dict[str, tuple[str, str]] | None = None,
) -> Choropleth:
    """The choropleth of the rows; ``outlines`` maps a code to (css class, label). Beyond
    ``LINKED_AREAS_MAX`` areas it is an overview, drawn from the coarser overview shapes."""
    overview = len(rows) > LINKED_AREAS_MAX
    shapes = {
        code: (path, (xmin, ymin, xmax, ymax))
        for code, path, xmin, ymin, xmax, ymax in Area.objects.filter(
            gemeente_code=gemeente, division=division
        )
        .exclude(map_path="")
        .values_list(
            "code",
            "map_path_overview" if overview else "map_path",
            "map_xmin",
            "map_ymin",
            "map_xmax",
            "map_ymax",
        )
    }
    outlines = outlines or {}
    areas = []
    for row in rows:
        path, bounds = shapes.get(row.code, ("", None))
        outline, label = outlines.get(row.code, (None, ""))
        areas.append(
            MapArea(
                code=row.code,
                name=row.name,
                path=path,
                bounds=bounds,
                value=row.value,
                display="" if overview else format_number(row.value, row.decimals),
                href=row.href,
                small=row.small,
                label=label,
                outline=outline,
            )
        )
    return choropleth(areas, title=title, overview=overview)


def values_for(
    plan: Plan, definition: IndicatorDefinition, level: str, when: int | Period
) -> LevelValues:
    """The subject per wijk or buurt of the plan's gemeente (:func:`level_values`)."""
    return level_values(definition, plan.gemeente_code, level, when, plan_division(plan))
