"""The jaarverslag as one standalone HTML page: no scripts, no external resources, every text
escaped, readable on a screen and printed cleanly on A4 (``@media print``)."""

from __future__ import annotations

from html import escape

from openveiligheid.reports.document import Block, Heading, Notes, Paragraph, Table, blocks

STYLE = """
:root { color-scheme: light; }
body { font-family: "Segoe UI", Arial, sans-serif; font-size: 11pt; line-height: 1.4;
  color: #1a1a1a; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.35rem; margin-top: 2rem; }
h3 { font-size: 1.15rem; margin-top: 1.6rem; border-bottom: 1px solid #999; }
h4 { font-size: 1rem; margin: 1rem 0 .4rem; }
p, td { white-space: pre-line; overflow-wrap: anywhere; }
.tabel { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding-bottom: .2rem; }
th, td { border: 1px solid #888; padding: .2rem .4rem; vertical-align: top; text-align: left; }
th { background: #eee; }
tbody th { background: none; font-weight: normal; }
.getal { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.totaal td { font-weight: bold; }
.status::before { content: ""; display: inline-block; width: .7em; height: .7em;
  margin-right: .3em; border: 1px solid #333; border-radius: 50%; }
.status-groen::before { background: #2e7d32; } .status-oranje::before { background: #ef6c00; }
.status-rood::before { background: #c62828; }
.noten { font-size: .85rem; margin: .2rem 0 0; padding-left: 1.2rem; }
@media print {
  @page { size: A4; margin: 18mm 15mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  .tabel { overflow: visible; }
  table, tr, .noten { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  th { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .status::before { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def render(report: dict) -> str:
    """The report (``jaarverslag.report``) as a complete HTML page."""
    parts = blocks(report)
    title = parts[0].text if parts and isinstance(parts[0], Heading) else "Jaarverslag"
    body = "\n".join(_block(block) for block in parts)
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Notes):
        items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
        return f'<ul class="noten">{items}</ul>'
    return _table(block)


def _table(table: Table) -> str:
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    head = "".join(
        f'<th scope="col"{_class(n, table)}>{escape(h)}</th>' for n, h in enumerate(table.headings)
    )
    rows = []
    for number, row in enumerate(table.rows):
        cells = "".join(_cell(n, text, table) for n, text in enumerate(row))
        attrs = ' class="totaal"' if number in table.totals else ""
        rows.append(f"<tr{attrs}>{cells}</tr>")
    return (
        f'<div class="tabel"><table>{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _class(column: int, table: Table) -> str:
    return ' class="getal"' if column in table.numeric else ""


def _cell(column: int, text: str, table: Table) -> str:
    if column in table.statuses and text:
        return f'<td><span class="status status-{escape(text)}">{escape(text)}</span></td>'
    if column == 0 and text and not table.statuses:
        return f'<th scope="row">{escape(text)}</th>'
    return f"<td{_class(column, table)}>{escape(text)}</td>"
