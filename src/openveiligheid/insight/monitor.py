"""The two-weekly monitor: signals, largest changes and hotspot classes of one period.

Everything here reads stored results (:mod:`openveiligheid.insight.models`) and stored
figures; nothing is computed with the statistics libraries at page time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openveiligheid.core.areacodes import GEMEENTE, WIJK
from openveiligheid.figures.services import measure_labels
from openveiligheid.indicators.formatting import format_number
from openveiligheid.insight import twoweekly
from openveiligheid.insight.models import GridCell, HotspotResult, Signal, SpaceTimeResult
from openveiligheid.insight.results import hotspot_words, outline_class
from openveiligheid.insight.twoweekly import label_for
from openveiligheid.ui.links import area_href
from openveiligheid.ui.maps import MapArea, choropleth, outline_legend

MIN_COUNT_FOR_CHANGE = 5  #: changes of smaller counts are noise, not news


@dataclass
class SignalView:
    area: str
    area_href: str
    level: str
    measure: str
    observed: float
    expected: float
    threshold: float
    method: str
    unusual: str
    since: int | None
    description: str
    alarm: bool


@dataclass
class ChangeView:
    area: str
    area_href: str
    measure: str
    now: float
    before: float
    change_pct: float | None
    difference: float


@dataclass
class Monitor:
    periods: list[str]
    period: str | None
    period_label: str
    signals: list[SignalView] = field(default_factory=list)
    series_count: int = 0
    changes: list[ChangeView] = field(default_factory=list)
    hotspot_classes: list = field(default_factory=list)
    hotspots_year: list = field(default_factory=list)
    grids: list = field(default_factory=list)
    min_count: int = MIN_COUNT_FOR_CHANGE

    @property
    def period_groups(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """The period menu: two-week periods first (the meeting's rhythm), then months."""
        groups = {"Twee weken": [], "Maanden": []}
        for period in self.periods:
            group = "Twee weken" if twoweekly.is_block_text(period) else "Maanden"
            groups[group].append((period, label_for(period), period == self.period))
        return [(name, options) for name, options in groups.items() if options]


def signal_views(signals, labels: dict[str, str]) -> list[SignalView]:
    return [
        SignalView(
            area=s.area.name,
            area_href=area_href(s.area),
            level=s.area.get_level_display(),
            measure=labels.get(s.measure.name) or s.measure.name,
            observed=s.observed,
            expected=s.expected,
            threshold=s.threshold,
            method=s.method,
            unusual=s.unusual,
            since=s.since,
            description=s.description,
            alarm=s.alarm,
        )
        for s in signals
    ]


def monitor(gemeente_code: str, period: str | None = None) -> Monitor:
    stored = Signal.objects.filter(area__gemeente_code=gemeente_code)
    periods = sorted(set(stored.values_list("period", flat=True)), reverse=True)
    chosen = period if period in periods else (periods[0] if periods else None)
    result = Monitor(periods, chosen, label_for(chosen) if chosen else "")
    if chosen is None:
        return result
    in_period = stored.filter(period=chosen).select_related("area", "measure")
    alarms = in_period.filter(alarm=True).order_by("p_adjusted", "-observed")
    labels = measure_labels(set(in_period.values_list("measure__name", flat=True)))
    result.signals = signal_views(alarms, labels)
    result.series_count = in_period.count()
    result.changes = largest_changes(gemeente_code, chosen, labels)
    result.hotspot_classes = space_time_classes(gemeente_code, labels)
    result.hotspots_year = latest_hotspots(gemeente_code, labels)
    result.grids = grid_views(gemeente_code)
    return result


def largest_changes(gemeente_code: str, period: str, labels, limit: int = 10):
    """The largest rises and falls against the same period a year earlier, for the gemeente
    and its wijken; both counts were stored with the signals of the period."""
    signals = (
        Signal.objects.filter(
            area__gemeente_code=gemeente_code,
            area__level__in=[GEMEENTE, WIJK],
            period=period,
            year_before__isnull=False,
        )
        .select_related("area", "measure")
        .order_by("area__code", "measure__name")
    )
    changes = []
    for signal in signals:
        now, then = signal.observed, signal.year_before
        if max(now, then) < MIN_COUNT_FOR_CHANGE:
            continue
        pct = (now - then) / then * 100 if then else None
        changes.append(
            ChangeView(
                area=signal.area.name,
                area_href=area_href(signal.area),
                measure=labels.get(signal.measure.name) or signal.measure.name,
                now=now,
                before=then,
                change_pct=pct,
                difference=now - then,
            )
        )
    return sorted(changes, key=lambda c: abs(c.difference), reverse=True)[:limit]


@dataclass
class ClassGroup:
    """Areas of one measure and level that share a class, for a compact table."""

    measure: str
    level: str
    label: str
    code: str
    areas: list[tuple[str, str]]  # (name, href)


def _grouped(rows, label_of, code_of, labels) -> list[ClassGroup]:
    groups: dict[tuple, ClassGroup] = {}
    for row in rows:
        measure = labels.get(row.measure.name) or row.measure.label or row.measure.name
        key = (measure, row.area.level, label_of(row))
        if key not in groups:
            groups[key] = ClassGroup(
                measure, row.area.get_level_display(), key[2], code_of(row), []
            )
        groups[key].areas.append((row.area.name, area_href(row.area)))
    return list(groups.values())


def space_time_classes(gemeente_code: str, labels) -> list[ClassGroup]:
    """Areas per space-time class (Chainey), per measure and level; no-pattern areas left out."""
    rows = (
        SpaceTimeResult.objects.filter(area__gemeente_code=gemeente_code)
        .exclude(code__in=["no_pattern", "not_computed"])
        .select_related("area", "measure")
        .order_by("measure__name", "area__level", "code", "area__name")
    )
    return _grouped(
        rows, lambda r: f"{r.label} ({r.first_period}–{r.last_period})", lambda r: r.code, labels
    )


def latest_hotspots(gemeente_code: str, labels) -> list[ClassGroup]:
    """Hot- and coldspots (Gi*, FDR) of the newest year, per measure and level."""
    stored = HotspotResult.objects.filter(
        area__gemeente_code=gemeente_code, period__regex=r"^\d{4}$"
    )  # years; the newest months have their own results, shown on the map
    rows = []
    for measure_id in sorted(set(stored.values_list("measure_id", flat=True))):
        mine = stored.filter(measure_id=measure_id)
        latest = max(mine.values_list("period", flat=True))
        rows += list(
            mine.filter(period=latest, hotspot_class__in=["hotspot", "coldspot"])
            .select_related("area", "measure")
            .order_by("area__level", "hotspot_class", "-confidence", "area__name")
        )
    return _grouped(
        rows,
        lambda r: f"{hotspot_words(r.hotspot_class, r.confidence)} in {r.period}",
        lambda r: r.hotspot_class,
        labels,
    )


# --- the incident grid ------------------------------------------------------------------------

SMALL_COUNT = 5  #: counts below this are shown as "< 5": a cell must not point at incidents


@dataclass
class GridRow:
    """Hotspot cells of one buurt: ``count`` is None below ``SMALL_COUNT`` (never shown)."""

    area: str
    count: int | None
    density: float  # the highest density of its cells, per km²
    cells: int
    count_below: int = SMALL_COUNT


@dataclass
class GridView:
    measure: str
    period: str
    map: object
    outline_legend: list
    cells: int
    rows: list[GridRow]


def safe_count(count: int) -> int | None:
    """The count, or None when it is too small to show (a cell must not point at incidents)."""
    return None if 0 < count < SMALL_COUNT else count


def shown_count(count: int) -> str:
    """The count as text: ``< 5`` where :func:`safe_count` hides it."""
    safe = safe_count(count)
    return f"< {SMALL_COUNT}" if safe is None else format_number(safe, 0)


def grid_views(gemeente_code: str) -> list[GridView]:
    """Per incident measure, the newest grid: density map with hot/coldspot cells outlined."""
    cells = GridCell.objects.filter(gemeente_code=gemeente_code).select_related("measure")
    views = []
    for measure_id in sorted(set(cells.values_list("measure_id", flat=True))):
        mine = list(cells.filter(measure_id=measure_id).order_by("cell_id"))
        label = mine[0].measure.label or mine[0].measure.name
        outlines, areas, rows = {}, [], []
        for cell in (c for c in mine if c.map_path):
            # Only hot cells are outlined: in a grid that is mostly empty, "coldspot" mostly
            # says "nothing here, nor next door" and would cover the map with dashes.
            hot = cell.hotspot_class == "hotspot"
            css = outline_class(cell.hotspot_class, cell.confidence) if hot else None
            words = hotspot_words(cell.hotspot_class, cell.confidence) if css else ""
            if css:
                outlines[cell.cell_id] = (css, words)
            display = f"{format_number(cell.density, 0)} per km² (aantal {shown_count(cell.count)})"
            areas.append(_cell_area(MapArea, cell, display, css, words))
            if css:
                rows.append(cell)
        title = f"{label}: dichtheid per km², {mine[0].period}"
        views.append(
            GridView(
                measure=label,
                period=mine[0].period,
                map=choropleth(areas, title=title, decimals=0),
                outline_legend=outline_legend(outlines),
                cells=len(mine),
                rows=_hot_cells_per_buurt(rows),
            )
        )
    return views


def _cell_area(map_area, cell: GridCell, display: str, css: str | None, words: str):
    return map_area(
        code=cell.cell_id,
        name=f"Vak bij {cell.area_name}" if cell.area_name else "Vak",
        path=cell.map_path,
        bounds=(cell.map_xmin, cell.map_ymin, cell.map_xmax, cell.map_ymax),
        value=round(cell.density),  # whole numbers: the classes of a skewed surface
        display=display,
        href="",
        label=words,
        outline=css,
    )


def _hot_cells_per_buurt(cells: list[GridCell]) -> list[GridRow]:
    """Hotspot cells summed per buurt (of the cell's centre), highest density first."""
    per_buurt: dict[str, list[GridCell]] = {}
    for cell in cells:
        per_buurt.setdefault(cell.area_name or "buiten de buurten", []).append(cell)
    rows = [
        GridRow(
            area=name,
            count=safe_count(sum(c.count for c in found)),
            density=max(c.density for c in found),
            cells=len(found),
        )
        for name, found in per_buurt.items()
    ]
    return sorted(rows, key=lambda r: -r.density)


@dataclass
class SignalSummary:
    """The newest month's signals, for the start page."""

    period_label: str
    signals: list[SignalView]
    series_count: int


def latest_signals(gemeente_code: str) -> SignalSummary | None:
    stored = Signal.objects.filter(area__gemeente_code=gemeente_code)
    period = stored.order_by("-period").values_list("period", flat=True).first()
    if period is None:
        return None
    in_period = stored.filter(period=period)
    alarms = in_period.filter(alarm=True).select_related("area", "measure").order_by("p_adjusted")
    labels = measure_labels(set(in_period.values_list("measure__name", flat=True)))
    return SignalSummary(label_for(period), signal_views(alarms, labels), in_period.count())
