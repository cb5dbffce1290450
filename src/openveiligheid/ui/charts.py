"""Charts as inline SVG, drawn on the server: no JavaScript, nothing loaded from elsewhere.

Every chart is an image with a text alternative; the pages put a table with the same numbers
next to it. Lines differ in dash pattern and marker as well as colour, so that colour is never
the only cue.

A page's result holds a chart as data (:class:`Sparkline`, :class:`LineChart`: the numbers
and labels); its ``svg`` draws it, escaped by ``format_html``, when a template asks.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from openveiligheid.indicators.formatting import format_number


@dataclass(frozen=True)
class Line:
    """One line of a chart: points (x label, value or None) and how it is drawn."""

    label: str
    points: Sequence[tuple[int, float | None]]
    css: str  # "lijn-waarde", "lijn-vergelijking" or "lijn-doel"


@dataclass(frozen=True)
class Sparkline:
    """A small line of a series (oldest first); false when there is nothing to draw."""

    values: tuple[float | None, ...]
    label: str
    width: int = 120
    height: int = 32

    def __bool__(self) -> bool:
        return sum(v is not None for v in self.values) >= 2

    @functools.cached_property
    def svg(self) -> SafeString:
        return sparkline(self.values, self.label, self.width, self.height)


@dataclass(frozen=True)
class LineChart:
    """A line chart over years; false when no line has a value."""

    lines: tuple[Line, ...]
    title: str
    decimals: int = 1
    width: int = 720
    height: int = 300

    def __bool__(self) -> bool:
        return any(v is not None for line in self.lines for _, v in line.points)

    @functools.cached_property
    def svg(self) -> SafeString:
        return line_chart(self.lines, self.title, self.decimals, self.width, self.height)


def sparkline(
    values: Sequence[float | None], label: str, width: int = 120, height: int = 32
) -> SafeString:
    """A small line of a series (oldest first), with a dot on the last value."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return SafeString()
    low, high = _range([v for _, v in known])
    step = (width - 6) / max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return 3 + i * step, height - 3 - (v - low) / (high - low) * (height - 6)

    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in known))
    last_x, last_y = xy(*known[-1])
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}"><polyline points="{}" fill="none" stroke="currentColor" '
        'stroke-width="1.5"/><circle cx="{}" cy="{}" r="2.5" fill="currentColor"/></svg>',
        width,
        height,
        width,
        height,
        label,
        points,
        f"{last_x:.1f}",
        f"{last_y:.1f}",
    )


def line_chart(
    lines: Sequence[Line],
    title: str,
    decimals: int = 1,
    width: int = 720,
    height: int = 300,
) -> SafeString:
    """A line chart over years with a y axis in Dutch numbers and a legend."""
    years = sorted({x for line in lines for x, v in line.points if v is not None})
    values = [v for line in lines for _, v in line.points if v is not None]
    if not years or not values:
        return SafeString()
    low, high = _range(values, floor_zero=True)
    left, right, top, bottom = 64, 16, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    span = max(years[-1] - years[0], 1)

    def xy(year: int, value: float) -> tuple[float, float]:
        x = left + (year - years[0]) / span * plot_w if len(years) > 1 else left + plot_w / 2
        return x, top + plot_h - (value - low) / (high - low) * plot_h

    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}{}{}</svg>",
        width,
        height,
        title,
        title,
        _axes(years, low, high, xy, decimals, left, width - right),
        _joined(_polyline(line, xy) for line in lines),
        _legend(lines, left, height - 18),
    )


def _joined(parts) -> SafeString:
    """Safe fragments one after the other (each escaped by ``format_html`` already)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _range(values: Sequence[float], floor_zero: bool = False) -> tuple[float, float]:
    low, high = min(values), max(values)
    if floor_zero and low >= 0:
        low = 0.0
    if high == low:
        high = low + (abs(low) or 1.0)
    return low, high + (high - low) * (0.08 if floor_zero else 0)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = (high - low) / (count - 1)
    return [low + i * step for i in range(count)]


def _axes(years, low, high, xy, decimals, x0, x1) -> SafeString:
    parts = []
    for tick in _ticks(low, high):
        _, y = xy(years[0], tick)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" class="as-raster"/>'
                '<text x="{}" y="{}" text-anchor="end" class="as-label">{}</text>',
                x0,
                x1,
                x0 - 6,
                f"{y + 4:.1f}",
                format_number(tick, decimals if high - low < 10 else 0),
                y=f"{y:.1f}",
            )
        )
    every = max(1, len(years) // 10)
    for year in years[::every]:
        x, y = xy(year, low)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="as-label">{}</text>',
                f"{x:.1f}",
                f"{y + 18:.1f}",
                year,
            )
        )
    return _joined(parts)


def _polyline(line: Line, xy) -> SafeString:
    """A line through the known points; a gap (missing year) breaks the line."""
    parts, run, previous = [], [], None
    for x, value in sorted(line.points, key=lambda p: p[0]) + [(None, None)]:
        if value is None or x is None or (previous is not None and x - previous > 1):
            if len(run) > 1:
                points = " ".join(f"{a:.1f},{b:.1f}" for a, b in run)
                parts.append(
                    format_html('<polyline points="{}" class="{}" fill="none"/>', points, line.css)
                )
            run = []
        if value is None or x is None:
            previous = None
            continue
        run.append(xy(x, value))
        previous = x
    parts += [_marker(line.css, *xy(x, value)) for x, value in line.points if value is not None]
    return _joined(parts)


def _marker(css: str, x: float, y: float) -> SafeString:
    if css == "lijn-doel":
        return format_html(
            '<rect x="{}" y="{}" width="8" height="3" class="{}-punt"/>',
            f"{x - 4:.1f}",
            f"{y - 1.5:.1f}",
            css,
        )
    if css == "lijn-vergelijking":
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" class="{}-punt"/>',
            f"{x - 3.5:.1f}",
            f"{y - 3.5:.1f}",
            css,
        )
    return format_html(
        '<circle cx="{}" cy="{}" r="4" class="{}-punt"/>', f"{x:.1f}", f"{y:.1f}", css
    )


def _legend(lines: Sequence[Line], x: float, y: float) -> SafeString:
    parts = []
    for line in lines:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="{}"/>'
                '<text x="{}" y="{}" class="as-label">{}</text>',
                f"{x:.0f}",
                f"{x + 28:.0f}",
                y - 4,
                y - 4,
                line.css,
                f"{x + 34:.0f}",
                y,
                line.label,
            )
        )
        x += 48 + 7.5 * len(line.label)
    return _joined(parts)
