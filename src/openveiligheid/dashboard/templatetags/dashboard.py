"""Template filters of the dashboard."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from openveiligheid.dashboard.areadata import AreaRow
from openveiligheid.dashboard.services import target_in_words
from openveiligheid.indicators.formatting import format_number

register = template.Library()


@register.filter
def doel_in_woorden(target: str | None) -> str | None:
    """``{{ result.target|doel_in_woorden }}``: ``"< 15500"`` as ``"lager dan 15.500"``."""
    return target_in_words(target)


# The cells of one row, with whitespace between them as a template writes it (text copied from
# the page); ``{smoothed_cells}`` is empty, or the EB-smoothed rate and its band.
_ROW = (
    '<tr class="utrecht-table__row" data-area="{code}">\n'
    '<th scope="row" class="utrecht-table__header-cell">'
    '<a class="utrecht-link" href="{href}">{name}</a></th>\n'
    '<td class="utrecht-table__cell"><code>{code}</code></td>\n'
    '<td class="utrecht-table__cell numeric" data-value="{value}">{display}</td>\n'
    "{smoothed_cells}"
    '<td class="utrecht-table__cell numeric">{population}</td>\n'
    '<td class="utrecht-table__cell notes-cell">{notes}</td>\n'
    "</tr>"
)
_SMOOTHED_CELLS = (
    '<td class="utrecht-table__cell numeric">{smoothed}</td>\n'
    '<td class="utrecht-table__cell numeric">{band}</td>\n'
)
ROW = _ROW.replace("{smoothed_cells}", "")
ROW_SMOOTHED = _ROW.replace("{smoothed_cells}", _SMOOTHED_CELLS)


@register.filter
def area_rows(rows: Sequence[AreaRow], smoothed: bool = False) -> SafeString:
    """The body rows of an area table, built in Python: a national map has 14,000 of them,
    which the template language renders ten times slower. One ``format_html`` per row, which
    escapes every value. ``smoothed`` adds the EB-smoothed rate and its band after the value."""
    if smoothed:
        return format_html_join("\n", ROW_SMOOTHED, (_cells(row) | _smoothed(row) for row in rows))
    return format_html_join("\n", ROW, (_cells(row) for row in rows))


def _cells(row: AreaRow) -> dict[str, object]:
    return {
        "code": row.code,
        "href": row.href,
        "name": row.name,
        "value": "" if row.value is None else repr(row.value),
        "display": format_number(row.value, row.decimals),
        "population": format_number(row.population, 0),
        "notes": (
            format_html_join("", '<span class="note">{}</span>', ((note,) for note in row.notes))
            if row.notes
            else ""
        ),
    }


def _smoothed(row: AreaRow) -> dict[str, str]:
    if row.smoothed is None:
        return {"smoothed": "–", "band": "–"}
    return {
        "smoothed": format_number(row.smoothed, 1),
        "band": f"{format_number(row.lower, 1)} – {format_number(row.upper, 1)}",
    }
