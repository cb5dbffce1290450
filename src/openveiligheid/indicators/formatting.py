"""Numbers as a Dutch reader expects them: ``1.234,5``; rounding happens only here."""

from __future__ import annotations


def format_number(value: float | None, decimals: int = 1, empty: str = "–") -> str:
    if value is None:
        return empty
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def format_change(change_pct: float | None, empty: str = "–") -> str:
    if change_pct is None:
        return empty
    sign = "+" if change_pct > 0 else ""
    return f"{sign}{format_number(change_pct, 1)}%"
