"""Read any supported figures file; the format is detected from its header."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openveiligheid.core.csvfiles import header_of, read_csv_text
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.periods import Period
from openveiligheid.imports.parsers import cbs, cijfers, incidents
from openveiligheid.imports.parsers.rows import FigureFile

#: Format id -> parser module. Order matters: the first whose ``matches`` is true wins.
FIGURE_FORMATS = {cijfers.FORMAT: cijfers, cbs.FORMAT: cbs}


def read_figures(
    path: Path | str,
    data: bytes | None = None,
    *,
    dataset: str | None = None,
    today: dt.date | None = None,
    period: Period | None = None,
) -> FigureFile:
    """Parse a figures file of any supported format, or raise :class:`InputError`.

    ``period`` is for CBS tables without a Perioden column (one table per year)."""
    csv_text = read_csv_text(path, data, comments=True)
    module = format_of(csv_text)
    return module.parse(csv_text, dataset=dataset, today=today, period=period)


def format_of(csv_text):
    header = header_of(csv_text)
    for module in FIGURE_FORMATS.values():
        if module.matches(header):
            return module
    if incidents.matches(header):
        message = (
            "dit is een bestand met politie-incidenten; lees het in met "
            "'openveiligheid import_incidents' (het heeft gebiedsgrenzen nodig)"
        )
    else:
        message = (
            "onbekend formaat: verwacht de kolommen measure,area,period,value "
            "(cijfers-CSV) of een CBS-opendatabestand met Perioden en WijkenEnBuurten/RegioS. "
            f"Gevonden kolommen: {', '.join(header[:8])}"
        )
        if csv_text.delimiter == "," and len(header) == 1 and ";" not in header[0]:
            message += " (is het scheidingsteken misschien een tab of iets anders?)"
    raise InputError([InputProblem(csv_text.name, message, line=1)])
