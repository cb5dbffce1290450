"""GeoJSON that passed the shape checks but broke later: each is now an InputError naming the
feature and the field."""

from __future__ import annotations

import json

import pytest

from openveiligheid.core.errors import InputError
from openveiligheid.imports.parsers.areas import read_boundaries

SQUARE = [[4.0, 52.0], [4.1, 52.0], [4.1, 52.1], [4.0, 52.0]]


def _collection(properties: dict, ring: list) -> bytes:
    feature = {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def test_a_ring_mixing_two_and_three_numbers_per_point_is_refused() -> None:
    mixed = [[4.0, 52.0], [4.1, 52.0, 0.0], [4.1, 52.1], [4.0, 52.0]]
    data = _collection({"BU_CODE": "BU00140000", "BU_NAAM": "Binnenstad"}, mixed)
    with pytest.raises(InputError, match="veld 'feature 1.geometry': ring 1 mengt punten"):
        read_boundaries("grenzen.geojson", data)


def test_a_half_character_from_a_json_escape_is_refused() -> None:
    data = _collection({"BU_CODE": "BU00140000", "BU_NAAM": "x"}, SQUARE)
    data = data.replace(b'"BU_NAAM": "x"', b'"BU_NAAM": "\\ud800"')
    with pytest.raises(InputError, match="veld 'feature 1.BU_NAAM': bevat een half teken"):
        read_boundaries("grenzen.geojson", data)
