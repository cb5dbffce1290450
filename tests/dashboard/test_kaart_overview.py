"""The Kaart of more areas than can each be a link (a province, the country): an overview map
from the coarser overview shapes, and a table in pages. The thresholds are lowered so that the
demo's Groningen buurten stand for 14,000 (bench/bench_pages.py measures the real size)."""

from __future__ import annotations

import re

import pytest

from django.test import Client

from openveiligheid.areas.models import Area
from openveiligheid.dashboard import areadata, kaart
from openveiligheid.policy.models import Plan

from .test_kaart import A72, get, map_links, map_svg, table_rows

pytestmark = pytest.mark.django_db

URL = f"/kaart/?onderwerp=maat:{A72}&niveau=buurt&periode=2016"


@pytest.fixture
def national(monkeypatch):
    monkeypatch.setattr(areadata, "LINKED_AREAS_MAX", 10)
    monkeypatch.setattr(kaart, "TABLE_PAGE_SIZE", 20)


def test_a_map_of_many_areas_is_an_overview_from_the_coarser_shapes(
    adviseur_client: Client, plan: Plan, national
) -> None:
    content = get(adviseur_client, URL)
    root = map_svg(content)
    assert root is not None and not map_links(content)  # no link per area
    group = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("transform"))
    assert group.get("transform") == "scale(100)"
    drawn = "".join(p.get("d") for p in group.iter("{http://www.w3.org/2000/svg}path"))
    division = int(re.search(r"gebiedsindeling (\d{4})", content).group(1))
    overviews = Area.objects.filter(division=division, level="buurt", gemeente_code="GM0014")
    assert drawn.count("M") >= overviews.exclude(map_path="").count() > 10  # every area drawn
    full = "".join(overviews.values_list("map_path", flat=True))
    assert len(drawn) < len(full) / 3  # simplified by zoom level
    assert "de namen, cijfers en links naar elk gebiedsprofiel staan in de tabel" in content


def test_the_table_comes_in_pages_with_every_area_once(
    adviseur_client: Client, plan: Plan, national
) -> None:
    first = get(adviseur_client, URL)
    total = int(re.search(r"Rij 1 tot en met 20 van ([\d.]+)", first).group(1).replace(".", ""))
    pages = -(-total // 20)
    seen = [row[0] for row in table_rows(first)]
    for number in range(2, pages + 1):
        content = get(adviseur_client, f"{URL}&pagina={number}")
        assert 'aria-current="page" class="paginering__huidig">' + str(number) in content
        seen += [row[0] for row in table_rows(content)]
    assert len(seen) == len(set(seen)) == total > 40
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = get(adviseur_client, f"{URL}&pagina={pages}")
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert table_rows(get(adviseur_client, f"{URL}&pagina=99999")) == table_rows(last)
    sort_links = re.findall(r'class="sort-link" href="([^"]+)"', last)
    assert sort_links and not any("pagina=" in link for link in sort_links)


def test_a_gemeente_map_is_unchanged_without_pages(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, URL)
    assert map_links(content) and "paginering" not in content and "Rij 1 tot" not in content
