"""Dutch sentences about early-warning signals (``insight.wording.describe``)."""

from __future__ import annotations

import pytest

from openveiligheid.insight.stats.earlywarning import Signal, detect
from openveiligheid.insight.wording import describe

from .stats.support import MONTHS, TWO_WEEKS, poisson, with_last


def test_describe_gives_a_dutch_sentence_with_the_numbers():
    signal = Signal(
        key=("fietsdiefstal", "Centrum"),
        observed=23,
        expected=11.2,
        threshold=19,
        p_value=0.0004,
        p_adjusted=0.0008,
        alarm=True,
        method="farrington",
        since=2,
        unusual="uitzonderlijk hoog",
    )
    assert describe(signal, "fietsdiefstallen", "Centrum", "maart 2024") == (
        "In Centrum zijn in maart 2024 23 fietsdiefstallen geregistreerd; verwacht waren er 11 (drempel 19). Dit is uitzonderlijk hoog en speelt sinds 2 maanden. Bij een normaal verloop is de kans op zo'n aantal ongeveer 1 op 2.500."
    )


def test_describe_quiet_and_unknown_series():
    [quiet] = detect({"a": [10.0] * 61}, MONTHS)
    text = describe(quiet, "woninginbraken", "Noord", "mei 2024")
    assert text.startswith("In Noord zijn in mei 2024 10 woninginbraken geregistreerd; verwacht")
    assert text.endswith("Dit is binnen de verwachting.")
    [unknown] = detect({"a": [3, 4, 2]}, MONTHS)
    assert unknown.method == "te-weinig-gegevens"
    assert "te weinig eerdere gegevens" in describe(unknown, "inbraken", "Zuid", "mei 2024")
    assert unknown.as_dict()["expected"] is None


def test_two_weekly_signal_speaks_of_periods():
    flat = with_last(poisson(15, 5 * 26 + 1, seed=17), 15)
    _, loud = detect({"flat": flat, "outbreak": with_last(flat, 40)}, TWO_WEEKS)
    assert loud.alarm
    assert "periode" in describe(loud, "inbraken", "Zuid", "week 11-12 2024")


@pytest.mark.parametrize(
    ("hot", "confidence", "lisa", "start"),
    [
        ("hotspot", 0.99, "hoog-hoog", "Hotspot (99% zekerheid): samen met de omliggende buurten"),
        ("hotspot", 0.95, "hoog-laag", "Hotspot (95% zekerheid) vooral door deze buurt zelf"),
        ("coldspot", 0.95, "laag-laag", "Coldspot (95% zekerheid): samen met de omliggende"),
        ("geen patroon", None, "hoog-laag", "Uitschieter: opvallend hoog, terwijl de omliggende"),
        ("geen patroon", None, "laag-hoog", "Uitschieter: opvallend laag, terwijl de omliggende"),
        ("geen patroon", None, "hoog-hoog", "Hoog, net als de omliggende buurten"),
        ("geen patroon", None, "geen patroon", "Geen hotspot, coldspot of uitschieter"),
        ("", None, "", "Niet berekend"),
    ],
)
def test_hotspot_sentence_says_what_the_area_is(hot, confidence, lisa, start):
    from openveiligheid.insight.wording import hotspot_sentence

    sentence = hotspot_sentence(hot, confidence, lisa, "buurt")
    assert sentence.startswith(start) and sentence.endswith(".")
    assert sentence.count(".") == 1  # one sentence
    assert "wijken" in hotspot_sentence(hot or "geen patroon", confidence, lisa, "wijk") or not hot
