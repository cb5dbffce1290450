"""The Indicator page of a large gemeente: its table per area comes in pages, as under the Kaart
(``ui.paging``); the map above it and the downloads keep every area. The thresholds are lowered
so that the demo's Groningen buurten stand for a province."""

from __future__ import annotations

import csv
import io
import re

import pytest

from django.test import Client

from openveiligheid.dashboard import areadata, services
from openveiligheid.policy.models import Plan

from .test_kaart import get, map_links, map_svg, table_rows

pytestmark = pytest.mark.django_db

URL = "/indicator/fietsdiefstal-aangiften/?niveau=buurt&jaar=2016"
PAGE_SIZE = 20


@pytest.fixture
def province(monkeypatch):
    monkeypatch.setattr(areadata, "LINKED_AREAS_MAX", 10)
    monkeypatch.setattr(services, "TABLE_PAGE_SIZE", PAGE_SIZE)


def downloaded_codes(client: Client) -> list[str]:
    """The area codes of the CSV download of the same choice (every row)."""
    url = URL.replace("/?", "/download.csv?")
    response = client.get(url)
    assert response.status_code == 200, url
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    return [row["gebiedscode"] for row in reader if row["niveau"] == "buurt"]


def test_the_table_per_area_comes_in_pages_with_every_area_once(
    adviseur_client: Client, plan: Plan, province
) -> None:
    first = get(adviseur_client, URL)
    assert map_svg(first) is not None and not map_links(first)  # the overview map
    found = re.search(rf"Rij 1 tot en met {PAGE_SIZE} van ([\d.]+)", first)
    assert found, "no row range on the first page"
    total = int(found.group(1).replace(".", ""))
    pages = -(-total // PAGE_SIZE)
    seen = [row[0] for row in table_rows(first)]
    assert len(seen) == PAGE_SIZE
    for number in range(2, pages + 1):
        content = get(adviseur_client, f"{URL}&pagina={number}")
        assert 'aria-current="page" class="paginering__huidig">' + str(number) in content
        seen += [row[0] for row in table_rows(content)]
    assert len(seen) == len(set(seen)) == total > 2 * PAGE_SIZE
    assert sorted(seen) == sorted(downloaded_codes(adviseur_client))  # downloads: every row
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = get(adviseur_client, f"{URL}&pagina={pages}")
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert table_rows(get(adviseur_client, f"{URL}&pagina=99999")) == table_rows(last)


def test_page_links_keep_the_choice_and_sorting_starts_at_the_first_page(
    adviseur_client: Client, plan: Plan, province
) -> None:
    content = get(adviseur_client, f"{URL}&sorteer=waarde&richting=af&pagina=2")
    page_hrefs = re.findall(r'<li><a class="utrecht-link" href="([^"]+)"', content)
    assert page_hrefs
    for href in page_hrefs:
        assert "niveau=buurt" in href and "jaar=2016" in href and "sorteer=waarde" in href
        assert href.endswith("#gebieden")
    sort_links = re.findall(r'class="sort-link" href="([^"]+)"', content)
    assert sort_links and not any("pagina=" in link for link in sort_links)
    values = [float(row[3].replace(",", ".")) for row in table_rows(content) if row[3]]
    first_page = [
        float(row[3].replace(",", "."))
        for row in table_rows(get(adviseur_client, f"{URL}&sorteer=waarde&richting=af"))
        if row[3]
    ]
    assert values and min(first_page) >= max(values)  # page 2 goes on where page 1 ended


def test_a_gemeente_table_is_not_paged(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, URL)
    assert map_links(content)  # every area a link on the map
    assert "paginering" not in content and "Rij 1 tot" not in content
    assert len(table_rows(content)) == len(downloaded_codes(adviseur_client))
