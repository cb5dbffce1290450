"""The hotspot rule on real data: it finds a planted cluster, and its false-positive rate.

Real Groningen data: the 108 buurten of the 2017 division (demo boundaries, queen weights) and
the police's bike-theft registrations per buurt in 2016 (``tests/data/SOURCE.md``), a very
skewed count (median 5, the two city-centre buurten 473 and 676). The rates asserted here are
the ones stated in ``docs/methods.md`` ("False positives on null data").
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from openveiligheid.areas.shapes import to_rd
from openveiligheid.insight.stats.spatial import (
    HOTSPOT,
    LISA_CLASSES,
    NO_PATTERN,
    SEED,
    gi_star,
    hotspots,
    local_moran,
    queen_weights,
)

ROOT = Path(__file__).parents[3]
BUURTEN = ROOT / "src" / "openveiligheid" / "demo" / "data" / "buurten_2017_groningen.geojson"
COUNTS = ROOT / "tests" / "data" / "insight_fietsdiefstal_buurt_2016.csv"
CLUSTER_CENTRE = "BU00141207"  # Kardinge: 10 queen neighbours, few bike thefts, far from centre
CENTRE_EXTRA, RING_EXTRA = 400.0, 250.0  # a second city centre: about the level of 473 and 676
NULL_MAPS = 1_000
NULL_HOT_SHARE = 0.02  # stated in docs/methods.md: at most 2% of areas hot on null data
NULL_SEED = 20160101


@pytest.fixture(scope="module")
def groningen():
    """(buurt shapes in RD, queen weights, real 2016 bike-theft counts per buurt)."""
    features = json.loads(BUURTEN.read_text(encoding="utf-8"))["features"]
    shapes = {f["properties"]["BU_CODE"]: to_rd(f["geometry"]) for f in features}
    with COUNTS.open(encoding="utf-8") as handle:
        counts = {row["area"]: float(row["value"]) for row in csv.DictReader(handle)}
    assert set(counts) == set(shapes) and len(shapes) == 108
    return shapes, queen_weights(shapes), counts


def esda_gi_z(values: np.ndarray, weights) -> np.ndarray:
    """The reference: esda's own Gi* z-scores on the same values and weights."""
    import esda

    return esda.G_Local(values, weights, transform="B", star=True, permutations=0).Zs


def test_a_planted_cluster_among_real_buurten_is_found(groningen):
    shapes, weights, counts = groningen
    ring = list(weights.neighbors[CLUSTER_CENTRE])
    assert len(ring) == 10 and counts[CLUSTER_CENTRE] < 10
    planted = dict(counts)
    planted[CLUSTER_CENTRE] += CENTRE_EXTRA
    for area in ring:
        planted[area] += RING_EXTRA
    result = {r.area: r for r in hotspots(planted, shapes, weights=weights)}
    assert result[CLUSTER_CENTRE].hotspot_class == HOTSPOT
    assert result[CLUSTER_CENTRE].confidence == 0.99
    hot_ring = [a for a in ring if result[a].hotspot_class == HOTSPOT]
    assert len(hot_ring) >= 0.8 * len(ring), f"{len(hot_ring)} of {len(ring)}"
    reference_z = esda_gi_z(np.array([planted[a] for a in shapes]), weights)
    reference = dict(zip(shapes, reference_z, strict=True))
    assert result[CLUSTER_CENTRE].gi_z == pytest.approx(reference[CLUSTER_CENTRE], rel=1e-12)
    wrongly_hot = [a for a, r in result.items() if r.hotspot_class == HOTSPOT and reference[a] < 1]
    assert wrongly_hot == []
    assert not any(r.hotspot_class == "coldspot" for r in result.values())


def test_the_real_city_centre_is_a_hotspot_and_a_high_high_cluster(groningen):
    shapes, weights, counts = groningen
    result = {r.area: r for r in hotspots(counts, shapes, weights=weights)}
    for centre in ("BU00140000", "BU00140001"):  # Binnenstad-Noord, Binnenstad-Zuid
        assert result[centre].hotspot_class == HOTSPOT
        assert result[centre].lisa_class == "hoog-hoog"
        assert result[centre].p_value is not None  # the robustness column is filled


def test_on_null_data_at_most_the_stated_share_of_areas_is_hot(groningen):
    """1,000 random permutations of the real counts over the real weights: no spatial pattern
    by construction, so every hotspot is a false positive."""
    shapes, weights, counts = groningen
    values = np.array([counts[a] for a in shapes])
    rng = np.random.default_rng(NULL_SEED)
    hot = maps_with_hot = 0
    for _ in range(NULL_MAPS):
        found = gi_star(rng.permutation(values), weights, permutations=0)
        n_hot = sum(c == HOTSPOT for c in found.classes)
        hot += n_hot
        maps_with_hot += n_hot > 0
    share = hot / (NULL_MAPS * len(values))
    assert share <= NULL_HOT_SHARE, f"{share:.4f} of areas hot on null data"
    assert 0 < maps_with_hot < NULL_MAPS  # the test can see false positives at all


def test_local_moran_classes_equal_esdas_quadrants_and_pseudo_p(groningen):
    import esda

    shapes, weights, counts = groningen
    values = np.array([counts[a] for a in shapes])
    mine = local_moran(values, weights, seed=SEED)
    reference = esda.Moran_Local(values, weights, transformation="r", permutations=999, seed=SEED)
    np.testing.assert_allclose(mine.i, reference.Is, rtol=1e-12)
    np.testing.assert_array_equal(mine.q, reference.q)
    np.testing.assert_allclose(mine.p_sim, reference.p_sim, rtol=1e-12)
    # the z-score of the analytical conditional moments agrees with the permutations' one
    assert np.corrcoef(mine.z, reference.z_sim)[0, 1] > 0.999
    esda_words = {"High-High": 1, "Low-High": 2, "Low-Low": 3, "High-Low": 4}
    labels = reference.get_cluster_labels(crit_value=0.05)
    significant = mine.p_fdr < 0.05
    for i, cls in enumerate(mine.classes):
        expected = LISA_CLASSES[int(reference.q[i])] if significant[i] else NO_PATTERN
        assert cls == expected, list(shapes)[i]
        if significant[i] and labels[i] in esda_words:  # also significant by esda's p_sim
            assert LISA_CLASSES[esda_words[labels[i]]] == cls
    assert significant.sum() > 0 and (significant & (reference.p_sim < 0.05)).sum() > 0


def test_a_single_high_buurt_among_quiet_ones_lies_in_the_high_low_quadrant(groningen):
    """Local Moran puts it in the hoog-laag quadrant, but calls it hoog-laag only when the
    neighbours are significantly low after BH: with counts this skewed (a few buurten with
    hundreds), ten quiet neighbours are not unusual, so it stays "geen patroon" (methods.md)."""
    shapes, weights, counts = groningen
    quiet = CLUSTER_CENTRE
    assert max(counts[a] for a in weights.neighbors[quiet]) < 30
    values = np.array([700.0 if a == quiet else counts[a] for a in shapes])
    found = local_moran(values, weights)
    index = list(shapes).index(quiet)
    assert LISA_CLASSES[int(found.q[index])] == "hoog-laag"
    assert found.z[index] < 0 and found.p_fdr[index] >= 0.05
    assert found.classes[index] == NO_PATTERN
