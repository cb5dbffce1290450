"""Space-time classes (Chainey 2020 / sfhotspot hotspot_classify rules)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from openveiligheid.insight.stats.spacetime import (
    LABELS,
    classify_space_time,
    recent_period_count,
    space_time_hotspots,
)

HOT = (3.2, 0.001)
COLD = (-3.2, 0.001)
NONE = (0.4, 0.6)


def series(pattern: str) -> list[tuple[float, float]]:
    """'h' = significant hotspot, 'c' = significant coldspot, '.' = nothing, per period."""
    return [{"h": HOT, "c": COLD, ".": NONE}[ch] for ch in pattern]


# ten periods: the last two are recent, the first eight older
CASES = {
    "persistent_hotspot": "hhhhhhh.hh",  # 9/10 >= 0.8
    "emerging_hotspot": "........h.",  # older 0/8, recent 1/2
    "former_hotspot": ".h........",  # older 1/8 >= 0.1, recent 0/2
    "intermittent_hotspot": "..h..h...h",  # 3/10, but older and recent both have some
    "persistent_coldspot": "cccccccccc",
    "emerging_coldspot": "........cc",
    "former_coldspot": "cc.c......",
    "intermittent_coldspot": "c.......c.",
    "mixed_hotspot_coldspot": "hh......cc",  # former hotspot and emerging coldspot
    "no_pattern": "..........",
}


@pytest.mark.parametrize(("expected", "pattern"), CASES.items())
def test_each_class(expected, pattern):
    [result] = classify_space_time({"BU1": series(pattern)})
    assert result.code == expected
    assert result.label == LABELS[expected]
    assert result.hot_periods == pattern.count("h")
    assert result.cold_periods == pattern.count("c")
    assert result.periods == 10


def test_dutch_labels():
    assert LABELS["persistent_hotspot"] == "blijvende hotspot"
    assert LABELS["emerging_hotspot"] == "opkomende hotspot"
    assert LABELS["former_hotspot"] == "voormalige hotspot"
    assert LABELS["intermittent_hotspot"] == "wisselende hotspot"
    assert LABELS["persistent_coldspot"] == "blijvende coldspot"
    assert LABELS["no_pattern"] == "geen patroon"


def test_rule_order_and_boundaries():
    # 8/10 is persistent even though recent periods are empty (persistent is tested first)
    assert classify_space_time({"a": series("hhhhhhhh..")})[0].code == "persistent_hotspot"
    # 7/10 with recent hits is intermittent, not persistent
    assert classify_space_time({"a": series("hhh.hhh.h.")})[0].code == "intermittent_hotspot"
    # one hit in 20 periods: 0.05 < 0.1 of all periods, in the older part: no pattern
    assert classify_space_time({"a": series("h" + "." * 19)})[0].code == "no_pattern"


def test_p_must_be_strictly_below_critical_p_and_z_gives_the_side():
    at_limit = [(3.0, 0.05)] * 10
    assert classify_space_time({"a": at_limit})[0].code == "no_pattern"
    assert classify_space_time({"a": at_limit}, critical_p=0.051)[0].code == "persistent_hotspot"
    zero = [(0.0, 0.001)] * 10
    assert classify_space_time({"a": zero})[0].code == "no_pattern"


def test_missing_periods_count_as_not_significant():
    values = [(None, None)] * 8 + [HOT, HOT]
    [result] = classify_space_time({"a": values})
    assert result.code == "emerging_hotspot"
    [empty] = classify_space_time({"a": [(None, None)] * 10})
    assert empty.code == "not_computed"
    assert empty.label == "niet berekend"


def test_recent_period_count():
    assert recent_period_count(10) == 2
    assert recent_period_count(15) == 3
    assert recent_period_count(3) == 1  # floor(0.6) = 0 -> at least one recent period
    with pytest.raises(ValueError):
        recent_period_count(1)
    with pytest.raises(ValueError):
        classify_space_time({"a": [HOT], "b": [HOT, HOT]})


def test_custom_shares():
    pattern = series("hhhhhh....")
    assert classify_space_time({"a": pattern})[0].code == "former_hotspot"
    code = classify_space_time({"a": pattern}, persistent_share=0.6)[0].code
    assert code == "persistent_hotspot"


def lattice(n: int) -> dict[str, shapely.Geometry]:
    return {f"r{r}c{c}": shapely.box(c, r, c + 1, r + 1) for r in range(n) for c in range(n)}


def test_space_time_hotspots_end_to_end():
    shapes = lattice(9)
    rng = np.random.default_rng(21)
    block_a = {f"r{r}c{c}" for r in range(1, 4) for c in range(1, 4)}  # high all periods
    block_b = {f"r{r}c{c}" for r in range(5, 8) for c in range(5, 8)}  # high in the last two
    counts_by_period = {}
    for year in range(2015, 2025):
        counts = {a: float(rng.poisson(10)) for a in shapes}
        for a in block_a:
            counts[a] = float(rng.poisson(45))
        if year >= 2023:
            for a in block_b:
                counts[a] = float(rng.poisson(45))
        counts_by_period[str(year)] = counts
    result = {r.area: r for r in space_time_hotspots(counts_by_period, shapes)}
    assert result["r2c2"].code == "persistent_hotspot"
    assert result["r6c6"].code == "emerging_hotspot"
    assert result["r6c6"].hot_periods == 2
    assert result["r0c8"].code in ("no_pattern", "former_coldspot", "intermittent_coldspot")
    again = space_time_hotspots(counts_by_period, shapes)
    assert [r.code for r in again] == [result[a].code for a in shapes]
    with pytest.raises(TypeError):
        space_time_hotspots(counts_by_period, shapes, colour="red")
