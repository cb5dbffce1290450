"""Server-side SVG charts: sparklines and line charts (pure functions, no database)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from openveiligheid.ui.charts import Line, line_chart, sparkline

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    """The chart as XML; the charts have no xmlns, so add it to parse like the maps."""
    return ElementTree.fromstring(svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def polylines(svg: str, css: str) -> list[list[tuple[float, float]]]:
    found = []
    for line in parse(svg).iter(f"{SVG}polyline"):
        if line.get("class") == css:
            points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
            found.append(points)
    return found


# --- sparkline --------------------------------------------------------------------------------


def test_sparkline_needs_two_values() -> None:
    assert sparkline([], "Verloop") == ""
    assert sparkline([4.0], "Verloop") == ""
    assert sparkline([None, 4.0, None], "Verloop") == ""


def test_sparkline_is_a_labelled_image() -> None:
    svg = sparkline([3.0, None, 5.0, 4.0], "Verloop 2013–2016")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Verloop 2013–2016"
    assert root.get("class") == "sparkline"
    (polyline,) = root.iter(f"{SVG}polyline")
    line = [tuple(map(float, p.split(","))) for p in polyline.get("points").split()]
    assert len(line) == 3  # the missing value is left out, not drawn as zero
    xs = [x for x, _ in line]
    assert xs == sorted(xs)
    # the highest value is at the top (smallest y), the lowest at the bottom
    ys = dict(zip([3.0, 5.0, 4.0], [y for _, y in line], strict=True))
    assert ys[5.0] < ys[4.0] < ys[3.0]
    dot = root.find(f"{SVG}circle")
    assert (float(dot.get("cx")), float(dot.get("cy"))) == line[-1]  # dot on the last value


def test_sparkline_of_a_flat_series_and_escaped_label() -> None:
    svg = sparkline([2.0, 2.0, 2.0], 'Verloop "<b>"')
    assert "<b>" not in svg
    root = parse(svg)
    assert root.get("aria-label") == 'Verloop "<b>"'
    points = root.find(f"{SVG}polyline").get("points")
    assert "nan" not in points and "inf" not in points


# --- line chart -------------------------------------------------------------------------------


def test_line_chart_without_values_is_empty() -> None:
    assert line_chart([], "Leeg") == ""
    assert line_chart([Line("Groningen", [(2015, None), (2016, None)], "lijn-waarde")], "t") == ""


def test_line_chart_is_a_titled_image() -> None:
    svg = line_chart([Line("Groningen", [(2015, 10.0), (2016, 12.5)], "lijn-waarde")], "Misdrijven")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Misdrijven"
    assert root.find(f"{SVG}title").text == "Misdrijven"
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "2015" in labels and "2016" in labels
    assert "Groningen" in labels  # legend


def test_line_chart_escapes_labels_and_title() -> None:
    nasty = "<script>alert(1)</script>"
    svg = line_chart(
        [Line(nasty, [(2015, 1.0), (2016, 2.0)], "lijn-waarde")], f"Titel {nasty}", decimals=0
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert nasty in [t.text for t in root.iter(f"{SVG}text")]
    assert root.find(f"{SVG}title").text == f"Titel {nasty}"


def test_a_missing_value_breaks_the_line() -> None:
    points = [(2013, 5.0), (2014, 6.0), (2015, None), (2016, 7.0), (2017, 8.0)]
    svg = line_chart([Line("Groningen", points, "lijn-waarde")], "t")
    runs = polylines(svg, "lijn-waarde")
    assert len(runs) == 2
    assert [len(run) for run in runs] == [2, 2]
    assert max(x for x, _ in runs[0]) < min(x for x, _ in runs[1])
    markers = [c for c in parse(svg).iter(f"{SVG}circle") if c.get("class") == "lijn-waarde-punt"]
    assert len(markers) == 4  # a marker per known value, none for 2015


def test_a_year_left_out_of_the_points_also_breaks_the_line() -> None:
    """A series without 2015 at all (not even None) must not draw a line through 2015."""
    points = [(2013, 5.0), (2014, 6.0), (2016, 7.0), (2017, 8.0)]
    svg = line_chart([Line("Groningen", points, "lijn-waarde")], "t")
    assert len(polylines(svg, "lijn-waarde")) == 2


def test_a_single_value_between_gaps_is_a_marker_only() -> None:
    points = [(2013, 5.0), (2014, None), (2015, 6.0), (2016, None), (2017, 7.0)]
    svg = line_chart([Line("Groningen", points, "lijn-waarde")], "t")
    assert polylines(svg, "lijn-waarde") == []
    markers = [c for c in parse(svg).iter(f"{SVG}circle") if c.get("class") == "lijn-waarde-punt"]
    assert len(markers) == 3


def test_target_line_has_its_own_class_and_markers() -> None:
    lines = [
        Line("Groningen", [(2015, 10.0), (2016, 12.0)], "lijn-waarde"),
        Line("doel", [(2015, 11.0), (2016, 11.0)], "lijn-doel"),
    ]
    svg = line_chart(lines, "Met doel")
    (target,) = polylines(svg, "lijn-doel")
    assert len(target) == 2 and target[0][1] == target[1][1]  # a flat target is horizontal
    (value,) = polylines(svg, "lijn-waarde")
    # the target 11 lies between the values 10 and 12 (y grows downwards)
    assert value[1][1] < target[0][1] < value[0][1]
    root = parse(svg)
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "lijn-doel-punt"]) == 2
    legend = [ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "lijn-doel"]
    assert len(legend) == 1
    assert "doel" in [t.text for t in root.iter(f"{SVG}text")]


def test_axis_labels_are_dutch_numbers() -> None:
    svg = line_chart([Line("G", [(2015, 1000.0), (2016, 20000.0)], "lijn-waarde")], "t", 0)
    labels = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", label or "") for label in labels), labels
    assert "0" in labels  # counts start at zero
