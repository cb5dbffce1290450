"""Template filters of the dashboard."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from openveiligheid.dashboard.areadata import AreaRow

register = template.Library()


@register.filter
def area_rows(rows: Sequence[AreaRow], smoothed: bool = False) -> SafeString:
    """The body rows of an area table, built in Python: a national map has 14,000 of them,
    which the template language renders ten times slower. Every text is escaped.
    ``smoothed`` adds the EB-smoothed rate and its band after the value."""
    return mark_safe("\n".join(_row(row, smoothed) for row in rows))  # escaped below


def _row(row: AreaRow, smoothed: bool) -> str:
    value = "" if row.value is None else repr(row.value)
    notes = "".join(f'<span class="note">{escape(note)}</span>' for note in row.notes)
    cells = (
        f'<th scope="row" class="utrecht-table__header-cell">'
        f'<a class="utrecht-link" href="{escape(row.href)}">{escape(row.name)}</a></th>',
        f'<td class="utrecht-table__cell"><code>{escape(row.code)}</code></td>',
        f'<td class="utrecht-table__cell numeric" data-value="{value}">{escape(row.display)}</td>',
        *(
            (
                f'<td class="utrecht-table__cell numeric">{escape(row.smoothed or "–")}</td>',
                f'<td class="utrecht-table__cell numeric">{escape(row.band or "–")}</td>',
            )
            if smoothed
            else ()
        ),
        f'<td class="utrecht-table__cell numeric">{escape(row.population)}</td>',
        f'<td class="utrecht-table__cell notes-cell">{notes}</td>',
    )
    # whitespace between the cells, as a template writes it (text copied from the page)
    return (
        f'<tr class="utrecht-table__row" data-area="{escape(row.code)}">\n'
        + "\n".join(cells)
        + "\n</tr>"
    )
