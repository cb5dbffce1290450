"""A long table on a page in pages (``?pagina=``): the table of every area under the Kaart and
the Indicator page, where a national map has 14,000 rows. The map above it shows them all;
downloads give every row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

#: Rows per page of a table of areas: a national map has 14,000 (issue #13: under 1.5 MB).
TABLE_PAGE_SIZE = 250
#: The largest page number read from ``?pagina=``; anything else is the first page.
MAX_PAGE_NUMBER = 100_000

Row = TypeVar("Row")


def page_number(text: str) -> int:
    """The page asked for by ``?pagina=`` (1 when missing or not a page number)."""
    return int(text) if text.isdigit() and 0 < int(text) < MAX_PAGE_NUMBER else 1


@dataclass(frozen=True)
class TablePage(Generic[Row]):
    """The page ``asked`` of ``rows``, ``size`` rows a page; a page past the end is the last."""

    rows: Sequence[Row]
    asked: int = 1
    size: int = TABLE_PAGE_SIZE

    @property
    def count(self) -> int:
        return max(1, -(-len(self.rows) // self.size))

    @property
    def number(self) -> int:
        return min(self.asked, self.count)

    @property
    def start(self) -> int:
        """Index of the page's first row."""
        return (self.number - 1) * self.size

    @property
    def shown(self) -> Sequence[Row]:
        """The rows of the page."""
        return self.rows[self.start : self.start + self.size]

    @property
    def range(self) -> tuple[int, int, int]:
        """(first row, last row, all rows) of the page, counted from 1."""
        return self.start + 1, self.start + len(self.shown), len(self.rows)


@dataclass(frozen=True)
class PageLink:
    label: str
    href: str
    current: bool = False


def page_links(query: Mapping[str, str], page: TablePage, anchor: str = "#tabel") -> list[PageLink]:
    """Links to the previous and next page of the table, and to the first, the last and the
    pages around the chosen one, keeping the rest of ``query``; none when the table fits on one
    page."""
    count, chosen = page.count, page.number
    if count == 1:
        return []

    def link(label: str, number: int) -> PageLink:
        params = {k: v for k, v in query.items() if k != "pagina"} | {"pagina": str(number)}
        return PageLink(label, "?" + urlencode(params) + anchor, number == chosen)

    numbers = sorted({1, count, *range(max(1, chosen - 2), min(count, chosen + 2) + 1)})
    links = [link("Vorige", chosen - 1)] if chosen > 1 else []
    links += [link(str(number), number) for number in numbers]
    return links + ([link("Volgende", chosen + 1)] if chosen < count else [])
