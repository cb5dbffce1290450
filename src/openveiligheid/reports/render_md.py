"""The jaarverslag as Markdown, for pasting into a report or a wiki."""

from __future__ import annotations

from openveiligheid.reports.document import Block, Heading, Notes, Paragraph, Table, blocks


def render(report: dict) -> str:
    """The report (``jaarverslag.report``) as one Markdown document."""
    parts = [_block(block) for block in blocks(report)]
    return "\n\n".join(parts) + "\n"


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {_inline(block.text)}"
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Notes):
        return "\n".join(f"- {_inline(item)}" for item in block.items)
    return _table(block)


def _table(table: Table) -> str:
    aligns = ["---:" if n in table.numeric else "---" for n in range(len(table.headings))]
    lines = [
        "| " + " | ".join(_cell(h) for h in table.headings) + " |",
        "| " + " | ".join(aligns) + " |",
    ]
    for number, row in enumerate(table.rows):
        cells = [_cell(c) for c in row]
        if number in table.totals:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    caption = [f"**{_inline(table.caption)}**", ""] if table.caption else []
    return "\n".join(caption + lines)


def _inline(text: str) -> str:
    """Text on one line (a heading, a list item)."""
    return " ".join(text.split())


def _cell(text: str) -> str:
    """A table cell: one line, with ``|`` and ``\\`` escaped so they do not break the table."""
    return _inline(text.replace("\\", "\\\\").replace("|", "\\|"))
