"""The indicator page's numbers as CSV and XLSX: the same engine results as on the page.

The CSV is what Dutch spreadsheet programs open directly: UTF-8 with a byte-order mark, ``;``
between fields and a decimal comma. Values are unrounded; the XLSX shows them rounded as on
the page (a number format), but keeps the full value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openveiligheid.core.csvfiles import safe_text
from openveiligheid.dashboard.services import IndicatorDetail
from openveiligheid.indicators.formatting import format_target

HEADER = [
    "niveau",
    "gebiedscode",
    "gebied",
    "jaar",
    "waarde",
    "eenheid",
    "doel",
    "oordeel",
    "vergelijkingsgebied",
    "vergelijkingswaarde",
    "opmerkingen",
]


def rows(detail: IndicatorDetail) -> Iterator[list[object]]:
    """The gemeente's series (every year), then the areas of the chosen level and year."""
    unit = detail.definition.unit
    for result in detail.results:
        yield [
            "gemeente",
            result.area,
            detail.gemeente,
            int(result.period),
            result.value,
            unit,
            format_target(result.target, ""),
            result.verdict,
            result.comparison_area or "",
            result.comparison_value,
            "; ".join(result.notes),
        ]
    for row in detail.area_rows:
        yield [
            detail.level,
            row.code,
            row.name,
            detail.area_year,
            row.value,
            unit,
            "",
            "",
            "",
            None,
            "; ".join(row.notes),
        ]


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))


def as_csv(detail: IndicatorDetail) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(detail):
        writer.writerow([_csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(detail: IndicatorDetail) -> bytes:
    from openpyxl import Workbook  # imported here: only downloads need it

    book = Workbook()
    sheet = book.active
    sheet.title = "Cijfers"
    sheet.append(HEADER)
    decimals = detail.definition.decimals
    number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
    for row in rows(detail):
        sheet.append([_xlsx_cell(cell) for cell in row])
        for column in (5, 10):
            sheet.cell(row=sheet.max_row, column=column).number_format = number_format
    sheet.freeze_panes = "A2"
    widths = (10, 12, 28, 6, 12, 20, 10, 14, 12, 12, 50)
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _xlsx_cell(value: object) -> object:
    if value is None:
        return ""
    return safe_text(value) if isinstance(value, str) else value
