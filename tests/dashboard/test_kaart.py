"""The map page: choropleth and table per wijk or buurt, rates, sorting, hotspot outlines."""

from __future__ import annotations

import re
from html import unescape
from xml.etree import ElementTree

import pytest

from django.conf import settings
from django.test import Client

from openveiligheid.areas.models import Area
from openveiligheid.core.periods import Period
from openveiligheid.dashboard.areadata import per_1000
from openveiligheid.figures.models import Figure
from openveiligheid.figures.services import figure_set
from openveiligheid.indicators.engine import IndicatorDefinition, indicator_value
from openveiligheid.indicators.formatting import format_number
from openveiligheid.indicators.models import Indicator
from openveiligheid.indicators.services import level_values, plan_division
from openveiligheid.insight.models import HotspotResult
from openveiligheid.insight.wording import hotspot_sentence
from openveiligheid.policy.models import Plan

from .html import elements, page_text

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
A72 = "incidenten:A72"
RATE_URL = f"/kaart/?onderwerp=maat:{A72}&niveau=buurt&periode=2017-08&per1000=1"


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def map_svg(content: str) -> ElementTree.Element | None:
    """The map's <svg> element (the legend swatches are separate, smaller svgs)."""
    start = content.find('<svg xmlns="http://www.w3.org/2000/svg"')
    if start < 0:
        return None
    return ElementTree.fromstring(content[start : content.index("</svg>", start) + 6])


def map_links(content: str) -> dict[str, ElementTree.Element]:
    root = map_svg(content)
    return {} if root is None else {a.get("data-code"): a for a in root.iter(f"{SVG}a")}


def table_rows(content: str) -> list[tuple[str, str, str, str, str, str]]:
    """(code, name, shown value, data-value, inwoners, opmerkingen) per row, in page order."""
    rows = []
    for match in re.finditer(
        r'<tr class="utrecht-table__row" data-area="([^"]+)">(.*?)</tr>', content, re.S
    ):
        code, body = match.groups()
        cells = [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)
        ]
        value = re.search(r'data-value="([^"]*)"', body).group(1)
        if len(cells) == 7:  # a rate with EB-smoothed values: two more columns
            name, shown_code, shown, _smoothed, _band, population, notes = cells
        else:
            name, shown_code, shown, population, notes = cells
        assert shown_code == code
        rows.append((code, name, shown, value, population, notes))
    return rows


def number(data_value: str) -> float | None:
    """A data-value attribute (rendered by Django in the Dutch locale) as a float."""
    return float(data_value.replace(",", ".")) if data_value else None


def legend_counts(content: str) -> dict[str, int]:
    """Legend label -> count, without the outline entries ("omlijnd: ...")."""
    found = {}
    for value, text in elements(content, "class"):
        if value == "legend__item" and not text.startswith("omlijnd"):
            label, count = re.fullmatch(r"(.*) \((\d+)\)", text).groups()
            found[label] = int(count)
    return found


def messages(content: str) -> list[str]:
    return [text for value, text in elements(content, "role") if value == "status"]


def definition_of(plan: Plan, key: str) -> IndicatorDefinition:
    return Indicator.objects.get(plan=plan, key=key).to_definition()


def count_definition(measure: str) -> IndicatorDefinition:
    return IndicatorDefinition(id=measure, name=measure, measures=(measure,), decimals=0)


# --- access ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get("/kaart/")
    assert response.status_code == 302
    assert response.url.startswith("/inloggen/?next=")


def test_without_the_dashboard_role_is_403(client: Client, nobody) -> None:
    client.force_login(nobody)
    assert client.get("/kaart/").status_code == 403


# --- the default map -------------------------------------------------------------------------


def test_default_map_and_table_agree_with_the_engine(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/kaart/")
    # the first subject with wijk figures is the bicycle-theft indicator; newest year 2016
    assert "Fietsdiefstallen in de stad (politieregistraties) per wijk, 2016" in page_text(content)
    definition = definition_of(plan, "fietsdiefstal-aangiften")
    found = level_values(definition, plan.gemeente_code, "wijk", 2016, plan_division(plan))
    assert found.division == 2017
    rows = table_rows(content)
    assert len(rows) == len(found.rows) == 15
    expected = {item.area.code: item for item in found.rows}
    for code, name, shown, value, _population, _notes in rows:
        item = expected[code]
        assert name == item.area.name
        assert shown == format_number(item.value.value, definition.decimals)
        assert number(value) == item.value.value
    assert dict((r[0], r[2]) for r in rows)["WK001400"] == "1.776"  # anchor: Centrum


def test_default_map_draws_every_area_with_a_boundary_as_a_labelled_link(
    adviseur_client: Client, plan: Plan
) -> None:
    content = get(adviseur_client, "/kaart/")
    links = map_links(content)
    with_boundary = set(
        Area.objects.filter(gemeente_code=plan.gemeente_code, level="wijk", division=2017)
        .exclude(map_path="")
        .values_list("code", flat=True)
    )
    assert set(links) == with_boundary and len(links) == 15
    shown = {code: (name, value) for code, name, value, *_ in table_rows(content)}
    for code, link in links.items():
        assert link.get("href") == f"/gebied/{code}/?indeling=2017"
        label = link.get("aria-label")
        name, value = shown[code]
        assert label and label.startswith(f"{name}: {value}")
        assert link.find(f"{SVG}title").text == label
        path = link.find(f"{SVG}path")
        assert re.fullmatch(r"klasse-\d", path.get("class"))  # counts: nothing hatched or grey
    # the links really lead to the area pages
    assert adviseur_client.get(links["WK001400"].get("href")).status_code == 200


def test_legend_counts_add_up_to_the_areas_drawn(adviseur_client: Client, plan: Plan) -> None:
    for url in ["/kaart/", RATE_URL, f"/kaart/?onderwerp=maat:{A72}&niveau=buurt&periode=2016"]:
        content = get(adviseur_client, url)
        counts = legend_counts(content)
        assert counts, url
        assert sum(counts.values()) == len(map_links(content)) == len(table_rows(content)), url


def test_a_division_without_boundaries_draws_no_empty_map(
    adviseur_client: Client, plan: Plan
) -> None:
    """Misdrijven 2023 exist per wijk of division 2024, which has no boundaries in the demo.

    The table must still be there; a map with no area drawn must not be offered, and a legend
    must not count areas that are not on the map.
    """
    content = get(adviseur_client, "/kaart/?onderwerp=maat:misdrijven:0.0.0&niveau=wijk")
    rows = table_rows(content)
    assert len(rows) == 20
    assert dict((r[0], r[2]) for r in rows)["WK001400"] == "5.538"
    assert sum(legend_counts(content).values()) == len(map_links(content))


def test_source_credit(adviseur_client: Client, plan: Plan) -> None:
    text = page_text(get(adviseur_client, "/kaart/"))
    assert "Kaart: CBS Wijk- en buurtkaart, gebiedsindeling 2017 (CC BY 4.0)." in text
    assert "Bron: CBS / Politie" in text


# --- rates per 1,000 inhabitants ---------------------------------------------------------------


def test_rates_per_1000_and_small_areas(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, RATE_URL)
    text = page_text(content)
    assert "per 1.000 inwoners per buurt, augustus 2017" in text
    minimum = format_number(settings.MIN_POPULATION_FOR_RATE, 0)
    assert f"Gebieden met minder dan {minimum} inwoners zijn gearceerd" in text

    rate = per_1000(count_definition(A72))
    period = Period(2017, 8)
    found = level_values(rate, plan.gemeente_code, "buurt", period, plan_division(plan))
    assert found.division == 2017
    codes = [item.area.code for item in found.rows]
    figures = figure_set(
        {A72, "inwoners"}, set(codes), division=2017, years_only=False, months=[period]
    )
    counts = dict(
        Figure.objects.filter(
            measure__name=A72, area__division=2017, area__level="buurt", period="2017-08"
        ).values_list("area__code", "value")
    )
    inhabitants = dict(
        Figure.objects.filter(
            measure__name="inwoners", area__division=2017, area__level="buurt", period="2017"
        ).values_list("area__code", "value")
    )
    rows = table_rows(content)
    links = map_links(content)
    assert len(rows) == len(found.rows) == 108
    small_seen = 0
    for code, _name, shown, value, population, notes in rows:
        engine = indicator_value(rate, figures, code, period)
        path = links[code].find(f"{SVG}path")
        if engine is None:
            assert (shown, value, path.get("class")) == ("–", "", "klasse-geen"), code
            continue
        # the per-1000 rule: count of the month / inhabitants of that year x 1000
        assert engine.value == pytest.approx(counts[code] / inhabitants[code] * 1000)
        assert number(value) == pytest.approx(engine.value)
        assert shown == format_number(engine.value, 1)
        assert population == format_number(inhabitants[code], 0)
        if inhabitants[code] < settings.MIN_POPULATION_FOR_RATE:
            small_seen += 1
            assert f"minder dan {minimum} inwoners" in notes, code
            assert path.get("class") == "klasse-klein", code
            assert path.get("fill").startswith("url(#"), code  # hatched, not a colour
        else:
            assert "minder dan" not in notes, code
            assert re.fullmatch(r"klasse-\d", path.get("class")), code
            assert path.get("fill").startswith("#"), code
    assert small_seen > 0


def test_small_areas_are_not_classified(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, RATE_URL)
    large = [
        number(value)
        for code, _n, _s, value, population, _notes in table_rows(content)
        if value and int(population.replace(".", "")) >= settings.MIN_POPULATION_FOR_RATE
    ]
    labels = list(legend_counts(content))
    classes = [label for label in labels if label not in {"geen cijfer", "te weinig inwoners"}]
    assert classes and classes[-1].endswith(format_number(max(large), 1))
    counts = legend_counts(content)
    small = sum(
        1
        for _c, _n, _s, value, population, _notes in table_rows(content)
        if value and int(population.replace(".", "")) < settings.MIN_POPULATION_FOR_RATE
    )
    assert counts["te weinig inwoners"] == small


def test_a_rate_without_inhabitants_says_so(adviseur_client: Client, plan: Plan) -> None:
    """There are inhabitants for 2017 only, so there is no rate for 2016: say that, in Dutch,
    rather than showing an empty map and an empty table."""
    content = get(
        adviseur_client, f"/kaart/?onderwerp=maat:{A72}&niveau=buurt&periode=2016&per1000=1"
    )
    assert any("2016" in message for message in messages(content)), messages(content)
    assert map_svg(content) is None or map_links(content)  # no map without any area on it


def test_a_rate_of_a_rate_is_not_computed(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/kaart/?onderwerp=indicator:misdrijven-per-1000&per1000=1")
    assert (
        "'Geregistreerde misdrijven per 1.000 inwoners' is al een verhoudingsgetal; "
        "het wordt niet omgerekend." in messages(content)
    )


# --- sorting ---------------------------------------------------------------------------------


def sort_states(content: str) -> dict[str, str]:
    """Column label -> aria-sort of the sortable headers."""
    states = {}
    for match in re.finditer(r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*><a[^>]*>(\w+)', content):
        states[match.group(2)] = match.group(1)
    return states


def test_sorting_by_value_descending_puts_empty_values_last(
    adviseur_client: Client, plan: Plan
) -> None:
    content = get(adviseur_client, RATE_URL + "&sorteer=waarde&richting=af")
    values = [number(value) for _c, _n, _s, value, *_ in table_rows(content)]
    known = [v for v in values if v is not None]
    assert len(known) < len(values)  # some buurten have no rate: the test means something
    assert values == sorted(known, reverse=True) + [None] * (len(values) - len(known))
    assert sort_states(content) == {"Naam": "none", "Code": "none", "Waarde": "descending"}
    # the value header now links to ascending order, keeping the other choices
    header = re.search(r'aria-sort="descending"><a class="sort-link" href="([^"]+)"', content)
    href = header.group(1).replace("&amp;", "&")
    assert "sorteer=waarde" in href and "richting" not in href and "periode=2017-08" in href


def test_sorting_by_value_ascending_keeps_empty_values_last(
    adviseur_client: Client, plan: Plan
) -> None:
    content = get(adviseur_client, RATE_URL + "&sorteer=waarde")
    values = [number(value) for _c, _n, _s, value, *_ in table_rows(content)]
    known = [v for v in values if v is not None]
    assert values == sorted(known) + [None] * (len(values) - len(known))
    assert sort_states(content)["Waarde"] == "ascending"


def test_default_order_is_by_name(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/kaart/")
    names = [name for _c, name, *_ in table_rows(content)]
    assert names == sorted(names, key=str.lower)
    assert sort_states(content) == {"Naam": "ascending", "Code": "none", "Waarde": "none"}
    by_code = [
        code for code, *_ in table_rows(get(adviseur_client, "/kaart/?sorteer=code&richting=af"))
    ]
    assert by_code == sorted(by_code, reverse=True)


# --- wrong choices ---------------------------------------------------------------------------


def test_unknown_subject_and_period_fall_back_with_a_message(
    adviseur_client: Client, plan: Plan
) -> None:
    content = get(adviseur_client, "/kaart/?onderwerp=bestaat-niet&periode=2030")
    assert messages(content) == [
        "Dat onderwerp bestaat niet (meer); het eerste onderwerp met cijfers is gekozen.",
        "Voor 2030 zijn er geen cijfers; 2016 wordt getoond.",
    ]
    default = get(adviseur_client, "/kaart/")
    assert table_rows(content) == table_rows(default)
    assert 'value="indicator:fietsdiefstal-aangiften" selected' in content


def test_a_month_without_figures_falls_back_to_the_newest_year(
    adviseur_client: Client, plan: Plan
) -> None:
    content = get(adviseur_client, f"/kaart/?onderwerp=maat:{A72}&periode=2012-05")
    assert "Voor mei 2012 zijn er geen cijfers; 2016 wordt getoond." in messages(content)
    assert '<option value="2016" selected>' in content


def test_a_month_can_be_chosen(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, f"/kaart/?onderwerp=maat:{A72}&niveau=wijk&periode=2017-03")
    found = level_values(count_definition(A72), plan.gemeente_code, "wijk", Period(2017, 3), 2024)
    expected = {item.area.code: format_number(item.value.value, 0) for item in found.rows}
    assert {code: shown for code, _n, shown, *_ in table_rows(content)} == expected
    assert not messages(content)


def test_a_subject_without_area_figures(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/kaart/?onderwerp=indicator:halt-verwijzingen")
    assert "Voor dit onderwerp zijn er geen cijfers per wijk." in messages(content)
    assert map_svg(content) is None and not table_rows(content)


# --- hot- and coldspot outlines ---------------------------------------------------------------


def test_outlines_equal_the_stored_hotspots(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, f"/kaart/?onderwerp=maat:{A72}&niveau=buurt&periode=2016")
    root = map_svg(content)
    code_of_path = {a.find(f"{SVG}path").get("d"): a.get("data-code") for a in root.iter(f"{SVG}a")}
    overlay = [g for g in root.iter(f"{SVG}g") if g.get("class") == "kaart-omlijning"]
    assert len(overlay) == 1
    drawn = {code_of_path[p.get("d")]: p.get("class") for p in overlay[0].iter(f"{SVG}path")}

    stored = HotspotResult.objects.filter(
        measure__name=A72, period="2016", area__level="buurt", area__division=2017
    )
    expected = {
        r.area.code: f"{r.hotspot_class}-{round(r.confidence * 100)}"
        for r in stored.select_related("area")
        if r.hotspot_class in {"hotspot", "coldspot"} and r.confidence
    }
    assert expected and any(v.startswith("hotspot") for v in expected.values())
    assert drawn == expected
    links = map_links(content)
    for code, css in expected.items():
        kind, percent = css.split("-")
        assert links[code].get("aria-label").endswith(f"({kind} ({percent}% betrouwbaarheid))")
    for code in set(links) - set(expected):
        assert "spot" not in links[code].get("aria-label")
    text = page_text(content)
    assert "Hotspots en coldspots: Getis-Ord Gi*" in text
    for css in set(expected.values()):
        kind, percent = css.split("-")
        count = sum(1 for v in expected.values() if v == css)
        assert f"omlijnd: {kind} ({percent}% betrouwbaarheid) ({count})" in text


def test_no_outlines_on_a_month_map(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, f"/kaart/?onderwerp=maat:{A72}&niveau=buurt&periode=2016-05")
    root = map_svg(content)
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "kaart-omlijning"]
    assert "omlijnd:" not in page_text(content)


def test_every_analysed_area_says_what_it_is(adviseur_client: Client, plan: Plan) -> None:
    """One Dutch sentence per area in the table (Gi* and Local Moran), as stored."""
    content = get(adviseur_client, f"/kaart/?onderwerp=maat:{A72}&niveau=buurt&periode=2016")
    stored = {
        r.area.code: r
        for r in HotspotResult.objects.filter(
            measure__name=A72, period="2016", area__level="buurt", area__division=2017
        ).select_related("area")
    }
    rows = table_rows(content)
    assert len(rows) == len(stored) > 100
    for code, _name, _shown, _value, _population, notes in rows:
        r = stored[code]
        assert hotspot_sentence(r.hotspot_class, r.confidence, r.lisa_class, "buurt") in notes
    notes = {code: notes for code, *_rest, notes in rows}
    assert notes["BU00140001"].startswith("Hotspot (99% zekerheid): samen met de omliggende")
    assert stored["BU00140001"].lisa_class == "hoog-hoog"
