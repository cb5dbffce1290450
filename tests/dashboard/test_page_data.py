"""The page functions return data (numbers, codes, words), never HTML: the same results can be
served as JSON. Maps and charts are data too; only their ``svg`` (asked by a template) draws."""

from __future__ import annotations

import dataclasses
import math
import re

from django.db.models import Model
from django.utils.safestring import SafeData

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import BUURT
from openveiligheid.dashboard.kaart import MapChoice, map_page
from openveiligheid.dashboard.profiel import area_profile
from openveiligheid.dashboard.services import indicator_detail, overview
from openveiligheid.dashboard.vergelijken import ComparisonChoice, comparison
from openveiligheid.indicators.engine import VERDICTS
from openveiligheid.indicators.models import Indicator
from openveiligheid.insight.monitor import monitor
from openveiligheid.insight.results import area_hotspots, stored_analysis
from openveiligheid.policy.models import Plan
from openveiligheid.ui.charts import LineChart, Sparkline
from openveiligheid.ui.maps import Choropleth

MARKUP = re.compile(r"<[a-z/]")


def walk(value, path: str = "result"):
    """Every leaf of a page result, with where it is (model rows are references, not walked)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from walk(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}[{key!r}]")
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            yield from walk(item, f"{path}[{n}]")
    elif not isinstance(value, Model):
        yield path, value


def assert_data(result) -> list:
    leaves = list(walk(result))
    for path, value in leaves:
        assert not isinstance(value, SafeData), path  # no markup in a result
        assert not (isinstance(value, str) and MARKUP.search(value)), path
        assert value is None or isinstance(value, str | int | float | bool), (path, type(value))
    return leaves


def numbers(leaves, name: str) -> list[float]:
    return [v for p, v in leaves if p.endswith(f".{name}") and isinstance(v, int | float)]


def test_overview_returns_numbers_and_verdict_codes(plan: Plan) -> None:
    result = overview(plan)
    leaves = assert_data(result)
    cards = [card for theme in result.themes for goal in theme.goals for card in goal.cards]
    assert cards and all(card.verdict in VERDICTS for card in cards)
    assert any(isinstance(card.value, float) for card in cards)
    assert any(isinstance(card.sparkline, Sparkline) and card.sparkline for card in cards)
    assert all(card.value is None or math.isfinite(card.value) for card in cards)
    assert numbers(leaves, "count")


def test_indicator_detail_returns_numbers_a_chart_and_a_map(plan: Plan) -> None:
    indicator = Indicator.objects.get(plan=plan, key="fietsdiefstal-aangiften")
    result = indicator_detail(plan, indicator, choice=MapChoice(level=BUURT))
    assert_data(result)
    assert isinstance(result.chart, LineChart) and result.chart
    assert isinstance(result.map, Choropleth)
    by_year = {r.year: r.value for r in result.series}
    assert by_year == {int(r.period): r.value for r in result.results}
    assert result.area_rows and all(isinstance(r.decimals, int) for r in result.area_rows)


def test_map_page_rows_carry_values_and_smoothed_rates(plan: Plan) -> None:
    choice = MapChoice.from_query({"niveau": "buurt", "periode": "2017-08", "per1000": "1"})
    result = map_page(plan, choice, stored_analysis)
    assert_data(result)
    assert result.rows and result.map is not None
    rated = [row for row in result.rows if row.smoothed is not None]
    assert rated and all(row.lower <= row.smoothed <= row.upper for row in rated)


def test_area_profile_and_comparison_return_numbers(plan: Plan) -> None:
    area = Area.objects.filter(gemeente_code=plan.gemeente_code, level=BUURT).first()
    profile = area_profile(plan, area)
    profile.hotspots = area_hotspots(area)
    assert_data(profile)
    assert profile.rows and all(isinstance(row.decimals, int) for row in profile.rows)
    ranked = [row.rank for row in profile.rows if row.rank]
    assert ranked and all(1 <= rank.position <= rank.of for rank in ranked)
    shown = comparison(plan, ComparisonChoice())
    assert_data(shown)
    assert any(isinstance(v, float) for row in shown.rows for v in row.values)


def test_monitor_returns_numbers(plan: Plan) -> None:
    result = monitor(plan.gemeente_code)
    leaves = assert_data(result)
    assert numbers(leaves, "now") and numbers(leaves, "density")
    assert all(isinstance(grid.map, Choropleth) for grid in result.grids)
