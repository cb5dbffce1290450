"""Fixtures of the jaarverslag pages: the demo plan (with its fictitious example year 2023),
a second gemeente's plan, and reading the rows of the tables of a rendered page."""

from __future__ import annotations

from html.parser import HTMLParser


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    """The text of every cell of every table row of ``html``, row by row."""
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def row_of(html: str, first: str) -> list[str]:
    """The first table row whose first cell starts with ``first``."""
    for row in table_rows(html):
        if row and row[0].startswith(first):
            return row
    raise AssertionError(f"geen rij {first!r}")
