"""Fixtures for the insight integration tests: the demo with an injected outbreak, and users.

``insight_demo`` puts the real demo in the database (imports, then one ``refresh`` per
division, as ``openveiligheid demo`` does; loaded once per session by
``tests/conftest.py::demo_copy``), then imports one more, synthetic, cijfers file into the
demo's 2017 division: monthly counts of ``misdrijven:1.1.1`` per wijk, 2013-01..2017-08, with a
stable seasonal pattern and Poisson noise from a fixed seed, and a large outbreak in one wijk
in the last month. Then it runs ``refresh(2017)`` once more. Everything is committed once for
the whole ``tests/insight`` package (~5 s with the session's demo) and flushed afterwards;
every test sees it inside its own rolled-back transaction. Tests that need an empty database
use division 2019, which the demo does not have.
"""

from __future__ import annotations

import csv
import html
import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from django.core.management import call_command

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import WIJK
from openveiligheid.demo.loader import DATA as DEMO_DATA
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.insight.services import refresh
from openveiligheid.policy.models import Plan
from tests.conftest import restore_demo

TEST_DATA = Path(__file__).parents[1] / "data"
INCIDENT_FILE = DEMO_DATA / "fietsdiefstallen_groningen_2013_2017.csv"

DIVISION = 2017
GEMEENTE_CODE = "GM0014"
OUTBREAK_MEASURE = "misdrijven:1.1.1"  # not used by the demo plan, so no page changes meaning
OUTBREAK_WIJK = "WK001403"  # Oud-Noord
OUTBREAK_PERIOD = "2017-08"
OUTBREAK_SEED = 20170801


@dataclass(frozen=True)
class Outbreak:
    measure: str
    wijk: str
    period: str
    expected: float  # the seasonal mean of the outbreak month before the outbreak was added
    observed: int
    file: Path


def outbreak_rows(wijken: list[str], seed: int = OUTBREAK_SEED) -> tuple[list[str], float, int]:
    """Synthetic monthly counts per wijk: level x (1 + 0.3 cos(season)), Poisson, one outbreak.

    Returns the CSV lines, the outbreak wijk's seasonal mean in the last month and the count
    written there (three times that mean plus 20: far beyond any plausible threshold).
    """
    rng = np.random.default_rng(seed)
    lines = ["measure,area,period,value"]
    mean = observed = 0
    for code in wijken:
        level = rng.uniform(8, 30)
        for year in range(2013, 2018):
            for month in range(1, 13):
                if (year, month) > (2017, 8):
                    break
                mu = level * (1 + 0.3 * math.cos(2 * math.pi * (month - 1) / 12))
                value = int(rng.poisson(mu))
                if code == OUTBREAK_WIJK and f"{year}-{month:02d}" == OUTBREAK_PERIOD:
                    mean, value = mu, int(round(3 * mu + 20))
                    observed = value
                lines.append(f"{OUTBREAK_MEASURE},{code},{year}-{month:02d},{value}")
    return lines, mean, observed


@pytest.fixture(scope="package")
def insight_demo(demo_copy, django_db_blocker, tmp_path_factory):
    """The demo plan plus the outbreak, analysed; see the module docstring."""
    with django_db_blocker.unblock():
        plan = restore_demo(demo_copy)
        wijken = list(
            Area.objects.filter(division=DIVISION, level=WIJK)
            .order_by("code")
            .values_list("code", flat=True)
        )
        lines, mean, observed = outbreak_rows(wijken)
        path = tmp_path_factory.mktemp("uitbraak") / "uitbraak_woninginbraak.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        run = import_figures(path, division=DIVISION)
        assert run.status == ImportRun.SUCCEEDED, run.message
        refresh(DIVISION)
    yield plan, Outbreak(OUTBREAK_MEASURE, OUTBREAK_WIJK, OUTBREAK_PERIOD, mean, observed, path)
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def plan(insight_demo, db) -> Plan:
    return Plan.objects.get(pk=insight_demo[0].pk)


@pytest.fixture
def outbreak(insight_demo) -> Outbreak:
    return insight_demo[1]


# --- reading pages and files --------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every <table>: its caption and rows; a cell is (text, [hrefs]); headers included."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            self.tables.append({"attrs": attributes, "caption": "", "rows": []})
        elif tag == "caption" and self.tables:
            self._caption = []
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in {"td", "th"} and self.tables and self.tables[-1]["rows"]:
            self._cell = [[], [], attributes.get("scope")]
            self.tables[-1]["rows"][-1].append(self._cell)
        elif tag == "a" and self._cell is not None and "href" in attributes:
            self._cell[1].append(attributes["href"])

    def handle_endtag(self, tag):
        if tag in {"td", "th"}:
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0].append(data)
        if self._caption is not None:
            self._caption.append(data)


@dataclass
class Table:
    caption: str
    attrs: dict
    rows: list[list[tuple[str, list[str]]]]  # body rows only (no column headers)


def tables(page: str) -> list[Table]:
    parser = _Tables()
    parser.feed(page)
    found = []
    for table in parser.tables:
        rows = [
            [(" ".join("".join(text).split()), hrefs) for text, hrefs, _ in row]
            for row in table["rows"]
            if row and row[0][2] != "col"
        ]
        found.append(Table(table["caption"], table["attrs"], rows))
    return found


def table_with_caption(page: str, start: str) -> Table:
    found = [t for t in tables(page) if t.caption.startswith(start)]
    assert len(found) == 1, f"{len(found)} tables with a caption starting {start!r}"
    return found[0]


def area_code_of(href: str) -> str:
    """``/gebied/WK001403/?indeling=2017`` -> ``WK001403``."""
    match = re.fullmatch(r"/gebied/([A-Z0-9]+)/\?indeling=(\d{4})", href)
    assert match, href
    return match.group(1)


def map_titles(page: str) -> dict[str, str]:
    """data-code -> the unescaped <title> text of each drawn map shape."""
    return {
        code: html.unescape(title)
        for code, title in re.findall(r'data-code="([^"]+)"><title>([^<]*)</title>', page)
    }


def incident_rows() -> list[dict[str, str]]:
    with INCIDENT_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
