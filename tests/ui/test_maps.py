"""Choropleth maps: classes and legend, hatch and grey, escaping and accessible links."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import import_boundaries
from openveiligheid.ui.maps import (
    NO_VALUE_COLOUR,
    RAMPS,
    Choropleth,
    MapArea,
    choropleth,
)

SVG = "{http://www.w3.org/2000/svg}"


def square(x: int, y: int) -> tuple[str, tuple[float, float, float, float]]:
    """A 100 m square with its south-west corner at RD (x, y): path and bounds."""
    return f"M{x}-{y}l100 0 0-100-100 0z", (x, y, x + 100, y + 100)


def area(n: int, value: float | None, **extra) -> MapArea:
    path, bounds = square(150_000 + 100 * (n % 10), 450_000 + 100 * (n // 10))
    fields = {
        "code": f"BU{n:08d}",
        "name": f"Buurt {n}",
        "path": path,
        "bounds": bounds,
        "value": value,
        "display": "–" if value is None else f"{value:.1f}".replace(".", ","),
        "href": f"/gebied/BU{n:08d}/",
    }
    return MapArea(**(fields | extra))


def parse(result: Choropleth) -> ElementTree.Element:
    return ElementTree.fromstring(str(result.svg))


def links(result: Choropleth) -> dict[str, ElementTree.Element]:
    return {a.get("data-code"): a for a in parse(result).iter(f"{SVG}a")}


def test_fisher_jenks_classes_and_legend_counts_add_up():
    areas = [area(n, float(n)) for n in range(1, 101)]
    result = choropleth(areas, title="Misdrijven per 1.000 inwoners")
    legend = result.legend
    assert [entry.css for entry in legend] == [f"klasse-{n}" for n in range(1, 6)]
    assert [entry.count for entry in legend] == [20] * 5
    assert sum(entry.count for entry in legend) == result.area_count == 100
    assert [entry.colour for entry in legend] == list(RAMPS[5])
    assert legend[0].label == "1 tot en met 20" and legend[-1].label == "81 tot en met 100"
    drawn = links(result)
    assert drawn["BU00000001"].find(f"{SVG}path").get("class") == "klasse-1"
    assert drawn["BU00000100"].find(f"{SVG}path").get("class") == "klasse-5"
    assert drawn["BU00000100"].find(f"{SVG}path").get("fill") == RAMPS[5][-1]


def test_rates_get_dutch_decimals():
    areas = [area(n, n * 1.3) for n in range(1, 11)]
    labels = [entry.label for entry in choropleth(areas, title="t").legend]
    assert labels[0] == "1,3 tot en met 2,6"


def test_fewer_distinct_values_give_fewer_classes():
    areas = [area(n, float(n % 2)) for n in range(10)]
    legend = choropleth(areas, title="t").legend
    assert [(e.label, e.count) for e in legend] == [("0", 5), ("1", 5)]
    assert [e.colour for e in legend] == list(RAMPS[2])


def test_small_areas_are_hatched_and_missing_values_grey():
    areas = [area(n, float(n)) for n in range(8)]
    areas += [area(8, 99.0, small=True, display="te weinig inwoners"), area(9, None)]
    result = choropleth(areas, title="t")
    legend = {entry.css: entry for entry in result.legend}
    assert (legend["klasse-klein"].label, legend["klasse-klein"].count) == ("te weinig inwoners", 1)
    assert (legend["klasse-geen"].label, legend["klasse-geen"].count) == ("geen cijfer", 1)
    assert legend["klasse-geen"].colour == NO_VALUE_COLOUR
    assert sum(entry.count for entry in result.legend) == 10
    assert "99" not in " ".join(entry.label for entry in result.legend)  # not classified
    small = links(result)["BU00000008"].find(f"{SVG}path")
    assert small.get("class") == "klasse-klein"
    pattern, legend_pattern = parse(result).iter(f"{SVG}pattern")
    assert small.get("fill") == f"url(#{pattern.get('id')})"
    # the legend swatch uses a pixel-sized copy of the hatch, defined in the map
    assert legend["klasse-klein"].colour == f"url(#{legend_pattern.get('id')})"
    assert legend_pattern.get("width") == "6"
    grey = links(result)["BU00000009"].find(f"{SVG}path")
    assert (grey.get("class"), grey.get("fill")) == ("klasse-geen", NO_VALUE_COLOUR)


def test_special_entries_only_when_they_occur():
    legend = choropleth([area(n, float(n)) for n in range(6)], title="t").legend
    assert not {"klasse-geen", "klasse-klein"} & {entry.css for entry in legend}


def test_every_area_is_a_labelled_link():
    areas = [area(n, float(n), label="hotspot (99%)" if n == 3 else "") for n in range(6)]
    for code, link in links(choropleth(areas, title="t")).items():
        n = int(code[2:])
        assert link.get("href") == f"/gebied/{code}/"
        assert link.get("class") == "kaart-gebied"
        expected = f"Buurt {n}: {n},0" + (" (hotspot (99%))" if n == 3 else "")
        assert link.get("aria-label") == link.find(f"{SVG}title").text == expected


def test_text_is_escaped():
    nasty = '<script>alert("x")</script>'
    areas = [area(1, 1.0, name=nasty, href='/gebied/"><script>/'), area(2, 2.0)]
    result = choropleth(areas, title=f"Kaart {nasty}")
    assert "<script>" not in result.svg
    assert "&lt;script&gt;" in result.svg
    root = parse(result)
    assert root.find(f"{SVG}title").text == f"Kaart {nasty}"
    link = links(result)["BU00000001"]
    assert link.get("href") == '/gebied/"><script>/'
    assert link.find(f"{SVG}title").text.startswith(nasty)


def test_svg_is_accessible_and_framed_on_the_areas():
    result = choropleth([area(n, float(n)) for n in range(20)], title="Inbraken")
    root = parse(result)
    title = root.find(f"{SVG}title")
    assert root.get("aria-labelledby") == title.get("id") and title.text == "Inbraken"
    assert root.get("role") is None
    x, y, w, h = map(int, root.get("viewBox").split())
    assert x <= 150_000 and x + w >= 151_000  # ten squares wide
    assert y <= -450_200 and y + h >= -450_000  # two rows, y flipped
    assert int(root.get("width")) == 800 and int(root.get("height")) == round(800 * h / w)


def test_outlines_are_drawn_on_top_with_line_style():
    areas = [
        area(1, 1.0, outline="hotspot-99"),
        area(2, 2.0, outline="coldspot-95"),
        area(3, 3.0),
    ]
    root = parse(choropleth(areas, title="t"))
    overlay = root.findall(f"{SVG}g")[-1]
    assert overlay.get("class") == "kaart-omlijning"
    hot, cold = overlay.findall(f"{SVG}path")
    assert hot.get("class") == "hotspot-99" and hot.get("stroke-dasharray") is None
    assert cold.get("class") == "coldspot-95" and cold.get("stroke-dasharray")
    assert hot.get("stroke") != cold.get("stroke")
    assert hot.get("vector-effect") == "non-scaling-stroke"


def test_areas_without_shape_are_listed_not_drawn():
    areas = [area(1, 1.0), area(2, 2.0, path="", bounds=None), area(3, 3.0, path="x<y")]
    result = choropleth(areas, title="t")
    assert result.missing_shape == ["BU00000002", "BU00000003"]
    assert list(links(result)) == ["BU00000001"]
    assert result.area_count == 3


def test_no_values_and_no_areas():
    result = choropleth([area(1, None)], title="t")
    assert [(e.css, e.count) for e in result.legend] == [("klasse-geen", 1)]
    empty = choropleth([], title="Leeg")
    assert empty.legend == [] and parse(empty).find(f"{SVG}title").text == "Leeg"
    with pytest.raises(ValueError):
        choropleth([], title="t", classes=9)


def test_maps_with_other_areas_have_other_ids():
    first = parse(choropleth([area(1, 1.0)], title="t")).get("id")
    second = parse(choropleth([area(2, 1.0)], title="t")).get("id")
    assert first != second and re.fullmatch(r"kaart-[0-9a-f]+", first)


@pytest.mark.django_db
def test_map_of_imported_buurten(data_dir):
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    buurten = Area.objects.filter(division=2017, level="buurt")
    areas = [
        MapArea(b.code, b.name, b.map_path, b.map_bounds, float(i), str(i), f"#{b.code}")
        for i, b in enumerate(buurten)
    ]
    result = choropleth(areas, title="Groningen")
    assert result.missing_shape == []
    assert len(links(result)) == len(areas) == sum(e.count for e in result.legend)


def test_skewed_real_counts_get_mapclassify_classes():
    """The real 2016 bike thefts per buurt of Groningen (median 5, two buurten with hundreds):
    Fisher-Jenks keeps the few high buurten apart; above FISHER_JENKS_MAX values, quantiles."""
    import csv

    import mapclassify
    import numpy as np

    from openveiligheid.ui.maps import FISHER_JENKS_MAX

    path = Path(__file__).parents[1] / "data" / "insight_fietsdiefstal_buurt_2016.csv"
    with path.open(encoding="utf-8") as handle:
        values = [float(row["value"]) for row in csv.DictReader(handle)]
    result = choropleth([area(n, v) for n, v in enumerate(values)], title="Fietsdiefstal")
    with pytest.warns(UserWarning, match="Numba"):
        reference = mapclassify.FisherJenks(np.array(values), k=5)
    assert [e.count for e in result.legend] == list(reference.counts)
    assert (result.legend[-1].label, result.legend[-1].count) == ("676", 1)  # Binnenstad-Zuid
    many = [area(n, v) for n, v in enumerate(values * 3)]
    assert len(many) > FISHER_JENKS_MAX
    quantiles = mapclassify.Quantiles(np.array(values * 3), k=5)
    legend = choropleth(many, title="t").legend
    assert [e.count for e in legend] == [c for c in quantiles.counts if c]
