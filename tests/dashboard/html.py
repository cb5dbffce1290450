"""Reading rendered pages in tests: the text of elements picked by an attribute."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _Collector(HTMLParser):
    def __init__(self, attribute: str):
        super().__init__(convert_charrefs=True)
        self.attribute = attribute
        self.found: list[tuple[dict[str, str | None], list[str]]] = []
        self.open: list[tuple[str, int | None]] = []  # (tag, index in found or None)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        index = None
        if self.attribute in attributes:
            self.found.append((attributes, []))
            index = len(self.found) - 1
        if tag not in VOID:
            self.open.append((tag, index))

    def handle_startendtag(self, tag, attrs):
        if self.attribute in dict(attrs):
            self.found.append((dict(attrs), []))

    def handle_endtag(self, tag):
        for position in range(len(self.open) - 1, -1, -1):
            if self.open[position][0] == tag:
                del self.open[position:]
                return

    def handle_data(self, data):
        for _, index in self.open:
            if index is not None:
                self.found[index][1].append(data)


def elements(html: str, attribute: str) -> list[tuple[str | None, str]]:
    """``(attribute value, whitespace-normalised text)`` of every element with ``attribute``."""
    collector = _Collector(attribute)
    collector.feed(html)
    collector.close()
    return [(attrs[attribute], " ".join("".join(text).split())) for attrs, text in collector.found]


def text_by(html: str, attribute: str) -> dict[str, str]:
    """Like :func:`elements`, keyed by the attribute value (which must be unique)."""
    found = elements(html, attribute)
    keyed = {value: text for value, text in found}
    assert len(keyed) == len(found), f"{attribute} is not unique on the page"
    return keyed


def page_text(html: str) -> str:
    """All text of the page, whitespace-normalised."""
    return elements(f"<div data-all>{html}</div>", "data-all")[0][1]
