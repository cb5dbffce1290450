"""Reading stored analysis results for the dashboard's map and area pages."""

from __future__ import annotations

from openveiligheid.areas.models import Area
from openveiligheid.dashboard.areadata import AreaAnalysis, area_href
from openveiligheid.indicators.formatting import format_number
from openveiligheid.insight.models import HotspotResult, SpaceTimeResult
from openveiligheid.insight.monitor import HotspotClassView


def outline_class(hotspot_class: str, confidence: float | None) -> str | None:
    """The map's outline style for a Gi* class: ``hotspot-99``, ``coldspot-95`` or None."""
    if hotspot_class not in {"hotspot", "coldspot"} or not confidence:
        return None
    return f"{hotspot_class}-{round(confidence * 100)}"


def hotspot_words(hotspot_class: str, confidence: float | None) -> str:
    if hotspot_class not in {"hotspot", "coldspot"} or not confidence:
        return hotspot_class or "niet berekend"
    return f"{hotspot_class} ({round(confidence * 100)}% betrouwbaarheid)"


def stored_analysis(
    measure: str, division: int | None, level: str, period: str
) -> dict[str, AreaAnalysis]:
    """Area code -> what the analyses stored for one map: Gi* class and EB-smoothed rate."""
    rows = HotspotResult.objects.filter(
        measure__name=measure, area__division=division, area__level=level, period=period
    ).values_list(
        "area__code", "hotspot_class", "confidence", "smoothed_rate", "rate_lower", "rate_upper"
    )
    return {
        code: AreaAnalysis(
            outline=outline_class(found, confidence),
            words=hotspot_words(found, confidence),
            smoothed=smoothed,
            lower=lower,
            upper=upper,
        )
        for code, found, confidence, smoothed, lower, upper in rows
    }


def area_hotspots(area: Area) -> list[HotspotClassView]:
    """The area's Gi* class of the newest year and its space-time class, per measure."""
    views = []
    newest: dict[int, HotspotResult] = {}
    yearly = HotspotResult.objects.filter(area=area, period__regex=r"^\d{4}$")
    for row in yearly.select_related("measure"):
        if row.measure_id not in newest or row.period > newest[row.measure_id].period:
            newest[row.measure_id] = row
    for row in newest.values():
        views.append(
            HotspotClassView(
                area=area.name,
                area_href=area_href(area),
                measure=row.measure.label or row.measure.name,
                label=f"{hotspot_words(row.hotspot_class, row.confidence)} in {row.period}",
                code=row.hotspot_class or "niet-berekend",
                detail=(
                    f"Gi* z = {format_number(row.gi_z, 2)}, p na FDR-correctie = "
                    f"{format_number(row.p_fdr, 3)}"
                    + (
                        f"; afgevlakt cijfer {format_number(row.smoothed_rate, 1)} per 1.000 "
                        f"(95%-band {format_number(row.rate_lower, 1)} tot "
                        f"{format_number(row.rate_upper, 1)})"
                        if row.smoothed_rate is not None
                        else ""
                    )
                ),
            )
        )
    for row in SpaceTimeResult.objects.filter(area=area).select_related("measure"):
        views.append(
            HotspotClassView(
                area=area.name,
                area_href=area_href(area),
                measure=row.measure.label or row.measure.name,
                label=f"{row.label} ({row.first_period}–{row.last_period})",
                code=row.code,
                detail=(
                    f"hotspot in {row.hot_periods} en coldspot in {row.cold_periods} van "
                    f"{row.periods} jaren"
                ),
            )
        )
    return views
