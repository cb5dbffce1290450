"""Area shapes for maps: GeoJSON (EPSG:4326) to RD New (EPSG:28992) and compact SVG paths.

Boundaries are stored as GeoJSON in WGS 84. Maps are drawn server-side as SVG in RD New, the
Dutch national grid in metres, so a map's proportions are right and coordinates are whole
numbers. The SVG path of every area is computed once, at import (see
:func:`openveiligheid.areas.services.save_areas`), so a page only joins strings.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer

WGS84, RD_NEW = "EPSG:4326", "EPSG:28992"
DEFAULT_TOLERANCE = 10.0  # metres: invisible at the scale of one gemeente (~25 m per pixel)
# The overview shape, for maps of thousands of areas (a whole province or the country, ~350 m
# per pixel at 800 px): simplified by 250 m, in units of 100 m (drawn in a group scaled by
# OVERVIEW_UNIT), so that 14,000 buurten fit in well under 1 MB.
OVERVIEW_TOLERANCE = 250.0
OVERVIEW_UNIT = 100

_local = threading.local()  # pyproj transformers are not thread-safe: one per thread


@dataclass(frozen=True)
class MapShape:
    """What a map needs of an area: its SVG path, its overview path (in OVERVIEW_UNIT) and
    its RD bounds (unflipped metres)."""

    path: str
    bounds: tuple[float, float, float, float] | None
    overview: str = ""


def _transformer() -> Transformer:
    transformer = getattr(_local, "transformer", None)
    if transformer is None:
        transformer = Transformer.from_crs(WGS84, RD_NEW, always_xy=True)
        _local.transformer = transformer
    return transformer


def lonlat_to_rd(coords: np.ndarray) -> np.ndarray:
    """(N, 2) longitude/latitude (WGS84) to (N, 2) RD New x/y metres, in one vectorised call."""
    coords = np.asarray(coords, dtype=float).reshape(-1, 2)
    x, y = _transformer().transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


_project = lonlat_to_rd


def to_rd(geometry: dict) -> shapely.Geometry:
    """A GeoJSON geometry dict in EPSG:4326 as a 2D shapely geometry in RD New metres."""
    return shapely.transform(shapely.geometry.shape(geometry), _project)


def many_to_rd(boundaries: Iterable[str]) -> np.ndarray:
    """Stored GeoJSON geometry texts as an array of RD geometries (one projection call)."""
    geometries = shapely.from_geojson(list(boundaries))
    return shapely.transform(geometries, _project)


def svg_path(geom_rd: shapely.Geometry, tolerance: float = DEFAULT_TOLERANCE) -> str:
    """Compact SVG path data of a (multi)polygon in RD, simplified by ``tolerance`` metres.

    Coordinates are whole metres with y flipped (SVG y = -northing), so the map's viewBox is
    ``xmin -ymax width height``. Every ring is ``M x y`` followed by relative ``l`` segments
    and ``z``; all rings of all parts share one path, and shells and holes run in opposite
    directions, so both ``evenodd`` and ``nonzero`` fill rules leave holes open. Rings that
    collapse to fewer than three points are left out; an empty result is ``""``.
    """
    if geom_rd is None:
        return ""
    return svg_paths(np.array([geom_rd], dtype=object), tolerance)[0]


def svg_paths(
    geoms_rd: np.ndarray, tolerance: float = DEFAULT_TOLERANCE, unit: int = 1
) -> list[str]:
    """:func:`svg_path` of every geometry of an array, with the geometry work vectorised;
    coordinates in whole ``unit`` metres."""
    simple = shapely.simplify(geoms_rd, tolerance, preserve_topology=True)
    parts, owner = shapely.get_parts(simple, return_index=True)
    polygons = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    parts, owner = parts[polygons], owner[polygons]
    rings, ring_part = shapely.get_rings(shapely.orient_polygons(parts), return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    moves, ring_of = _ring_moves(coords / unit, ring_of)
    counts = np.bincount(ring_of, minlength=len(rings))
    flat, start = moves.ravel().tolist(), 0
    paths: list[list[str]] = [[] for _ in range(len(geoms_rd))]
    for ring_owner, count in zip(owner[ring_part].tolist(), counts.tolist(), strict=True):
        if count >= 3:  # a ring needs three distinct points
            numbers = flat[2 * start : 2 * (start + count)]
            paths[ring_owner].append(
                f"M{numbers[0]} {numbers[1]}l{' '.join(map(str, numbers[2:]))}z"
            )
        start += count
    return ["".join(rings).replace(" -", "-") for rings in paths]


def _ring_moves(coords: np.ndarray, ring_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole-metre points (y flipped) of closed rings as the first point of each ring and
    then moves from point to point, without repeated points and without the closing point."""
    points = np.rint(coords).astype(np.int64) * np.array([1, -1])
    if not len(points):
        return points, ring_of
    new_ring = np.ones(len(points), dtype=bool)
    new_ring[1:] = ring_of[1:] != ring_of[:-1]
    moved = new_ring.copy()
    moved[1:] |= np.any(points[1:] != points[:-1], axis=1)
    points, ring_of, new_ring = points[moved], ring_of[moved], new_ring[moved]
    closing = np.append(new_ring[1:], True)  # the last point of a ring repeats its first
    points, ring_of, new_ring = points[~closing], ring_of[~closing], new_ring[~closing]
    moves = np.diff(points, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    moves[new_ring] = points[new_ring]
    return moves, ring_of


def bounds(geom_rd: shapely.Geometry) -> tuple[float, float, float, float]:
    """``(xmin, ymin, xmax, ymax)`` in RD metres (northing not flipped)."""
    if geom_rd is None or geom_rd.is_empty:
        raise ValueError("een lege geometrie heeft geen omgrenzing")
    xmin, ymin, xmax, ymax = geom_rd.bounds
    return float(xmin), float(ymin), float(xmax), float(ymax)


def map_shapes(boundaries: list[str], tolerance: float = DEFAULT_TOLERANCE) -> list[MapShape]:
    """Paths and bounds of many stored GeoJSON texts, projected and simplified in one go."""
    if not boundaries:
        return []
    geoms = many_to_rd(boundaries)
    boxes = shapely.bounds(geoms).tolist()
    paths = svg_paths(geoms, tolerance)
    overviews = [
        overview or (path and _dot(box))
        for overview, path, box in zip(
            svg_paths(geoms, OVERVIEW_TOLERANCE, OVERVIEW_UNIT), paths, boxes, strict=True
        )
    ]
    return [
        MapShape(path, None if any(map(math.isnan, box)) else tuple(box), overview)
        for path, box, overview in zip(paths, boxes, overviews, strict=True)
    ]


def _dot(box: list[float]) -> str:
    """The overview shape of an area smaller than its tolerance: one unit square at its centre."""
    x = round((box[0] + box[2]) / 2 / OVERVIEW_UNIT)
    y = round(-(box[1] + box[3]) / 2 / OVERVIEW_UNIT)
    return f"M{x} {y}l1 0 0 1-1 0z".replace(" -", "-")


def map_fields(shape: MapShape) -> dict[str, str | float | None]:
    """The ``Area`` model's map fields for a shape."""
    xmin, ymin, xmax, ymax = shape.bounds or (None, None, None, None)
    return {
        "map_path": shape.path,
        "map_path_overview": shape.overview,
        "map_xmin": xmin,
        "map_ymin": ymin,
        "map_xmax": xmax,
        "map_ymax": ymax,
    }


def geometry_text(geometry: dict) -> str:
    """A GeoJSON geometry as stored in ``Area.boundary`` (compact JSON)."""
    return json.dumps(geometry, separators=(",", ":"))


def rd_shapes(areas: Iterable) -> dict[str, shapely.Geometry]:
    """Area code -> RD geometry for the given ``Area`` objects that have a boundary."""
    with_boundary = [area for area in areas if area.boundary]
    geometries = many_to_rd(area.boundary for area in with_boundary)
    return {area.code: geom for area, geom in zip(with_boundary, geometries, strict=True)}
