"""Incident counts on a square grid, Gi* on that grid and a kernel density surface.

Input: incident coordinates in metres (EPSG:28992, RD New) and the municipality polygon in
the same CRS. Output: only aggregated cells, never points. The grid is aligned to multiples
of the cell size (so cells are the same across runs and municipalities) and clipped to the
boundary. Gi* uses the same settings as on areas (``spatial.gi_star``). See
``docs/methods.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from openveiligheid.insight.stats.spatial import PERMUTATIONS, SEED, gi_star, queen_weights

MAX_CELLS = 200_000
M2_PER_KM2 = 1_000_000.0


@dataclass(frozen=True)
class GridCell:
    """One grid cell clipped to the boundary. ``density``: expected incidents per km²."""

    cell_id: str
    geometry: shapely.Geometry
    count: int
    density: float
    gi_z: float | None
    p_value: float | None
    p_fdr: float | None
    hotspot_class: str | None
    confidence: float | None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict without the geometry (add it as GeoJSON where needed)."""
        return {
            "cell_id": self.cell_id,
            "count": self.count,
            "density": self.density,
            "gi_z": self.gi_z,
            "p_value": self.p_value,
            "p_fdr": self.p_fdr,
            "class": self.hotspot_class,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class Grid:
    """Cells of the aligned grid that overlap the boundary (positive clipped area)."""

    cell_size: float
    x0: float  # lower-left corner of column 0, row 0
    y0: float
    columns: int
    n_rows: int
    cols: np.ndarray  # column index per kept cell
    rows: np.ndarray  # row index per kept cell
    geometries: np.ndarray  # clipped cell polygons

    @property
    def ids(self) -> list[str]:
        """``{size}mE{x}N{y}`` with the lower-left corner in metres, like CBS square names."""
        size = f"{self.cell_size:g}"
        return [
            f"{size}mE{self.x0 + c * self.cell_size:.0f}N{self.y0 + r * self.cell_size:.0f}"
            for c, r in zip(self.cols, self.rows, strict=True)
        ]

    @property
    def centres(self) -> np.ndarray:
        """Centres of the full (unclipped) squares, shape (cells, 2)."""
        half = self.cell_size / 2
        return np.column_stack(
            [
                self.x0 + self.cols * self.cell_size + half,
                self.y0 + self.rows * self.cell_size + half,
            ]
        )


def make_grid(boundary: shapely.Geometry, cell_size: float = 250.0) -> Grid:
    """Square cells aligned to multiples of ``cell_size``, clipped to ``boundary``."""
    if not cell_size > 0:
        raise ValueError("cell_size must be > 0")
    if boundary.is_empty or boundary.area <= 0:
        raise ValueError("boundary must be a polygon with an area")
    minx, miny, maxx, maxy = boundary.bounds
    x0 = np.floor(minx / cell_size) * cell_size
    y0 = np.floor(miny / cell_size) * cell_size
    columns = max(1, int(np.ceil((maxx - x0) / cell_size)))
    rows = max(1, int(np.ceil((maxy - y0) / cell_size)))
    if columns * rows > MAX_CELLS:
        raise ValueError(f"grid too large ({columns * rows} cells); choose a larger cell_size")
    r, c = (a.ravel() for a in np.mgrid[0:rows, 0:columns])
    xmin, ymin = x0 + c * cell_size, y0 + r * cell_size
    squares = shapely.box(xmin, ymin, xmin + cell_size, ymin + cell_size)
    shapely.prepare(boundary)
    keep = shapely.intersects(boundary, squares)
    clipped = shapely.intersection(squares[keep], boundary)
    area = shapely.area(clipped) > 0
    return Grid(cell_size, x0, y0, columns, rows, c[keep][area], r[keep][area], clipped[area])


def grid_counts(xy: np.ndarray, boundary: shapely.Geometry, grid: Grid) -> np.ndarray:
    """Points strictly inside ``boundary`` per cell; points on or outside it are dropped.

    A point on a shared cell edge goes to the cell to its right/top (half-open cells).
    """
    inside = _inside(xy, boundary)
    col = np.floor((inside[:, 0] - grid.x0) / grid.cell_size).astype(np.int64)
    row = np.floor((inside[:, 1] - grid.y0) / grid.cell_size).astype(np.int64)
    lookup = np.full(grid.columns * grid.n_rows, -1, dtype=np.int64)
    lookup[grid.rows * grid.columns + grid.cols] = np.arange(len(grid.cols))
    col = np.clip(col, 0, grid.columns - 1)
    row = np.clip(row, 0, grid.n_rows - 1)
    cell = lookup[row * grid.columns + col]
    return np.bincount(cell[cell >= 0], minlength=len(grid.cols)).astype(int)


def kernel_density(xy: np.ndarray, at: np.ndarray, bw_method: str | float = "scott") -> np.ndarray:
    """Expected incidents per km² at ``at``: n × Gaussian KDE (``scipy.stats.gaussian_kde``).

    ``bw_method`` is passed to ``gaussian_kde``: Scott's rule by default (kernel covariance =
    point covariance × n^(-1/3)), "silverman", or a number used as that factor. The surface
    integrates to n over the plane (a little less within the boundary: mass near the edge
    spills over). With fewer than 3 distinct points, or all points on one line, no surface
    can be fitted and 0 is returned.
    """
    from scipy.stats import gaussian_kde

    n = len(xy)
    if n < 3 or len(np.unique(xy, axis=0)) < 3:
        return np.zeros(len(at))
    try:
        kde = gaussian_kde(xy.T, bw_method=bw_method)
    except np.linalg.LinAlgError:
        return np.zeros(len(at))
    return kde(at.T) * n * M2_PER_KM2


def grid_hotspots(
    xy: np.ndarray,
    boundary: shapely.Geometry,
    *,
    cell_size: float = 250.0,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
    bw_method: str | float = "scott",
) -> list[GridCell]:
    """Counts per clipped grid cell, Gi* on the counts and kernel density per cell centre."""
    xy = _as_points(xy)
    grid = make_grid(boundary, cell_size)
    counts = grid_counts(xy, boundary, grid)
    ids = grid.ids
    weights = queen_weights(dict(zip(ids, grid.geometries, strict=True)))
    g = gi_star(counts, weights, permutations=permutations, seed=seed)
    density = kernel_density(_inside(xy, boundary), grid.centres, bw_method)
    return [
        GridCell(
            cell_id=ids[i],
            geometry=grid.geometries[i],
            count=int(counts[i]),
            density=float(density[i]),
            gi_z=_opt(g.z[i]),
            p_value=_opt(g.p_sim[i]),
            p_fdr=_opt(g.p_fdr[i]),
            hotspot_class=g.classes[i],
            confidence=g.confidence[i],
        )
        for i in range(len(ids))
    ]


def _as_points(xy: np.ndarray) -> np.ndarray:
    """Finite (n, 2) float array; rows with NaN coordinates are dropped."""
    arr = np.asarray(xy, dtype=float)
    if arr.size == 0:
        arr = arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError("xy must have shape (n, 2)")
    return arr[np.isfinite(arr).all(axis=1)]


def _inside(xy: np.ndarray, boundary: shapely.Geometry) -> np.ndarray:
    if len(xy) == 0:
        return xy.reshape(0, 2)
    shapely.prepare(boundary)
    return xy[shapely.contains_xy(boundary, xy[:, 0], xy[:, 1])]


def _opt(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
