"""Spatial statistics on area polygons: EB rates, queen weights, Gi* hotspots."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from scipy.stats import gamma
from shapely.geometry import shape

from openveiligheid.insight.stats import spatial
from openveiligheid.insight.stats.spatial import (
    PERMUTATIONS,
    SEED,
    eb_rates,
    hotspots,
    queen_weights,
)

DATA = Path(__file__).parents[2] / "data"


def lattice(rows: int, cols: int) -> dict[str, shapely.Geometry]:
    """Unit squares, row-major, the same order as libpysal.weights.lat2W."""
    return {
        f"r{r:02d}c{c:02d}": shapely.box(c, r, c + 1, r + 1)
        for r in range(rows)
        for c in range(cols)
    }


def buurten() -> tuple[dict, dict]:
    features = json.loads((DATA / "buurten_2017_groningen_centrum.geojson").read_text())["features"]
    shapes = {f["properties"]["BU_CODE"]: shape(f["geometry"]) for f in features}
    people = {f["properties"]["BU_CODE"]: float(f["properties"]["AANT_INW"]) for f in features}
    return shapes, people


def run_esda(y: np.ndarray, w, seed: int = SEED):
    import esda

    with pytest.warns(DeprecationWarning):
        return esda.G_Local(y, w, transform="B", star=True, permutations=PERMUTATIONS, seed=seed)


def by_area(results):
    return {r.area: r for r in results}


# --- queen weights ---------------------------------------------------------------------------


def test_queen_weights_on_a_lattice_match_libpysal_lat2w():
    from libpysal.weights import lat2W

    shapes = lattice(4, 5)
    w = queen_weights(shapes)
    reference = lat2W(4, 5, rook=False)
    assert w.id_order == list(shapes)
    for i, area in enumerate(shapes):
        expected = {list(shapes)[j] for j in reference.neighbors[i]}
        assert set(w.neighbors[area]) == expected
    assert w.cardinalities["r00c00"] == 3  # corner: right, above, diagonal
    assert w.cardinalities["r01c01"] == 8


def test_queen_weights_on_real_buurten_and_corner_only_contact():
    shapes, _ = buurten()
    w = queen_weights(shapes)
    assert w.id_order == ["BU00140000", "BU00140001", "BU00140002"]
    assert all(w.cardinalities[a] == 2 for a in shapes)
    # touching in one corner point is queen (not rook) contiguity; a T-junction without a
    # shared vertex counts too
    corner = queen_weights({"a": shapely.box(0, 0, 1, 1), "b": shapely.box(1, 1, 2, 2)})
    assert corner.neighbors["a"] == ["b"]
    tee = queen_weights({"a": shapely.box(0, 0, 2, 1), "b": shapely.box(1, 1, 3, 2)})
    assert tee.neighbors["a"] == ["b"]
    apart = queen_weights({"a": shapely.box(0, 0, 1, 1), "b": shapely.box(1.01, 0, 2, 1)})
    assert apart.cardinalities == {"a": 0, "b": 0}


# --- Empirical Bayes ---------------------------------------------------------------------------


def marshall(e: np.ndarray, b: np.ndarray):
    """Global EB by hand, method of moments (Marshall 1991)."""
    m = e.sum() / b.sum()
    s2 = (b * (e / b - m) ** 2).sum() / b.sum()
    a = s2 - m / b.mean()
    shrink = a / (a + m / b)
    return m, a, shrink * e / b + (1 - shrink) * m


def test_eb_rates_match_the_method_of_moments_by_hand():
    e = np.array([2.0, 30.0, 5.0, 80.0, 1.0])
    b = np.array([100.0, 1500.0, 900.0, 2000.0, 40.0])
    m, a, smoothed = marshall(e, b)
    assert a > 0
    eb = eb_rates(e, b)
    assert eb.global_rate == pytest.approx(m)
    assert eb.prior_variance == pytest.approx(a)
    np.testing.assert_allclose(eb.smoothed, smoothed, rtol=1e-12)
    # posterior Gamma(m²/A + e, m/A + b): its mean is the EB rate, the band its 2.5/97.5%
    shape_, rate = m * m / a + e, m / a + b
    np.testing.assert_allclose(shape_ / rate, smoothed, rtol=1e-12)
    np.testing.assert_allclose(eb.lower, gamma.ppf(0.025, shape_, scale=1 / rate), rtol=1e-12)
    np.testing.assert_allclose(eb.upper, gamma.ppf(0.975, shape_, scale=1 / rate), rtol=1e-12)
    assert (eb.lower < eb.smoothed).all() and (eb.smoothed < eb.upper).all()


def test_eb_shrinks_small_populations_more_and_narrows_band_with_size():
    # same raw rate (60 per 1,000) far above the rest; only the population differs
    e = np.array([3.0, 60.0, 10.0, 10.0, 10.0, 50.0, 12.0])
    b = np.array([50.0, 1000.0, 1000.0, 1000.0, 1000.0, 5000.0, 800.0])
    eb = eb_rates(e, b)
    small, large = 0, 1
    assert eb.raw[small] == eb.raw[large]
    moved = np.abs(eb.raw - eb.smoothed) / np.abs(eb.raw - eb.global_rate)
    assert moved[small] > moved[large]
    assert eb.smoothed[small] < eb.smoothed[large]
    width = eb.upper - eb.lower
    assert width[small] > width[large]


def test_eb_on_real_buurten_per_1000_via_hotspots():
    shapes, people = buurten()
    counts = {"BU00140000": 1428.0, "BU00140001": 2390.0, "BU00140002": 330.0}
    result = by_area(hotspots(counts, shapes, people))
    e = np.array(list(counts.values()))
    b = np.array([people[a] for a in counts])
    _, _, smoothed = marshall(e, b)
    for i, area in enumerate(counts):
        row = result[area]
        assert row.rate == pytest.approx(1000 * e[i] / b[i])
        assert row.smoothed_rate == pytest.approx(1000 * smoothed[i])
        assert row.rate_lower < row.smoothed_rate < row.rate_upper
    # three mutually adjacent areas: too few for Gi*, reported as no pattern
    assert {r.hotspot_class for r in result.values()} == {"geen patroon"}


def test_eb_without_between_area_variance_gives_the_global_rate():
    e = np.array([10.0, 10.0, 10.0])
    b = np.array([1000.0, 1000.0, 1000.0])
    eb = eb_rates(e, b)
    assert eb.prior_variance == 0.0
    np.testing.assert_allclose(eb.smoothed, 0.01)
    np.testing.assert_allclose(eb.lower, 0.01)


# --- Gi* -------------------------------------------------------------------------------------


def test_gi_star_equals_esda_g_local_on_the_same_weights_and_seed():
    from libpysal.weights import lat2W

    shapes = lattice(10, 10)
    y = np.random.default_rng(7).poisson(12, 100).astype(float)
    y[[44, 45, 54, 55]] += 25
    result = hotspots(dict(zip(shapes, y, strict=True)), shapes)
    reference = run_esda(y, lat2W(10, 10, rook=False))
    np.testing.assert_allclose([r.gi_z for r in result], reference.Zs, rtol=1e-12)
    np.testing.assert_allclose([r.p_value for r in result], reference.p_sim, rtol=1e-6)
    # same on our own weights
    mine = run_esda(y, queen_weights(shapes))
    np.testing.assert_allclose([r.p_value for r in result], mine.p_sim, rtol=1e-6)
    # the decision: two-sided normal p of z, BH over the 100 areas (statsmodels as an
    # independent implementation of both)
    from scipy.stats import norm
    from statsmodels.stats.multitest import multipletests

    p = 2 * norm.sf(np.abs(reference.Zs))
    np.testing.assert_allclose([r.p_norm for r in result], p, rtol=1e-12)
    np.testing.assert_allclose(
        [r.p_fdr for r in result], multipletests(p, method="fdr_bh")[1], rtol=1e-12
    )


def test_gi_star_z_on_3x3_lattice_matches_the_textbook_formula():
    shapes = lattice(3, 3)
    x = np.array([1.0, 2.0, 3.0, 2.0, 9.0, 4.0, 1.0, 5.0, 2.0])
    result = hotspots(dict(zip(shapes, x, strict=True)), shapes)
    n = len(x)
    mean, s = x.mean(), np.sqrt((x**2).mean() - x.mean() ** 2)
    grid = x.reshape(3, 3)
    for i, row in enumerate(result):
        r, c = divmod(i, 3)
        block = grid[max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2]  # queen + itself, binary
        wsum = block.size
        if wsum == n:  # the centre's neighbourhood is everything: Gi* has no variance
            assert row.gi_z is None and row.p_value is None
            assert row.hotspot_class == "geen patroon"
            continue
        z = (block.sum() - mean * wsum) / (s * np.sqrt((n * wsum - wsum**2) / (n - 1)))
        assert row.gi_z == pytest.approx(z, rel=1e-12)
    # corner by hand: mean 29/9, S² = 145/9 - (29/9)², (14 - 4·29/9) / (S·√((36-16)/8))
    assert result[0].gi_z == pytest.approx(0.2936101097573516)


def test_a_planted_cluster_is_a_hotspot():
    shapes = lattice(15, 15)
    rng = np.random.default_rng(11)
    y = rng.poisson(10, (15, 15)).astype(float)
    y[2:5, 9:12] = rng.poisson(40, (3, 3))
    result = by_area(hotspots(dict(zip(shapes, y.ravel(), strict=True)), shapes))
    centre = result["r03c10"]
    assert centre.hotspot_class == "hotspot"
    assert centre.confidence in (0.95, 0.99)
    assert centre.gi_z > 3
    hot = {a for a, r in result.items() if r.hotspot_class == "hotspot"}
    rows_cols = {(int(a[1:3]), int(a[4:6])) for a in hot}
    assert all(1 <= r <= 5 and 8 <= c <= 12 for r, c in rows_cols)  # only in/around the block
    assert not any(r.hotspot_class == "coldspot" for r in result.values())


def test_random_lattices_give_no_hotspots_after_fdr():
    shapes = lattice(10, 10)
    clean = 0
    for seed in range(20):
        y = np.random.default_rng(1000 + seed).poisson(10, 100)
        result = hotspots(dict(zip(shapes, y, strict=True)), shapes, seed=seed)
        clean += all(r.hotspot_class == "geen patroon" for r in result)
    assert clean >= 19


def test_same_seed_same_result_other_seed_other_p():
    shapes = lattice(6, 6)
    counts = dict(zip(shapes, np.random.default_rng(3).poisson(8, 36), strict=True))
    first = hotspots(counts, shapes, seed=123)
    assert first == hotspots(counts, shapes, seed=123)
    other = hotspots(counts, shapes, seed=124)
    assert [r.p_value for r in first] != [r.p_value for r in other]
    assert [r.gi_z for r in first] == [r.gi_z for r in other]  # z is analytical


def test_gi_star_runs_on_eb_rates_when_populations_are_given():
    shapes = lattice(5, 5)
    rng = np.random.default_rng(5)
    counts = dict(zip(shapes, rng.poisson(20, 25).astype(float), strict=True))
    people = dict(zip(shapes, rng.integers(300, 3000, 25).astype(float), strict=True))
    result = hotspots(counts, shapes, people)
    smoothed = np.array([r.smoothed_rate for r in result])
    reference = run_esda(smoothed, queen_weights(shapes))
    np.testing.assert_allclose([r.gi_z for r in result], reference.Zs, rtol=1e-9)


# --- islands and missing values --------------------------------------------------------------


def test_islands_get_no_pattern_and_do_not_crash():
    shapes = lattice(6, 6) | {"island": shapely.box(50, 50, 51, 51)}
    y = np.random.default_rng(2).poisson(10, 37).astype(float)
    y[-1] = 500  # an extreme island would be "significant" if it were tested
    result = by_area(hotspots(dict(zip(shapes, y, strict=True)), shapes))
    island = result["island"]
    assert island.hotspot_class == "geen patroon"
    assert island.gi_z is None and island.p_value is None and island.p_fdr is None
    assert island.count == 500
    assert island.p_norm is None and island.lisa_class == "geen patroon"
    # BH counts only the 36 tested areas
    p = np.array([result[a].p_norm for a in shapes if a != "island"])
    from scipy.stats import false_discovery_control

    np.testing.assert_allclose(
        [result[a].p_fdr for a in shapes if a != "island"], false_discovery_control(p)
    )


def test_only_islands():
    shapes = {f"a{i}": shapely.box(3 * i, 0, 3 * i + 1, 1) for i in range(4)}
    result = hotspots({a: float(i) for i, a in enumerate(shapes)}, shapes)
    assert [r.hotspot_class for r in result] == ["geen patroon"] * 4
    assert all(r.gi_z is None for r in result)


def test_missing_counts_are_excluded_and_reported_as_not_computed():
    shapes = lattice(6, 6)
    y = np.random.default_rng(4).poisson(10, 36).astype(float)
    counts = dict(zip(shapes, y, strict=True))
    counts["r00c00"] = None
    counts["r05c05"] = float("nan")
    del counts["r02c03"]
    result = by_area(hotspots(counts, shapes))
    for area in ("r00c00", "r05c05", "r02c03"):
        assert result[area].hotspot_class is None
        assert result[area].count is None and result[area].gi_z is None
    # the others are as if the missing areas did not exist
    rest = {a: v for a, v in counts.items() if v is not None and np.isfinite(v)}
    alone = by_area(hotspots(rest, {a: shapes[a] for a in rest}))
    for area in rest:
        assert result[area].gi_z == pytest.approx(alone[area].gi_z)
        assert result[area].p_value == alone[area].p_value


def test_count_without_population_has_no_rate_and_is_left_out_of_gi():
    shapes = lattice(5, 5)
    rng = np.random.default_rng(8)
    counts = dict(zip(shapes, rng.poisson(20, 25).astype(float), strict=True))
    people = dict(zip(shapes, rng.integers(500, 2000, 25).astype(float), strict=True))
    people["r02c02"] = None
    people["r04c04"] = 0.0
    result = by_area(hotspots(counts, shapes, people))
    for area in ("r02c02", "r04c04"):
        row = result[area]
        assert row.count == counts[area]
        assert row.rate is None and row.smoothed_rate is None and row.rate_lower is None
        assert row.gi_z is None and row.hotspot_class is None
    kept = [a for a in shapes if a not in ("r02c02", "r04c04")]
    eb = eb_rates([counts[a] for a in kept], [people[a] for a in kept])
    assert result["r00c00"].smoothed_rate == pytest.approx(1000 * eb.smoothed[0])


def test_as_dict_and_validation():
    shapes = lattice(3, 3)
    row = hotspots(dict.fromkeys(shapes, 1.0), shapes)[0]
    assert list(row.as_dict()) == [
        "area", "count", "population", "rate", "smoothed_rate", "rate_lower", "rate_upper",
        "gi_z", "p_value", "p_norm", "p_fdr", "class", "confidence",
        "lisa_i", "lisa_z", "lisa_p_fdr", "lisa_class",
    ]  # fmt: skip
    assert row.as_dict()["class"] == "geen patroon"  # constant values: nothing to find
    with pytest.raises(ValueError, match="without geometry"):
        hotspots({"elsewhere": 1.0}, shapes)
    with pytest.raises(ValueError, match=">= 0"):
        hotspots({"r00c00": -1.0}, shapes)


def test_classify_thresholds():
    assert spatial.classify(2.0, 0.009) == ("hotspot", 0.99)
    assert spatial.classify(-2.0, 0.03) == ("coldspot", 0.95)
    assert spatial.classify(2.0, 0.05) == ("geen patroon", None)
    assert spatial.classify(float("nan"), 0.001) == ("geen patroon", None)


def test_importing_the_modules_does_not_import_esda_or_libpysal():
    code = (
        "import sys\n"
        "import openveiligheid.insight.stats.spatial, openveiligheid.insight.stats.spacetime\n"
        "import openveiligheid.insight.stats.grid\n"
        "heavy = {'esda', 'libpysal', 'geopandas', 'scipy.stats'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[3] / "src")


# --- documentation -----------------------------------------------------------------------------

ROOT = Path(__file__).parents[3]
UITLEG = ROOT / "src/openveiligheid/insight/templates/insight/uitleg"
ALLOWED = {"h2", "h3", "p", "ul", "li", "dl", "dt", "dd", "strong", "em"}


@pytest.mark.parametrize("name", ["_hotspots", "_ebsmoothing", "_spacetime", "_grid"])
def test_uitleg_fragments_use_only_plain_tags(name):
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.attrs = set(), []

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)
            self.attrs += attrs

    text = (UITLEG / f"{name}.html").read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(text)
    assert parser.tags <= ALLOWED, parser.tags - ALLOWED
    assert parser.attrs == []  # no inline styles, no event handlers
    assert "{%" not in text and "{{" not in text
    assert text.startswith("<h2>")
    for part in ("Wat laat het zien?", "Instellingen", "Aannames", "Wat het niet zegt", "Bronnen"):
        assert f"<h3>{part}</h3>" in text


def test_methods_doc_has_the_spatial_sections():
    text = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    assert text.startswith("# Methods\n")
    for heading in (
        "## Empirical Bayes smoothing",
        "## Getis-Ord Gi*",
        "## Space-time classes",
        "## Incident grid and kernel density",
    ):
        assert f"\n{heading}\n" in text
    assert str(SEED) in text
