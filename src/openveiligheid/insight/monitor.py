"""The monitor for the two-weekly meeting with the police: one period (two weeks or a month).

For the chosen period: every measure with figures (or incidents) per wijk, with the change
against the previous period and against the same period a year earlier; the signals of that
period; the hot- and coldspots of that period (or, said in words, of the nearest earlier one);
the incident grid (a yearly analysis, said in words); and the agreements of the meeting
(:class:`~openveiligheid.insight.models.MeetingNote`, kept with every earlier version).

Everything here reads stored figures, incidents and stored analysis results; nothing is
computed with the statistics libraries at page time. The functions return numbers and codes
in dataclasses; templates write them out.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import GEMEENTE, WIJK
from openveiligheid.core.measures import better_direction, is_sensitive
from openveiligheid.core.measures import label_for as catalogue_label
from openveiligheid.core.suppression import (
    SECONDARY_TEXT,
    SMALLEST_SHOWN,
    is_small,
    shown_text,
    suppress_table,
)
from openveiligheid.figures.incidents import incident_measure
from openveiligheid.figures.models import Figure, FigurePeriod, Incident, Measure
from openveiligheid.insight import twoweekly
from openveiligheid.insight.models import (
    GridCell,
    HotspotResult,
    MeetingNote,
    Signal,
    SpaceTimeResult,
)
from openveiligheid.insight.results import hotspot_words, outline_class
from openveiligheid.insight.twoweekly import label_for
from openveiligheid.ui.links import area_href
from openveiligheid.ui.maps import MapArea, choropleth, outline_legend

MAX_WIJK_TABLES = 6  #: more measures than this: the tables per wijk one at a time (page size)
SMALL_COUNT = SMALLEST_SHOWN  #: grid cells with fewer incidents show no count
TWO_WEEKS, MONTH = "twee weken", "maand"

#: The early-warning methods in words (``Signal.method``).
METHOD_WORDS = {
    "farrington": "vergeleken met dezelfde tijd in eerdere jaren",
    "ears": "vergeleken met de perioden ervoor",
    "te-weinig-gegevens": "te weinig gegevens om te beoordelen",
}


# --- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodKey:
    """A monitor period: a two-week block (``2017-08-28``) or a month (``2017-08``)."""

    text: str
    kind: str  # TWO_WEEKS or MONTH

    @property
    def first(self) -> dt.date:
        if self.kind == TWO_WEEKS:
            return dt.date.fromisoformat(self.text)
        return dt.date(int(self.text[:4]), int(self.text[5:7]), 1)

    @property
    def last(self) -> dt.date:
        if self.kind == TWO_WEEKS:
            return self.first + dt.timedelta(days=twoweekly.DAYS - 1)
        first = self.first
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])

    @property
    def label(self) -> str:
        return label_for(self.text)

    def shifted(self, steps: int) -> PeriodKey:
        """The period ``steps`` back (two weeks or months); 26 blocks or 12 months is a year."""
        if self.kind == TWO_WEEKS:
            return block_period(twoweekly.block_of(self.first) - steps)
        index = self.first.year * 12 + self.first.month - 1 - steps
        return month_period(index // 12, index % 12 + 1)

    @property
    def year_back(self) -> int:
        return twoweekly.PER_YEAR if self.kind == TWO_WEEKS else 12


def block_period(block: int) -> PeriodKey:
    return PeriodKey(twoweekly.block_text(block), TWO_WEEKS)


def month_period(year: int, month: int) -> PeriodKey:
    return PeriodKey(f"{year}-{month:02d}", MONTH)


def parse_key(text: str | None) -> PeriodKey | None:
    """A period from its text, or None for anything else."""
    if not text:
        return None
    if twoweekly.is_block_text(text):
        return block_period(twoweekly.block_of(dt.date.fromisoformat(text)))
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        month = int(text[5:])
        return month_period(int(text[:4]), month) if 1 <= month <= 12 else None
    return None


def month_keys(gemeente_code: str) -> list[PeriodKey]:
    """Months with a figure of any measure for a wijk of the gemeente."""
    found = (
        FigurePeriod.objects.filter(gemeente_code=gemeente_code, level=WIJK, month__isnull=False)
        .values_list("year", "month")
        .distinct()
    )
    return [month_period(year, month) for year, month in found]


def _incidents(gemeente_code: str):
    return Incident.objects.filter(area__gemeente_code=gemeente_code, area__parent__isnull=False)


def block_range(gemeente_code: str) -> range:
    """The two-week blocks that the gemeente's incidents cover completely."""
    span = _incidents(gemeente_code).aggregate(first=Min("reported_at"), last=Max("reported_at"))
    if span["first"] is None:
        return range(0)
    first, last = (timezone.localtime(span[k]).date() for k in ("first", "last"))
    return twoweekly.complete_blocks(first, last)


def block_keys(gemeente_code: str) -> list[PeriodKey]:
    return [block_period(block) for block in block_range(gemeente_code)]


def available_periods(gemeente_code: str) -> list[PeriodKey]:
    """Every period with data, newest first (by last day; two weeks before a month)."""
    keys = block_keys(gemeente_code) + month_keys(gemeente_code)
    return sorted(keys, key=lambda k: (k.last, k.kind == TWO_WEEKS), reverse=True)


# --- figures per wijk -------------------------------------------------------------------------


@dataclass
class Change:
    """The change of one count against an earlier one, with its words."""

    pct: float | None  # None when the earlier value is 0 or unknown
    difference: float | None
    word: str  # "stijging", "daling", "gelijk" or "" (no comparison)
    judgement: str = ""  # "beter", "slechter" or "" (direction unknown or no change)


def change_of(now: float | None, before: float | None, lower_is_better: bool | None) -> Change:
    if now is None or before is None:
        return Change(None, None, "")
    difference = now - before
    pct = difference / before * 100 if before else None
    word = "gelijk" if difference == 0 else ("stijging" if difference > 0 else "daling")
    judgement = ""
    if difference and lower_is_better is not None:
        judgement = "beter" if (difference < 0) == lower_is_better else "slechter"
    return Change(pct, difference, word, judgement)


def lower_is_better(measure: str) -> bool | None:
    """Which way is better for a measure, from the measure catalogue (``core.measures``):
    fewer crimes and incidents, more of them cleared; None where the catalogue cannot tell
    (the monitor then says only stijging or daling)."""
    direction = better_direction(measure)
    return None if not direction else direction == "lager"


@dataclass
class AreaRow:
    area: str
    href: str
    is_total: bool
    now: float | None
    previous: float | None
    year_before: float | None
    change_previous: Change
    change_year: Change
    hidden: bool = False  # a sensitive measure's count held back in a column: no change shown
    marks: dict[str, str] = field(default_factory=dict)  # column -> "< 5" or "x" where held back


@dataclass
class MeasureTable:
    name: str
    label: str
    total: AreaRow | None
    rows: list[AreaRow]  # the wijken, by name

    @property
    def slug(self) -> str:
        return "onderwerp-" + "".join(c if c.isalnum() else "-" for c in self.name.lower())


COLUMNS = ("now", "previous", "year_before")


def _row(area, values, key: PeriodKey, lower: bool | None) -> AreaRow:
    now = values.get(key.text)
    previous = values.get(key.shifted(1).text)
    year_before = values.get(key.shifted(key.year_back).text)
    return AreaRow(
        area=area.name,
        href=area_href(area),
        is_total=area.level == GEMEENTE,
        now=now,
        previous=previous,
        year_before=year_before,
        change_previous=change_of(now, previous, lower),
        change_year=change_of(now, year_before, lower),
    )


def suppress_rows(rows: list[AreaRow]) -> None:
    """Hold back the small counts of a sensitive measure, column by column, with the rule of
    the public pages (:mod:`openveiligheid.core.suppression`): 1 to 4 as "< 5", and a wijk
    (or the gemeente total) as "x" where it would let a held-back count be computed back. A
    row with a count held back shows no change (a change would give the count away)."""
    wijken = [r for r in rows if not r.is_total]
    total_row = next((r for r in rows if r.is_total), None)
    for column in COLUMNS:
        cells = {i: round(v) for i, r in enumerate(wijken) if (v := getattr(r, column)) is not None}
        total = None if total_row is None else getattr(total_row, column)
        total = None if total is None else round(total)
        if total is not None and total >= sum(cells.values()):
            # the part of the total in no wijk (incidents without a buurt, unknown areas) is a
            # cell of its own: treated as known to the reader, which only hides more
            cells["rest"] = total - sum(cells.values())
        elif total is not None:
            total = None  # a total below its parts cannot be checked: not shown
            setattr(total_row, column, None)
            total_row.marks[column] = SECONDARY_TEXT
        shown, shown_total = suppress_table(cells, total)
        for i, row in enumerate(wijken):
            if i in shown and shown[i] is None:
                _hold_back(row, column, shown_text(cells[i], None))
        if total is not None and shown_total is None:
            _hold_back(total_row, column, shown_text(total, None))


def _hold_back(row: AreaRow, column: str, mark: str) -> None:
    setattr(row, column, None)
    row.marks[column] = mark
    row.hidden = True
    row.change_previous = row.change_year = Change(None, None, "")


def _label(measure: Measure) -> str:
    return measure.label or catalogue_label(measure.name) or measure.name


def month_tables(gemeente_code: str, key: PeriodKey) -> list[MeasureTable]:
    """Per measure with a wijk figure in the month: the gemeente and its wijken, with the
    previous month and the same month a year earlier."""
    wanted = [key, key.shifted(1), key.shifted(12)]
    rows = Figure.objects.filter(
        area__gemeente_code=gemeente_code,
        area__level__in=[GEMEENTE, WIJK],
        year__in={k.first.year for k in wanted},
        month__in={k.first.month for k in wanted},
    ).values_list(
        "measure_id", "area_id", "area__level", "area__division", "year", "month", "value"
    )
    wanted_texts = {k.text for k in wanted}
    values: dict = defaultdict(lambda: defaultdict(dict))
    divisions: dict = defaultdict(set)  # measure -> divisions with a wijk figure in the month
    for measure, area, level, division, year, month, value in rows:
        text = f"{year}-{month:02d}"
        if text not in wanted_texts:
            continue
        values[measure][area][text] = value
        if text == key.text and level == WIJK:
            divisions[measure].add(division)
    measures = {m.pk: m for m in Measure.objects.filter(pk__in=divisions)}
    areas = {a.pk: a for a in Area.objects.filter(pk__in={a for v in values.values() for a in v})}
    tables = []
    for measure_id, found in divisions.items():
        measure = measures[measure_id]
        division = max(found)  # the newest division that has the month
        lower = lower_is_better(measure.name)
        mine = [
            _row(areas[a], v, key, lower)
            for a, v in values[measure_id].items()
            if areas[a].division == division and (areas[a].level == GEMEENTE or key.text in v)
        ]
        tables.append(_table(measure, mine))
    return sorted(tables, key=lambda t: t.label.lower())


def block_tables(gemeente_code: str, key: PeriodKey) -> list[MeasureTable]:
    """Per incident kind with incidents in the two weeks: counts per wijk (of the incident's
    buurt) and for the gemeente, against the previous two weeks and 26 blocks (364 days)
    earlier. Blocks that the data do not cover completely have no count."""
    covered = block_range(gemeente_code)
    wanted = [
        k for k in (key, key.shifted(1), key.shifted(26)) if twoweekly.block_of(k.first) in covered
    ]
    incidents = _incidents(gemeente_code)
    counts: dict = defaultdict(lambda: defaultdict(dict))  # code -> wijk id -> period -> n
    for k in wanted:
        start = timezone.make_aware(dt.datetime.combine(k.first, dt.time()))
        end = timezone.make_aware(dt.datetime.combine(k.last + dt.timedelta(days=1), dt.time()))
        found = (
            incidents.filter(reported_at__gte=start, reported_at__lt=end)
            .values_list("code", "area__parent_id")
            .annotate(n=Count("id"))
        )
        for code, wijk, n in found:
            counts[code][wijk][k.text] = float(n)
    codes = [c for c, per_wijk in counts.items() if any(key.text in v for v in per_wijk.values())]
    if not codes:
        return []
    division = incidents.values_list("area__division", flat=True).first()
    wijken = list(Area.objects.filter(gemeente_code=gemeente_code, division=division, level=WIJK))
    gemeente = Area.objects.filter(code=gemeente_code, division=division).first()
    measures = {
        m.name: m for m in Measure.objects.filter(name__in=[incident_measure(c) for c in codes])
    }
    present = {k.text for k in wanted}
    tables = []
    for code in codes:
        name = incident_measure(code)
        measure = measures.get(name) or Measure(name=name, label=catalogue_label(name))
        lower = lower_is_better(name)
        per_wijk = counts[code]
        rows = []
        for wijk in wijken:  # a wijk without incidents counted 0: that is data too
            values = {text: per_wijk.get(wijk.pk, {}).get(text, 0.0) for text in present}
            rows.append(_row(wijk, values, key, lower))
        if gemeente is not None:
            totals = {text: sum(v.get(text, 0.0) for v in per_wijk.values()) for text in present}
            rows.append(_row(gemeente, totals, key, lower))
        tables.append(_table(measure, rows))
    return sorted(tables, key=lambda t: t.label.lower())


def _table(measure: Measure, rows: list[AreaRow]) -> MeasureTable:
    if measure.sensitive or is_sensitive(measure.name):
        suppress_rows(rows)
    total = next((r for r in rows if r.is_total), None)
    wijken = sorted((r for r in rows if not r.is_total), key=lambda r: r.area.lower())
    return MeasureTable(measure.name, _label(measure), total, wijken)


# --- signals ----------------------------------------------------------------------------------


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


def signal_views(signals) -> list[SignalView]:
    return [
        SignalView(
            area=s.area.name,
            area_href=area_href(s.area),
            level=s.area.get_level_display(),
            measure=_label(s.measure),
            observed=s.observed,
            expected=s.expected,
            threshold=s.threshold,
            method=METHOD_WORDS.get(s.method, ""),
            unusual=s.unusual,
            since=s.since,
            description=s.description,
            alarm=s.alarm,
        )
        for s in signals
    ]


# --- hotspots ---------------------------------------------------------------------------------


@dataclass
class ClassGroup:
    """Areas of one measure and level that share a class, for a compact table."""

    measure: str
    level: str
    label: str
    code: str
    areas: list[tuple[str, str]]  # (name, href)


@dataclass
class HotspotPart:
    """The hot- and coldspots of one measure for the chosen period, or what is shown instead."""

    measure: str
    period: str  # the stored period shown ("" when none)
    period_label: str
    same_period: bool  # False: another (earlier) period, which the page says in words
    newest_label: str  # the newest stored period, for "niet beschikbaar; de nieuwste …"
    groups: list[ClassGroup]


def _period_end(text: str) -> dt.date:
    if len(text) == 4:
        return dt.date(int(text), 12, 31)
    key = parse_key(text)
    return key.last if key else dt.date.max


def hotspot_parts(gemeente_code: str, key: PeriodKey) -> list[HotspotPart]:
    """Per measure: Gi* hot- and coldspots of the chosen month; for a two-week period or a
    month without an analysis, the newest analysed month or year that ended by then."""
    stored = HotspotResult.objects.filter(area__gemeente_code=gemeente_code)
    periods: dict[int, set[str]] = defaultdict(set)
    for measure_id, period in stored.values_list("measure_id", "period").distinct():
        periods[measure_id].add(period)
    measures = {m.pk: m for m in Measure.objects.filter(pk__in=periods)}
    parts = []
    for measure_id, texts in periods.items():
        label = _label(measures[measure_id])
        newest = max(texts, key=_period_end)
        if key.text in texts:
            shown = key.text
        else:
            earlier = [t for t in texts if _period_end(t) <= key.last]
            shown = max(earlier, key=_period_end) if earlier else ""
        groups = []
        if shown:
            rows = (
                stored.filter(
                    measure_id=measure_id, period=shown, hotspot_class__in=["hotspot", "coldspot"]
                )
                .select_related("area")
                .order_by("area__level", "hotspot_class", "-confidence", "area__name")
            )
            groups = _grouped(
                rows,
                label,
                lambda r: hotspot_words(r.hotspot_class, r.confidence),
                lambda r: r.hotspot_class,
            )
        parts.append(
            HotspotPart(
                label,
                shown,
                label_for(shown) if shown else "",
                shown == key.text,
                label_for(newest),
                groups,
            )
        )
    return sorted(parts, key=lambda p: p.measure.lower())


def _grouped(rows, measure: str, label_of, code_of) -> list[ClassGroup]:
    groups: dict[tuple, ClassGroup] = {}
    for row in rows:
        group = (row.area.level, label_of(row))
        if group not in groups:
            groups[group] = ClassGroup(
                measure, row.area.get_level_display(), group[1], code_of(row), []
            )
        groups[group].areas.append((row.area.name, area_href(row.area)))
    return list(groups.values())


def space_time_classes(gemeente_code: str) -> list[ClassGroup]:
    """Areas per space-time class (Chainey), per measure and level; no-pattern areas left out."""
    rows = (
        SpaceTimeResult.objects.filter(area__gemeente_code=gemeente_code)
        .exclude(code__in=["no_pattern", "not_computed"])
        .select_related("area", "measure")
        .order_by("measure__name", "area__level", "code", "area__name")
    )
    groups: dict[tuple, ClassGroup] = {}
    for row in rows:
        label = f"{row.label} ({row.first_period}–{row.last_period})"
        group = (row.measure_id, row.area.level, label)
        if group not in groups:
            groups[group] = ClassGroup(
                _label(row.measure), row.area.get_level_display(), label, row.code, []
            )
        groups[group].areas.append((row.area.name, area_href(row.area)))
    return list(groups.values())


# --- the incident grid ------------------------------------------------------------------------


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
    period: str  # the year of the grid
    covers_period: bool  # whether the chosen period lies in that year
    map: object  # the classified cells (ui.maps.Choropleth): classes, legend
    outline_legend: list
    cells: int
    hot_cells: int
    rows: list[GridRow]


def safe_count(count: int) -> int | None:
    """The count, or None when it is too small to show (a cell must not point at incidents)."""
    return None if is_small(count) else count


def grid_views(gemeente_code: str, key: PeriodKey | None = None) -> list[GridView]:
    """Per incident measure, the newest grid (a whole year): density classes, hot cells
    outlined, and the hot cells summed per buurt."""
    cells = GridCell.objects.filter(gemeente_code=gemeente_code)
    views = []
    for measure_id in sorted(set(cells.values_list("measure_id", flat=True))):
        mine = list(
            cells.filter(measure_id=measure_id)
            .select_related("measure")
            .only(
                "measure__name",
                "measure__label",
                "period",
                "cell_id",
                "area_name",
                "map_path",
                "map_xmin",
                "map_ymin",
                "map_xmax",
                "map_ymax",
                "count",
                "density",
                "hotspot_class",
                "confidence",
            )
            .order_by("cell_id")
        )
        label = _label(mine[0].measure)
        period = mine[0].period
        areas, outlines, hot = [], {}, []
        for cell in (c for c in mine if c.map_path):
            # Only hot cells are outlined: in a mostly empty grid "coldspot" mostly says
            # "nothing here, nor next door" and would cover the map with dashes.
            css = (
                outline_class(cell.hotspot_class, cell.confidence)
                if cell.hotspot_class == "hotspot"
                else None
            )
            if css:
                outlines[cell.cell_id] = (css, hotspot_words(cell.hotspot_class, cell.confidence))
                hot.append(cell)
            areas.append(
                MapArea(
                    code=cell.cell_id,
                    name="",
                    path=cell.map_path,
                    bounds=(cell.map_xmin, cell.map_ymin, cell.map_xmax, cell.map_ymax),
                    value=round(cell.density),
                    display="",
                    href="",
                    outline=css,
                )
            )
        title = f"{label}: dichtheid per km² in {period}"
        classified = choropleth(areas, title=title, decimals=0)
        year = int(period) if period.isdigit() else None
        views.append(
            GridView(
                measure=label,
                period=period,
                covers_period=key is not None
                and year is not None
                and key.first.year == year == key.last.year,
                map=classified,
                outline_legend=outline_legend(outlines),
                cells=len(mine),
                hot_cells=len(hot),
                rows=_hot_cells_per_buurt(hot),
            )
        )
    return views


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


# --- the agreements of the meeting --------------------------------------------------------------


@dataclass
class Notes:
    current: MeetingNote | None
    earlier: list[MeetingNote]


def notes_of(gemeente_code: str, period: str) -> Notes:
    """The agreements of one period: the newest version and every earlier one, newest first."""
    versions = list(
        MeetingNote.objects.of_gemeente(gemeente_code).filter(period=period).order_by("-version")
    )
    return Notes(versions[0] if versions else None, versions[1:])


class NoteConflict(Exception):
    """Someone else saved a version of the same period at the same moment."""


def save_notes(
    gemeente_code: str, period: str, agreements: list[dict], text: str, user
) -> MeetingNote | None:
    """Store the agreements as a new version (never overwriting one); None when nothing
    changed against the current version (or nothing was written and there is none)."""
    agreements = [
        {"wie": a.get("wie", ""), "wat": a.get("wat", ""), "wanneer": a.get("wanneer", "")}
        for a in agreements
    ]
    text = text.strip()
    current = notes_of(gemeente_code, period).current
    if current is None and not agreements and not text:
        return None
    if current is not None and current.agreements == agreements and current.text == text:
        return None
    name = (user.get_full_name() or user.get_username()) if user is not None else ""
    try:
        with transaction.atomic():
            return MeetingNote.objects.create(
                gemeente_code=gemeente_code,
                period=period,
                version=(current.version + 1) if current else 1,
                agreements=agreements,
                text=text,
                created_by=user if getattr(user, "is_authenticated", False) else None,
                created_by_name=name,
            )
    except IntegrityError as error:  # the same version number: a save at the same moment
        raise NoteConflict from error


# --- the page ---------------------------------------------------------------------------------


@dataclass
class Monitor:
    periods: list[PeriodKey]
    key: PeriodKey | None
    asked: str = ""  # the period asked for, when it was not available
    tables: list[MeasureTable] = field(default_factory=list)
    detail: list[MeasureTable] = field(default_factory=list)  # the tables per wijk shown
    chosen_measure: str = ""
    signals: list[SignalView] = field(default_factory=list)
    series_count: int = 0  # series judged in the period (0: no early warning for it)
    hotspots: list[HotspotPart] = field(default_factory=list)
    hotspot_classes: list[ClassGroup] = field(default_factory=list)
    grids: list[GridView] = field(default_factory=list)

    @property
    def period(self) -> str | None:
        return self.key.text if self.key else None

    @property
    def period_label(self) -> str:
        return self.key.label if self.key else ""

    @property
    def previous_label(self) -> str:
        return self.key.shifted(1).label if self.key else ""

    @property
    def year_before_label(self) -> str:
        return self.key.shifted(self.key.year_back).label if self.key else ""

    @property
    def period_groups(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """The period menu: two-week periods first (the meeting's rhythm), then months."""
        groups: dict[str, list] = {"Twee weken": [], "Maanden": []}
        for key in self.periods:
            group = "Twee weken" if key.kind == TWO_WEEKS else "Maanden"
            groups[group].append((key.text, key.label, key == self.key))
        return [(name, options) for name, options in groups.items() if options]


def monitor(gemeente_code: str, period: str | None = None, measure: str | None = None) -> Monitor:
    """The monitor of one period: the asked one if it has data, else the newest."""
    periods = available_periods(gemeente_code)
    asked = parse_key(period)
    key = asked if asked in periods else (periods[0] if periods else None)
    result = Monitor(periods, key, asked=period if period and asked != key else "")
    if key is None:
        return result
    result.tables = (block_tables if key.kind == TWO_WEEKS else month_tables)(gemeente_code, key)
    names = [t.name for t in result.tables]
    if measure in names:
        result.chosen_measure = measure
        result.detail = [t for t in result.tables if t.name == measure]
    elif len(result.tables) <= MAX_WIJK_TABLES:
        result.detail = result.tables
    stored = Signal.objects.filter(area__gemeente_code=gemeente_code, period=key.text)
    alarms = (
        stored.filter(alarm=True)
        .select_related("area", "measure")
        .order_by("p_adjusted", "-observed")
    )
    result.signals = signal_views(alarms)
    result.series_count = stored.count()
    result.hotspots = hotspot_parts(gemeente_code, key)
    result.hotspot_classes = space_time_classes(gemeente_code)
    result.grids = grid_views(gemeente_code, key)
    return result


# --- the start page -----------------------------------------------------------------------------


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
    return SignalSummary(label_for(period), signal_views(alarms), in_period.count())
