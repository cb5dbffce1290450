"""Paging a table (``ui.paging``): which rows a page shows and the links to the other pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from openveiligheid.ui.paging import TablePage, page_links, page_number


@pytest.mark.parametrize(
    ("text", "number"), [("", 1), ("3", 3), ("0", 1), ("-2", 1), ("x", 1), ("100000", 1)]
)
def test_page_number_reads_only_page_numbers(text: str, number: int) -> None:
    assert page_number(text) == number


def test_a_page_shows_its_rows_and_a_page_past_the_end_is_the_last() -> None:
    rows = list(range(45))
    assert TablePage(rows, 2, 20).shown == list(range(20, 40))
    assert TablePage(rows, 2, 20).range == (21, 40, 45)
    last = TablePage(rows, 99, 20)
    assert (last.count, last.number, last.shown, last.range) == (
        3,
        3,
        [40, 41, 42, 43, 44],
        (41, 45, 45),
    )
    assert TablePage([], 1, 20).count == 1 and TablePage([], 1, 20).shown == []


def test_page_links_around_the_chosen_page_keep_the_query() -> None:
    page = TablePage(list(range(200)), 5, 10)  # 20 pages
    links = page_links({"niveau": "buurt", "pagina": "5"}, page, "#gebieden")
    assert [link.label for link in links] == [
        "Vorige",
        "1",
        "3",
        "4",
        "5",
        "6",
        "7",
        "20",
        "Volgende",
    ]
    assert [link.label for link in links if link.current] == ["5"]
    for link in links:
        assert link.href.endswith("#gebieden")
        query = parse_qs(urlsplit(link.href.removesuffix("#gebieden")).query)
        assert query["niveau"] == ["buurt"] and len(query["pagina"]) == 1
    assert links[0].href == "?niveau=buurt&pagina=4#gebieden"
    assert links[-1].href == "?niveau=buurt&pagina=6#gebieden"


def test_no_links_when_the_table_fits_and_none_beyond_the_ends() -> None:
    assert page_links({}, TablePage(list(range(10)), 1, 10)) == []
    first = [link.label for link in page_links({}, TablePage(list(range(30)), 1, 10))]
    assert first == ["1", "2", "3", "Volgende"]
    last = [link.label for link in page_links({}, TablePage(list(range(30)), 7, 10))]
    assert last == ["Vorige", "1", "2", "3"]
