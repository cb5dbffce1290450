"""Dutch sentences about the results of the analyses, for the pages and the commands.

The statistics in ``insight/stats/`` return numbers and fixed verdicts; this module turns an
early-warning :class:`~openveiligheid.insight.stats.earlywarning.Signal` into one Dutch
sentence (:func:`describe`), with numbers formatted by the one Dutch number formatter,
:func:`openveiligheid.indicators.formatting.format_number`, and an area's hotspot class and
Local Moran class into one sentence (:func:`hotspot_sentence`) for the Kaart and the
Gebiedsprofiel.
"""

from __future__ import annotations

import math

from openveiligheid.indicators.formatting import format_number
from openveiligheid.insight.stats.earlywarning import METHOD_NONE, UNUSUAL_HIGHER, Signal


def describe(signal: Signal, measure_label: str, area_name: str, period_label: str) -> str:
    """One Dutch sentence: observed, expected, threshold, how unusual and since when."""
    count = _count(signal.observed)
    verb = "is" if signal.observed == 1 else "zijn"
    opening = f"In {area_name} {verb} in {period_label} {count} {measure_label} geregistreerd"
    if signal.method == METHOD_NONE:
        return f"{opening}; er zijn te weinig eerdere gegevens om te beoordelen of dat ongewoon is."
    expected = _count(signal.expected)
    threshold = _threshold(signal.threshold, signal.observed)
    text = f"{opening}; verwacht waren er {expected} (drempel {threshold})."
    if signal.alarm:
        return f"{text} Dit is {signal.unusual}{_since_words(signal)}.{_odds_words(signal)}"
    if signal.unusual == UNUSUAL_HIGHER:
        return f"{text} Dit is hoger dan verwacht, maar {_why_no_alarm(signal)}."
    return f"{text} Dit is {signal.unusual}."


def _since_words(signal: Signal) -> str:
    unit = "maand" if signal.frequency == 12 else "periode"
    units = "maanden" if signal.frequency == 12 else "periodes"
    if not signal.since or signal.since == 1:
        return f" en is nieuw deze {unit}"
    at_least = "minstens " if signal.details.get("since_at_least") else ""
    return f" en speelt sinds {at_least}{signal.since} {units}"


def _odds_words(signal: Signal) -> str:
    p = signal.p_value
    if p is None:
        return ""
    if p < 1e-6:
        return " Bij een normaal verloop is de kans op zo'n aantal kleiner dan 1 op een miljoen."
    odds = 1.0 / p
    digits = max(0, len(str(int(odds))) - 2)
    rounded = int(round(odds, -digits))
    return (
        " Bij een normaal verloop is de kans op zo'n aantal ongeveer "
        f"1 op {format_number(rounded, 0)}."
    )


def _why_no_alarm(signal: Signal) -> str:
    minimum = signal.details.get("min_count", 0)
    if signal.observed < minimum:
        return f"met minder dan {minimum} registraties te weinig voor een signaal"
    return (
        "niet zo ongewoon dat het een signaal is, gezien de onzekerheid van de verwachting "
        "en het aantal reeksen dat tegelijk is bekeken"
    )


def _count(value: float) -> str:
    """A count or an expected count: whole from 10 up (``1.234``), else one decimal (``2,5``)."""
    if not math.isfinite(value):
        return "onbekend"
    if abs(value - round(value)) < 1e-9 or value >= 10:
        return format_number(int(round(value)), 0)
    return format_number(value, 1)


def _threshold(threshold: float, observed: float) -> str:
    """Whole counts: the largest count that is not an alarm (observed > threshold is a signal)."""
    if math.isfinite(threshold) and float(observed).is_integer():
        return format_number(max(int(math.floor(threshold + 1e-9)), 0), 0)
    return _count(threshold)


#: plural of a level, for "de omliggende buurten"
_LEVEL_PLURAL = {"buurt": "buurten", "wijk": "wijken"}


def hotspot_sentence(
    hotspot_class: str | None, confidence: float | None, lisa_class: str | None, level: str
) -> str:
    """One Dutch sentence: what the Gi* class and the Local Moran class say about an area.

    ``level`` is ``"buurt"`` or ``"wijk"``. Gi* looks at an area together with its neighbours
    (hotspot, coldspot); Local Moran's I also finds an area that differs from its neighbours
    (hoog-laag, laag-hoog), such as a busy city centre among quiet buurten.
    """
    if not hotspot_class:
        return "Niet berekend: te weinig gebieden met een cijfer."
    around = f"de omliggende {_LEVEL_PLURAL.get(level, 'gebieden')}"
    sure = f" ({round(confidence * 100)}% zekerheid)" if confidence else ""
    outlier = {
        "hoog-laag": f"opvallend hoog, terwijl {around} laag zijn",
        "laag-hoog": f"opvallend laag, terwijl {around} hoog zijn",
    }.get(lisa_class or "")
    if hotspot_class in {"hotspot", "coldspot"} and outlier:
        return f"{hotspot_class.capitalize()}{sure} vooral door deze {level} zelf: {outlier}."
    if hotspot_class == "hotspot":
        return f"Hotspot{sure}: samen met {around} opvallend hoog."
    if hotspot_class == "coldspot":
        return (
            f"Coldspot{sure}: samen met {around} opvallend laag (dat zegt niet dat het er "
            "veilig is)."
        )
    if outlier:
        return f"Uitschieter: {outlier}."
    if lisa_class == "hoog-hoog":
        return f"Hoog, net als {around}, maar samen niet hoog genoeg voor een hotspot."
    if lisa_class == "laag-laag":
        return f"Laag, net als {around}, maar samen niet laag genoeg voor een coldspot."
    return f"Geen hotspot, coldspot of uitschieter: geen opvallend patroon met {around}."
