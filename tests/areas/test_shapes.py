"""Map shapes: projection to RD New, compact SVG paths and their computation at import."""

from __future__ import annotations

import json
import re

import pytest
import shapely

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import import_boundaries, refresh_map_shapes
from openveiligheid.areas.shapes import (
    OVERVIEW_UNIT,
    bounds,
    map_shapes,
    rd_shapes,
    svg_path,
    to_rd,
)

SQUARE = shapely.Polygon([(0, 0), (100, 0), (100, 100), (0, 100)])
WITH_HOLE = shapely.Polygon(
    [(0, 0), (100, 0), (100, 100), (0, 100)], [[(20, 20), (40, 20), (40, 40), (20, 40)]]
)


def absolute_points(path: str) -> list[list[tuple[int, int]]]:
    """The rings of a path as absolute points, for checking what the path draws."""
    rings = []
    for ring in re.findall(r"M([^z]*)z", path):
        start, _, moves = ring.partition("l")
        x, y = map(int, re.findall(r"-?\d+", start))
        points = [(x, y)]
        numbers = list(map(int, re.findall(r"-?\d+", moves)))
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        rings.append(points)
    return rings


def test_amersfoort_is_the_origin_of_rd():
    point = to_rd({"type": "Point", "coordinates": [5.387206, 52.155174]})
    assert point.x == pytest.approx(155000, abs=1)
    assert point.y == pytest.approx(463000, abs=1)


def test_polygon_is_projected_in_whole():
    geom = to_rd(
        {
            "type": "Polygon",
            "coordinates": [[[6.5, 53.2], [6.6, 53.2], [6.6, 53.25], [6.5, 53.2]]],
        }
    )
    assert geom.geom_type == "Polygon" and geom.is_valid
    xmin, ymin, xmax, ymax = bounds(geom)
    assert 220_000 < xmin < xmax < 240_000 and 575_000 < ymin < ymax < 590_000


def test_square_is_one_ring_with_relative_moves_and_y_flipped():
    assert svg_path(SQUARE) == "M0 0l100 0 0-100-100 0z"
    assert absolute_points(svg_path(SQUARE.buffer(0).reverse())) == [
        [(0, 0), (100, 0), (100, -100), (0, -100)]
    ]


def test_hole_is_a_second_ring_in_the_other_direction():
    path = svg_path(WITH_HOLE)
    shell, hole = absolute_points(path)
    assert path.count("M") == 2 and path.count("z") == 2
    assert sorted(hole) == [(20, -40), (20, -20), (40, -40), (40, -20)]
    # opposite orientation, so the nonzero fill rule leaves the hole open too
    assert shapely.Polygon(shell).exterior.is_ccw != shapely.Polygon(hole).exterior.is_ccw


def test_all_parts_of_a_multipolygon_are_in_one_path():
    multi = shapely.MultiPolygon([WITH_HOLE, shapely.box(200, 0, 250, 50)])
    path = svg_path(multi)
    assert len(absolute_points(path)) == 3
    assert path.endswith("M250 0l0-50-50 0 0 50z")  # y flipped: 0 to 50 north is 0 to -50


def test_coordinates_are_whole_metres_and_compact():
    path = svg_path(shapely.Polygon([(0.4, 0.4), (100.6, 0), (100, 99.4), (0, 100)]))
    assert path == "M0 0l101 0-1-99-100-1z"
    assert "." not in path and " -" not in path


def test_simplification_drops_points_within_tolerance():
    wobbly = shapely.Point(150_000, 450_000).buffer(1000, quad_segs=64)  # 257 points
    detailed, simple = svg_path(wobbly, tolerance=0.5), svg_path(wobbly, tolerance=25)
    assert len(absolute_points(simple)[0]) < len(absolute_points(detailed)[0]) / 3
    assert shapely.Polygon(absolute_points(simple)[0]).area == pytest.approx(wobbly.area, rel=0.05)


def test_degenerate_and_empty_shapes_have_no_path():
    assert svg_path(shapely.Polygon()) == ""
    assert svg_path(shapely.box(0, 0, 0.3, 0.3)) == ""  # collapses when rounded to metres
    assert svg_path(shapely.LineString([(0, 0), (1, 1)]).buffer(0)) == ""
    # simplification keeps small areas as a triangle rather than losing them
    assert svg_path(shapely.box(0, 0, 3, 3), tolerance=10).count("z") == 1
    with pytest.raises(ValueError):
        bounds(shapely.Polygon())


@pytest.mark.django_db
def test_import_fills_map_path_and_bounds(data_dir):
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    buurten = list(Area.objects.filter(division=2017, level="buurt"))
    assert buurten
    for buurt in buurten:
        assert re.fullmatch(r"(M\d+-\d+l[-\d ]+z)+", buurt.map_path)
        xmin, ymin, xmax, ymax = buurt.map_bounds
        assert 230_000 < xmin < xmax < 240_000 and 578_000 < ymin < ymax < 586_000
        x, y = absolute_points(buurt.map_path)[0][0]  # a point of the outline in the box
        assert xmin - 1 <= x <= xmax + 1 and ymin - 1 <= -y <= ymax + 1
    assert not Area.objects.filter(level="wijk").exclude(map_path="").exists()  # no boundary


@pytest.mark.django_db
def test_refresh_fills_only_missing_map_shapes(data_dir):
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    expected = dict(Area.objects.values_list("code", "map_path"))
    with_boundary = Area.objects.exclude(boundary="")
    with_boundary.update(map_path="", map_xmin=None)
    assert refresh_map_shapes(division=2024) == 0
    assert refresh_map_shapes() == with_boundary.count()
    assert dict(Area.objects.values_list("code", "map_path")) == expected
    assert refresh_map_shapes() == 0


@pytest.mark.django_db
def test_rd_shapes_of_areas_with_a_boundary(data_dir):
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    areas = list(Area.objects.filter(division=2017))
    shapes = rd_shapes(areas)
    assert set(shapes) == {area.code for area in areas if area.boundary}
    some = next(area for area in areas if area.boundary)
    assert shapes[some.code].bounds == pytest.approx(some.map_bounds)


@pytest.mark.django_db
def test_the_overview_shape_is_the_outline_in_hectometres_simplified_by_250_m(data_dir):
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    buurten = list(Area.objects.filter(division=2017, level="buurt").exclude(map_path=""))
    assert buurten
    for buurt in buurten:
        assert re.fullmatch(r"(M\d+-\d+l[-\d ]+z)+", buurt.map_path_overview)
        xmin, ymin, xmax, ymax = buurt.map_bounds
        for ring in absolute_points(buurt.map_path_overview):
            for x, y in ring:  # every point within the outline's box, give or take 250 m
                assert xmin - 300 <= x * OVERVIEW_UNIT <= xmax + 300
                assert ymin - 300 <= -y * OVERVIEW_UNIT <= ymax + 300
    assert (
        sum(map(len, (b.map_path_overview for b in buurten)))
        < sum(map(len, (b.map_path for b in buurten))) / 3
    )


def test_an_area_smaller_than_the_overview_tolerance_is_a_dot():
    ring = [[5.3872, 52.1552], [5.3877, 52.1552], [5.3877, 52.1555], [5.3872, 52.1555]]
    text = json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})  # ~34 by 33 m
    shape = map_shapes([text])[0]
    assert len(absolute_points(shape.path)[0]) == 4  # drawn at gemeente scale
    x, y = absolute_points(shape.overview)[0][0]
    assert re.fullmatch(r"M\d+-\d+l1 0 0 1-1 0z", shape.overview)  # a one-unit square
    assert (x, -y) == (round(155_017 / OVERVIEW_UNIT), round(463_017 / OVERVIEW_UNIT))
