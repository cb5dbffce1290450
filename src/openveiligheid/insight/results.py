"""Reading stored analysis results for the dashboard's map and area pages."""

from __future__ import annotations

from dataclasses import dataclass

from openveiligheid.areas.models import Area
from openveiligheid.insight.models import HotspotResult, SpaceTimeResult
from openveiligheid.insight.wording import hotspot_sentence
from openveiligheid.ui.links import area_href


@dataclass
class HotspotClassView:
    """One class of an area: a Gi* class (with z, p and the smoothed rate) or a space-time
    class (with its counts of hot and cold years); numbers, written out by the template."""

    area: str
    area_href: str
    measure: str
    label: str
    code: str
    gi_z: float | None = None
    p_fdr: float | None = None
    smoothed: float | None = None  # EB-smoothed rate per 1,000, with its 95% band
    lower: float | None = None
    upper: float | None = None
    hot_periods: int | None = None  # space-time classes only
    cold_periods: int | None = None
    periods: int | None = None
    sentence: str = ""  # what the area is, in one Dutch sentence (Gi* and Local Moran)
    lisa_class: str = ""  # hoog-hoog, laag-laag, hoog-laag, laag-hoog, geen patroon
    p_value: float | None = None  # the permutation pseudo p-value, for the toelichting


@dataclass(slots=True)  # not frozen: a national map reads 14,000
class AreaAnalysis:
    """What the stored analyses say about one area on one map."""

    outline: str | None  # "hotspot-99", "coldspot-95" … or None
    words: str  # the class in Dutch, for the tooltip and the table
    smoothed: float | None = None
    lower: float | None = None
    upper: float | None = None
    sentence: str = ""  # what the area is, in one Dutch sentence (Gi* and Local Moran)
    lisa_class: str = ""


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
    measure: str, gemeente: str, division: int | None, level: str, period: str
) -> dict[str, AreaAnalysis]:
    """Area code -> what the analyses stored for one map of a gemeente: Gi* class, Local
    Moran class, the sentence that says what the area is, and the EB-smoothed rate."""
    rows = HotspotResult.objects.filter(
        measure__name=measure,
        area__gemeente_code=gemeente,
        area__division=division,
        area__level=level,
        period=period,
    ).values_list(
        "area__code",
        "hotspot_class",
        "confidence",
        "smoothed_rate",
        "rate_lower",
        "rate_upper",
        "lisa_class",
    )
    wording: dict[tuple, tuple[str | None, str, str]] = {}  # a few classes for 14,000 areas
    found = {}
    for code, hotspot, confidence, smoothed, lower, upper, lisa in rows:
        key = (hotspot, confidence, lisa)
        words = wording.get(key)
        if words is None:
            words = wording[key] = (
                outline_class(hotspot, confidence),
                hotspot_words(hotspot, confidence),
                hotspot_sentence(hotspot, confidence, lisa, level),
            )
        outline, short, sentence = words
        found[code] = AreaAnalysis(outline, short, smoothed, lower, upper, sentence, lisa)
    return found


def area_hotspots(area: Area) -> list[HotspotClassView]:
    """The area's Gi* and Local Moran classes of the newest year (with the sentence that says
    what the area is) and its space-time class, per measure."""
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
                gi_z=row.gi_z,
                p_fdr=row.p_fdr,
                smoothed=row.smoothed_rate,
                lower=row.rate_lower,
                upper=row.rate_upper,
                sentence=hotspot_sentence(
                    row.hotspot_class, row.confidence, row.lisa_class, area.level
                ),
                lisa_class=row.lisa_class,
                p_value=row.p_value,
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
                hot_periods=row.hot_periods,
                cold_periods=row.cold_periods,
                periods=row.periods,
            )
        )
    return views
