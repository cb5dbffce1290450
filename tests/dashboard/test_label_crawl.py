"""Words, not codes: no page or download of the demo shows a raw measure code (#12).

The test logs in as a user of Groningen with every role that reads or edits the plan and its
figures, follows every link it finds from the start page (each path with at most a few query
variants, so the Kaart's many combinations do not make the crawl endless), opens every
download among them, and looks for the name of every stored measure that is a code
(``misdrijven:0.0.0``, ``diefstallen:CRI1122:A048105``) in what a person reads: the text of
a page and its ``title``/``aria-label``/``alt`` attributes, and the cells, paragraphs and
values of CSV, JSON, Markdown, DOCX and XLSX downloads. Links and form values may carry
codes; they are for the machine. So may two places made for people who write plan files: the
folded "Technische namen" on an indicator page (marked ``data-technisch``) and the plan file
itself (``/plan/export.yaml``), whose measure names are what a plan file is written in.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from openpyxl import load_workbook

from django.contrib.auth.models import Group
from django.test import Client

from openveiligheid.figures.models import Measure
from tests.conftest import login_verified, member_of, with_role

pytestmark = pytest.mark.django_db

#: Paths never followed: leaving the session, the admin, static files, the API (machine keys).
SKIPPED = ("/uitloggen", "/admin/", "/static/", "/api/", "/media/", "/plan/export.yaml")
#: Links followed per kind of page: paths alike but for area codes and numbers (one buurt's
#: profile is like another's) and their query variants (the Kaart's many combinations).
LINKS_PER_KIND = 5
MAX_PAGES = 600
ROLES = ("beleidsadviseur", "analist", "controller")
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
KIND = re.compile(r"(GM|WK|BU)\d+|\d+|(?<=/plan/doel/)[^/]+")
GEMEENTEN = {"GM0014": "Groningen", "GM0758": "Breda", "GM0268": "Nijmegen"}


class _Reader(HTMLParser):
    """What a person reads on a page, and the links on it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden: list[str] = []  # the tags whose text is not read, innermost last

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._hidden or tag in ("script", "style", "template") or "data-technisch" in attributes:
            self._hidden.append(tag)
            return
        self.text.extend(attributes[a] or "" for a in READ_ATTRIBUTES if a in attributes)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def page_reading(html: str) -> tuple[str, list[str]]:
    reader = _Reader()
    reader.feed(html)
    return " ".join(reader.text), reader.links


def download_reading(content_type: str, body: bytes) -> str:
    """The text a person reads in a download (an empty string for a kind not read here)."""
    if "wordprocessingml" in content_type:
        with zipfile.ZipFile(io.BytesIO(body)) as docx:
            xml = docx.read("word/document.xml").decode("utf-8")
        return " ".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    if "spreadsheetml" in content_type:
        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = (
            cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
        return " ".join(str(cell) for cell in cells if cell is not None)
    if "json" in content_type:
        return " ".join(_json_strings(json.loads(body)))
    if content_type.startswith(("text/csv", "text/markdown", "text/plain", "application/yaml")):
        return body.decode("utf-8-sig")
    return ""


def _json_strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return [value] if isinstance(value, str) else []


def crawl(client: Client, *starts: str) -> dict[str, str]:
    """Every page and download reachable from ``starts``: url -> what a person reads there."""
    seen: set[str] = set(starts)
    kinds: Counter[str] = Counter()
    queue = deque(starts)
    read: dict[str, str] = {}
    while queue and len(read) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in (302, 403, 404, 405), (url, response.status_code)
            continue
        content_type = response["Content-Type"]
        if content_type.startswith("text/html"):
            text, links = page_reading(response.content.decode("utf-8"))
            read[url] = text
            for link in links:
                target = _internal(link, url)
                kind = KIND.sub("#", urlsplit(target or "").path)
                if target and target not in seen and kinds[kind] < LINKS_PER_KIND:
                    seen.add(target)
                    kinds[kind] += 1
                    queue.append(target)
        else:
            read[url] = download_reading(content_type, response.content)
    return read


def _internal(link: str, here: str) -> str | None:
    link = urldefrag(link).url
    if not link or link.startswith(("mailto:", "tel:", "javascript:")):
        return None
    if link.startswith("?"):
        link = urlsplit(here).path + link
    if not link.startswith("/") or link.startswith("//") or link.startswith(SKIPPED):
        return None
    return link


def coded_measure_names() -> list[str]:
    """The stored measure names that are codes (``soort:code``), longest first."""
    names = Measure.objects.filter(name__contains=":").values_list("name", flat=True)
    return sorted(names, key=len, reverse=True)


@pytest.fixture
def everything_reader(django_user_model, demo_plan) -> Client:
    """A user of the three demo gemeenten with every role that reads or edits plan and figures."""
    user = with_role(django_user_model, "crawler", ROLES[0])
    user.groups.add(*Group.objects.filter(name__in=ROLES[1:]))
    for code, name in GEMEENTEN.items():
        member_of(user, code, name)
    return login_verified(Client(), user)


@pytest.mark.parametrize("gemeente", GEMEENTEN)
def test_no_page_or_download_of_the_demo_shows_a_raw_measure_code(everything_reader, gemeente):
    codes = coded_measure_names()
    assert len(codes) >= 10, codes  # the demo's police, CBS and register measures
    chosen = everything_reader.post("/gemeente/", {"gemeente": gemeente, "next": "/"})
    assert chosen.status_code == 302
    read = crawl(everything_reader, "/", f"/openbaar/{gemeente}/")
    kinds = Counter(urlsplit(url).path.rstrip("/").rsplit(".", 1)[-1] for url in read)
    assert len(read) >= 60, sorted(read)
    assert any(url.startswith("/jaarverslag/") for url in read)
    assert kinds["docx"] and kinds["csv"], kinds
    assert GEMEENTEN[gemeente] in read["/"]
    found = {
        url: sorted({code for code in codes if code in text})
        for url, text in read.items()
        if any(code in text for code in codes)
    }
    assert not found, found


def test_the_reader_sees_text_and_labels_but_not_links_or_scripts():
    text, links = page_reading(
        '<p title="Fietsdiefstal">Aantal</p><a href="/kaart/?maat=misdrijven:1.1.1">Kaart</a>'
        "<script>var m = 'misdrijven:1.1.1';</script>"
        "<details data-technisch><summary>Technische namen</summary><p><code>misdrijven:1.1.1"
        "</code></p></details><p>Daarna</p>"
    )
    assert "Fietsdiefstal" in text and "Aantal" in text and "Kaart" in text and "Daarna" in text
    assert "misdrijven:1.1.1" not in text
    assert links == ["/kaart/?maat=misdrijven:1.1.1"]
