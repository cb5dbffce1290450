"""Numbers as a Dutch reader expects them: ``1.234,5``. The one formatter of the product (pure;
``indicators.formatting`` builds targets and changes on it)."""

from __future__ import annotations


def format_number(value: float | None, decimals: int = 1, empty: str = "–") -> str:
    if value is None:
        return empty
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
