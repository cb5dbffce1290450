"""Template filters that turn the numbers of a page into Dutch text.

The pages' functions return numbers; these filters are the only place where they are written
out, through the one Dutch formatter (:mod:`openveiligheid.indicators.formatting`).
"""

from __future__ import annotations

from django import template

from openveiligheid.indicators.formatting import format_change, format_number

register = template.Library()


@register.filter
def getal(value: float | None, decimals: int = 1) -> str:
    """``{{ value|getal:1 }}``: ``1.234,5``; ``–`` without a value."""
    return format_number(value, int(decimals))


@register.filter
def verandering(change_pct: float | None) -> str:
    """``{{ change|verandering }}``: ``+12,5%``, ``-3,0%``; ``–`` without a change."""
    return format_change(change_pct)
