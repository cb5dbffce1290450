"""The jaarverslag as a Word document (python-docx, ADR 0017): headings as Word headings,
tables as real Word tables, amounts in Dutch notation, A4, so that a P&C department can paste
the section into its own document."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from openveiligheid.reports.document import Block, Heading, Notes, Paragraph, Table, blocks

#: Light cell shading per status (the word stays in the cell: colour is not the only sign).
STATUS_SHADING = {"groen": "C6EFCE", "oranje": "FFE0B2", "rood": "FFC7CE"}
HEADER_SHADING = "E7E6E6"
#: Characters that XML 1.0 (and so Word) cannot hold; dropped from every text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(report: dict) -> bytes:
    """The report (``jaarverslag.report``) as the bytes of a .docx file."""
    document = Document()
    _page(document)
    parts = blocks(report)
    if parts and isinstance(parts[0], Heading):
        document.core_properties.title = parts[0].text
    document.core_properties.language = "nl-NL"
    for block in parts:
        _block(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page(document) -> None:
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)
    document.styles["Normal"].font.size = Pt(10)


def _block(document, block: Block) -> None:
    if isinstance(block, Heading):
        document.add_heading(_xml(block.text), level=block.level)
    elif isinstance(block, Paragraph):
        document.add_paragraph(_xml(block.text))
    elif isinstance(block, Notes):
        for item in block.items:
            paragraph = document.add_paragraph(_xml(item))
            for run in paragraph.runs:
                run.font.size = Pt(8)
    else:
        _table(document, block)


def _table(document, table: Table) -> None:
    if table.caption:
        document.add_paragraph(_xml(table.caption)).runs[0].bold = True
    word = document.add_table(rows=1 + len(table.rows), cols=len(table.headings))
    word.style = "Table Grid"
    word.alignment = WD_TABLE_ALIGNMENT.LEFT
    rows = list(word.rows)  # python-docx rebuilds the grid on every access: read it once
    _repeat_as_header(rows[0])
    cells = rows[0].cells
    for n, text in enumerate(table.headings):
        _fill(cells[n], text, bold=True, right=n in table.numeric, shade=HEADER_SHADING)
    for number, row in enumerate(table.rows):
        cells = rows[number + 1].cells
        for n, text in enumerate(row):
            shade = STATUS_SHADING.get(text) if n in table.statuses else None
            bold = number in table.totals
            _fill(cells[n], text, bold=bold, right=n in table.numeric, shade=shade)
    document.add_paragraph()


def _fill(cell, text: str, *, bold: bool, right: bool, shade: str | None) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(_xml(text))
    run.bold = bold or None
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if shade:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), shade)
        cell._tc.get_or_add_tcPr().append(shading)


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _repeat_as_header(row) -> None:
    """Word repeats this row at the top of every page the table runs over."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)
