"""Incident grid: counts, grid Gi* and kernel density (coordinates in RD New metres)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from openveiligheid.insight.stats.grid import grid_hotspots, kernel_density, make_grid

X0, Y0 = 230_000.0, 580_000.0  # somewhere in Groningen, EPSG:28992


def square(size: float = 2000.0) -> shapely.Geometry:
    return shapely.box(X0, Y0, X0 + size, Y0 + size)


def cluster_in_corner(rng: np.random.Generator) -> np.ndarray:
    # a cluster over a few cells around the centre of cell (1, 6); Gi* looks for clusters of
    # cells, so a spike in one cell with quiet neighbours would not be one
    corner = rng.normal([X0 + 375, Y0 + 1625], 250, (300, 2))
    background = rng.uniform([X0, Y0], [X0 + 2000, Y0 + 2000], (200, 2))
    return np.vstack([corner, background])


def test_points_in_one_corner_are_a_grid_hotspot_there():
    cells = {
        c.cell_id: c for c in grid_hotspots(cluster_in_corner(np.random.default_rng(1)), square())
    }
    assert len(cells) == 64  # 2 km / 250 m = 8 x 8
    centre = cells["250mE230250N581500"]
    assert centre.hotspot_class == "hotspot"
    assert centre.confidence in (0.95, 0.99)
    hot = [c for c in cells.values() if c.hotspot_class == "hotspot"]
    for cell in hot:  # all hot cells are in the top-left quarter
        minx, miny, _, _ = cell.geometry.bounds
        assert minx < X0 + 1000 and miny >= Y0 + 1000
    far = cells["250mE231750N580000"]
    assert far.hotspot_class != "hotspot"
    assert max(cells.values(), key=lambda c: c.density).cell_id == centre.cell_id


def test_counts_only_points_inside_and_sum_to_them():
    rng = np.random.default_rng(2)
    boundary = shapely.Point(X0 + 1000, Y0 + 1000).buffer(900)
    inside = rng.uniform([X0, Y0], [X0 + 2000, Y0 + 2000], (400, 2))
    outside = rng.uniform([X0 + 5000, Y0], [X0 + 6000, Y0 + 1000], (60, 2))
    xy = np.vstack([inside, outside])
    cells = grid_hotspots(xy, boundary)
    expected = shapely.contains_xy(boundary, xy[:, 0], xy[:, 1]).sum()
    assert 0 < expected < 400
    assert sum(c.count for c in cells) == expected
    # each count equals the points inside the clipped cell
    for cell in cells[::7]:
        assert cell.count == shapely.contains_xy(cell.geometry, xy[:, 0], xy[:, 1]).sum()


def test_cells_are_clipped_to_the_boundary_and_aligned():
    boundary = shapely.Polygon([(X0 + 10, Y0 + 20), (X0 + 1310, Y0 + 70), (X0 + 600, Y0 + 990)])
    grid = make_grid(boundary, 250)
    union = shapely.union_all(grid.geometries)
    assert union.area == pytest.approx(boundary.area, rel=1e-9)
    assert all(boundary.buffer(1e-6).contains(g) for g in grid.geometries)
    assert grid.x0 % 250 == 0 and grid.y0 % 250 == 0
    assert grid.ids[0].startswith("250mE230000N580000")


def test_density_integrates_to_the_number_of_points():
    rng = np.random.default_rng(3)
    xy = rng.normal([X0 + 2500, Y0 + 2500], 300, (500, 2))  # far from the edge of a 5 km square
    cells = grid_hotspots(xy, square(5000), permutations=99)
    total = sum(c.density * c.geometry.area / 1e6 for c in cells)  # per km² x km²
    assert total == pytest.approx(500, rel=0.03)
    # Normal points (sd s) smoothed with Scott's kernel (sd h·s, h = n^(-1/6)) give a normal
    # surface with variance s²(1 + h²); the nearest cell centres are 125 m off in x and y
    var = 0.3**2 * (1 + 500 ** (-1 / 3))  # km²
    expected = 500 / (2 * np.pi * var) * np.exp(-(2 * 0.125**2) / (2 * var))
    assert max(c.density for c in cells) == pytest.approx(expected, rel=0.1)


def test_kernel_density_degenerate_input():
    at = np.array([[0.0, 0.0], [1.0, 1.0]])
    assert kernel_density(np.empty((0, 2)), at).tolist() == [0.0, 0.0]
    assert kernel_density(np.array([[0, 0], [1, 1], [2, 2]], dtype=float), at).tolist() == [
        0.0,
        0.0,
    ]


def test_seeded_and_empty():
    xy = cluster_in_corner(np.random.default_rng(4))
    first = grid_hotspots(xy, square(), seed=9, permutations=199)
    assert [c.p_value for c in first] == [
        c.p_value for c in grid_hotspots(xy, square(), seed=9, permutations=199)
    ]
    empty = grid_hotspots(np.empty((0, 2)), square())
    assert {c.count for c in empty} == {0}
    assert {c.hotspot_class for c in empty} == {"geen patroon"}
    assert empty[0].as_dict()["class"] == "geen patroon" and "geometry" not in empty[0].as_dict()


def test_validation():
    with pytest.raises(ValueError):
        grid_hotspots(np.zeros((3, 3)), square())
    with pytest.raises(ValueError):
        grid_hotspots(np.zeros((3, 2)), square(), cell_size=0)
    with pytest.raises(ValueError, match="too large"):
        make_grid(square(100_000), cell_size=100)


def test_weights_follow_the_order_of_the_cells_whatever_their_names():
    """Cell ids do not sort in grid order; results must still belong to the right cell."""
    boundary = shapely.box(0, 0, 2000, 500)
    rng = np.random.default_rng(7)
    # ids such as "250mE1500N0" sort before "250mE250N0": libpysal's own order differs
    points = np.column_stack([rng.uniform(1500, 2000, 400), rng.uniform(0, 500, 400)])
    cells = grid_hotspots(points, boundary, cell_size=250.0)
    hot = [c for c in cells if c.hotspot_class == "hotspot"]
    assert hot, "the cluster is a hotspot"
    assert all(c.geometry.centroid.x > 1250 for c in hot)
    assert all(c.count > 0 for c in hot)
