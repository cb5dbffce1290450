"""Numbers as a Dutch reader expects them: ``1.234,5``; rounding happens only here."""

from __future__ import annotations

from dataclasses import dataclass

from openveiligheid.core.numbers import format_number
from openveiligheid.indicators.engine import GEEN_DOEL, GEEN_GEGEVENS, GEHAALD, NIET_GEHAALD
from openveiligheid.indicators.targets import TargetError, parse_target, plain_number


def format_change(change_pct: float | None, empty: str = "–") -> str:
    if change_pct is None:
        return empty
    sign = "+" if change_pct > 0 else ""
    return f"{sign}{format_number(change_pct, 1)}%"


def format_threshold(threshold: float) -> str:
    """A target's threshold as written in the plan, with Dutch separators: ``15.500``, ``1,8``."""
    digits = plain_number(threshold)
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return format_number(threshold, decimals)


def format_target(target: str | None, empty: str = "–") -> str:
    """The engine's canonical target (``"< 15500"``) for display: ``"< 15.500"``."""
    if not target:
        return empty
    try:
        parsed = parse_target(target)
    except TargetError:
        return target
    return f"{parsed.operator} {format_threshold(parsed.threshold)}"


@dataclass(frozen=True)
class Verdict:
    """A verdict as shown: always a word and a symbol, the colour comes from ``css``."""

    word: str
    symbol: str
    css: str


VERDICT_DISPLAY: dict[str, Verdict] = {
    GEHAALD: Verdict("gehaald", "✔", "gehaald"),
    NIET_GEHAALD: Verdict("niet gehaald", "✘", "niet-gehaald"),
    GEEN_DOEL: Verdict("geen doel", "–", "geen-doel"),
    GEEN_GEGEVENS: Verdict("geen gegevens", "?", "geen-gegevens"),
}
