"""Vergelijkbare gemeenten (#12 part 6): the CBS size class, the group and its mean, checked
against the demo's national files read directly (not through the import)."""

from __future__ import annotations

import csv
from statistics import fmean

import pytest

from openveiligheid.demo.loader import DATA
from openveiligheid.indicators.engine import IndicatorDefinition
from openveiligheid.indicators.models import Indicator
from openveiligheid.indicators.peers import (
    MIN_MEMBERS,
    is_comparable,
    peer_group,
    peer_values,
    size_class,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("inhabitants", "words"),
    [
        (4_999, "minder dan 5.000 inwoners"),
        (5_000, "5.000 tot 10.000 inwoners"),
        (149_999, "100.000 tot 150.000 inwoners"),
        (150_000, "150.000 tot 250.000 inwoners"),
        (250_000, "250.000 inwoners of meer"),
        (931_300, "250.000 inwoners of meer"),
    ],
)
def test_the_cbs_size_classes(inhabitants, words):
    assert size_class(inhabitants) == words


def file_inhabitants() -> dict[str, int]:
    with (DATA / "inwoners_gemeente_2024.csv").open(encoding="utf-8") as handle:
        return {row["area"]: int(row["value"]) for row in csv.DictReader(handle)}


def file_rates(theft: str, year: int) -> dict[str, float]:
    """Published per-1,000 rates of the national theft file (``.`` = not published)."""
    rates = {}
    with (DATA / "diefstallen_83651NED_gemeenten.csv").open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            value = row["GeregistreerdeDiefstallenPer1000Inw_3"].strip()
            wanted = row["SoortDiefstal"] == theft and row["Perioden"] == f"{year}JJ00"
            if wanted and value not in ("", "."):
                rates[row["RegioS"].strip()] = float(value)
    return rates


def test_groningen_is_compared_with_the_gemeenten_of_its_size_class(plan):
    group = peer_group("GM0014")
    assert group.size_class == "150.000 tot 250.000 inwoners"
    expected = {c for c, n in file_inhabitants().items() if 150_000 <= n < 250_000}
    # Breda and Nijmegen have their size from their own buurten (derived at import)
    assert set(group.members) == expected | {"GM0758", "GM0268"}
    assert "GM0014" not in group.members and len(group.members) >= 8


def test_the_group_mean_is_the_plain_mean_of_the_published_rates(plan):
    indicator = Indicator.objects.get(plan=plan, key="fietsdiefstal-per-1000")
    definition = indicator.to_definition()
    assert is_comparable(definition)
    group = peer_group("GM0014")
    values = {v.year: v for v in peer_values(definition, group, [2019, 2020, 2021, 2023])}
    for year in (2019, 2020, 2021):
        rates = file_rates("CRI1122", year)
        mine = [rates[c] for c in group.members if c in rates]
        assert len(mine) >= MIN_MEMBERS
        assert values[year].count == len(mine)
        assert values[year].mean == pytest.approx(fmean(mine))
    assert values[2023].mean is None and values[2023].count == 0  # the file ends in 2021


def test_counts_are_not_compared_between_gemeenten():
    count = IndicatorDefinition(id="x", name="x", measures=("diefstallen:CRI1122",))
    rate = IndicatorDefinition(
        id="y", name="y", measures=("misdrijven:0.0.0",), per_1000="inwoners"
    )
    published = IndicatorDefinition(id="z", name="z", measures=("diefstallen_per_1000:CRI1122",))
    assert not is_comparable(count)
    assert is_comparable(rate) and is_comparable(published)


def test_the_indicator_page_names_the_group_and_shows_its_mean(adviseur_client, plan):
    page = adviseur_client.get("/indicator/fietsdiefstal-per-1000/").content.decode()
    assert "Vergelijkbare gemeenten" in page
    assert "150.000 tot 250.000 inwoners" in page
    assert "Breda" in page and "Nijmegen" in page and "Stedelijkheid telt niet mee" in page
    mean_2020 = fmean(
        r for c, r in file_rates("CRI1122", 2020).items() if c in peer_group("GM0014").members
    )
    shown = f"{mean_2020:.1f}".replace(".", ",")
    row = page.split('data-year="2020"')[1].split("</tr>")[0]
    assert shown in row and "gemeenten)" in row


def test_a_count_indicator_has_no_group_column(adviseur_client, plan):
    page = adviseur_client.get("/indicator/fietsdiefstal/").content.decode()
    assert "Vergelijkbare gemeenten" not in page
