"""The area profile of a wijk or buurt: figures against gemeente and Netherlands, rank, links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from django.test import Client

from openveiligheid.areas.models import Area
from openveiligheid.core.periods import Period
from openveiligheid.dashboard.areadata import per_1000
from openveiligheid.figures.models import Figure, Measure
from openveiligheid.figures.periods import refresh_periods
from openveiligheid.figures.services import figure_set, measure_labels
from openveiligheid.indicators.engine import IndicatorDefinition, indicator_value, population_of
from openveiligheid.indicators.formatting import format_change, format_number
from openveiligheid.indicators.services import level_values
from openveiligheid.insight.models import HotspotResult, SpaceTimeResult
from openveiligheid.insight.wording import hotspot_sentence
from openveiligheid.policy.models import Plan

from .html import page_text

pytestmark = pytest.mark.django_db

NL = "NL01"


class _Table(HTMLParser):
    """The cell texts of every body row of one table (picked by id)."""

    def __init__(self, table_id: str):
        super().__init__(convert_charrefs=True)
        self.table_id, self.inside, self.in_body = table_id, False, False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in {"td", "th"}:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.inside = self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(content: str, table_id: str) -> list[list[str]]:
    parser = _Table(table_id)
    parser.feed(content)
    return parser.rows


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def competition_rank(definition: IndicatorDefinition, area: Area, year: int) -> str:
    """'Ne hoogste van M <level>s': N is one more than the number of higher values."""
    found = level_values(definition, area.gemeente_code, area.level, year, area.division)
    assert found.division == area.division
    values = {row.area.code: row.value.value for row in found.rows if row.value is not None}
    own = values[area.code]
    rank = 1 + sum(1 for value in values.values() if value > own)
    plural = {"wijk": "wijken", "buurt": "buurten"}[area.level]
    return f"{rank}e hoogste van {len(values)} {plural}"


def expected_rows(area: Area) -> list[list[str]]:
    """Per measure with yearly figures: the latest year, against gemeente and NL (engine)."""
    yearly = Figure.objects.filter(area=area, month__isnull=True).exclude(measure__name="inwoners")
    measures = sorted(set(yearly.values_list("measure__name", flat=True)))
    labels = measure_labels(measures)
    figures = figure_set(
        {*measures, "inwoners"}, {area.code, area.gemeente_code, NL}, division=area.division
    )
    rows = []
    for measure in measures:
        own = dict(yearly.filter(measure__name=measure).values_list("year", "value"))
        year = max(own)
        count = IndicatorDefinition(
            id=measure, name=labels.get(measure) or measure, measures=(measure,), decimals=0
        )
        previous = own.get(year - 1)
        change = (own[year] - previous) / abs(previous) * 100 if previous else None
        for definition in (count, per_1000(count)):
            value = indicator_value(definition, figures, area.code, year)
            if value is None:
                continue
            if definition is count:
                assert value.value == own[year]
            gemeente = indicator_value(definition, figures, area.gemeente_code, year)
            nederland = indicator_value(definition, figures, NL, year)
            rows.append(
                [
                    f"{count.name} ({definition.unit or 'aantal'})",
                    str(year),
                    format_number(value.value, definition.decimals),
                    format_change(change) if definition is count else None,
                    "",  # the sparkline is an image without text
                    format_number(gemeente.value if gemeente else None, definition.decimals),
                    format_number(nederland.value if nederland else None, definition.decimals),
                    competition_rank(definition, area, year),
                ]
            )
    return rows


def assert_rows_agree(content: str, area: Area) -> list[list[str]]:
    shown = table(content, "profiel")
    expected = expected_rows(area)
    assert expected, "the area has no figures: the test would mean nothing"
    assert len(shown) == len(expected)
    for row, wanted in zip(shown, expected, strict=True):
        assert row[0].startswith(wanted[0]), (row, wanted)
        for index, cell in enumerate(wanted[1:], start=1):
            if cell is not None:
                assert row[index] == cell, (index, row, wanted)
    return shown


# --- access ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get("/gebied/WK001400/")
    assert response.status_code == 302
    assert response.url.startswith("/inloggen/?next=")


def test_without_the_dashboard_role_is_403(client: Client, nobody) -> None:
    client.force_login(nobody)
    assert client.get("/gebied/WK001400/").status_code == 403


# --- figures ---------------------------------------------------------------------------------


def test_wijk_profile_in_division_2017(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/gebied/WK001400/?indeling=2017")
    area = Area.objects.get(code="WK001400", division=2017)
    assert "gebiedsindeling 2017" in page_text(content)
    rows = assert_rows_agree(content, area)
    # anchors from the demo: Centrum had 1,776 bicycle thefts in 2016, the most of 15 wijken
    assert rows[0][1:3] == ["2016", "1.776"]
    assert rows[0][7] == "1e hoogste van 15 wijken"
    assert 'aria-label="Verloop 2013–2016"' in content  # the sparkline


def test_buurt_profile_in_division_2017(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/gebied/BU00140000/?indeling=2017")
    area = Area.objects.get(code="BU00140000", division=2017)
    rows = assert_rows_agree(content, area)
    assert rows[0][7] == "2e hoogste van 108 buurten"


def test_profile_in_the_newest_division_by_default(adviseur_client: Client, plan: Plan) -> None:
    """Without ?indeling the newest division (2024) is used, with the national figure."""
    for code in ["WK001400", "BU00140000"]:
        content = get(adviseur_client, f"/gebied/{code}/")
        area = Area.objects.get(code=code, division=2024)
        assert "gebiedsindeling 2024" in page_text(content)
        rows = assert_rows_agree(content, area)
        assert rows[0][6] != "–"  # the Netherlands has misdrijven in 2023
    figures = figure_set({"misdrijven:0.0.0"}, {NL}, division=2024)
    national = figures.get("misdrijven:0.0.0", NL, Period(2023))
    assert rows[0][6] == format_number(national.value, 0)


def test_equal_values_share_a_rank(adviseur_client: Client, plan: Plan) -> None:
    """Many buurten have the same count (e.g. 0 solved thefts): the rank must not depend on the
    order of the area codes. Noorderplantsoen (BU00140004) ties with other buurten."""
    content = get(adviseur_client, "/gebied/BU00140004/?indeling=2017")
    area = Area.objects.get(code="BU00140004", division=2017)
    assert_rows_agree(content, area)


def test_rate_row_when_the_area_has_a_population(adviseur_client: Client, plan: Plan) -> None:
    """The demo has inhabitants for 2017 only; with a 2016 population a rate row appears."""
    area = Area.objects.get(code="WK001400", division=2017)
    template = Figure.objects.filter(area=area, measure__name="inwoners").first()
    inwoners = Measure.objects.get(name="inwoners")
    Figure.objects.create(
        measure=inwoners, area=area, period="2016", year=2016, value=20000,
        import_run=template.import_run,
    )  # fmt: skip
    refresh_periods({inwoners.pk}, {2016})  # as every writer of figures does
    content = get(adviseur_client, "/gebied/WK001400/?indeling=2017")
    rows = assert_rows_agree(content, area)
    rates = [row for row in rows if "(per 1.000 inwoners)" in row[0]]
    assert len(rates) == 2
    assert rates[0][1:3] == ["2016", format_number(1776 / 20000 * 1000, 1)]


# --- the rest of the page --------------------------------------------------------------------


def test_buurt_page_links_to_its_wijk(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/gebied/BU00140000/?indeling=2017")
    area = Area.objects.get(code="BU00140000", division=2017)
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', content, re.S).group(0)
    assert (
        f'<a class="utrecht-link" href="/gebied/{area.parent.code}/?indeling=2017">{area.parent.name}</a>'
        in crumbs
    )
    assert area.parent.code == "WK001400"
    assert "Buurt in wijk Centrum, gemeente Groningen" in page_text(content)
    assert "Buurten in" not in page_text(content)


def test_wijk_page_lists_its_buurten(adviseur_client: Client, plan: Plan) -> None:
    for division in (2017, 2024):
        content = get(adviseur_client, f"/gebied/WK001400/?indeling={division}")
        wijk = Area.objects.get(code="WK001400", division=division)
        section = content[content.index('id="buurten-titel"') :]
        links = re.findall(r'<li><a class="utrecht-link" href="([^"]+)">([^<]+)</a></li>', section)
        buurten = sorted(wijk.children.all(), key=lambda b: b.name)
        assert buurten
        assert links == [(f"/gebied/{b.code}/?indeling={division}", b.name) for b in buurten]


def test_population_and_small_area_warning(adviseur_client: Client, plan: Plan) -> None:
    for code, small in [("BU00140000", False), ("BU00140004", True)]:
        area = Area.objects.get(code=code, division=2017)
        figures = figure_set({"inwoners"}, {code}, division=2017)
        population = population_of(figures, code, 2017)
        assert (population < 200) is small
        content = get(adviseur_client, f"/gebied/{code}/?indeling=2017")
        assert f"Inwoners {format_number(population, 0)} (1 januari 2017)" in page_text(content)
        assert ("Dit gebied heeft weinig inwoners" in page_text(content)) is small, area.name


def test_hotspot_section_when_results_are_stored(adviseur_client: Client, plan: Plan) -> None:
    for code, division in [("BU00140000", 2017), ("WK001400", 2017), ("WK001400", 2024)]:
        area = Area.objects.get(code=code, division=division)
        content = get(adviseur_client, f"/gebied/{code}/?indeling={division}")
        stored = HotspotResult.objects.filter(area=area)
        present = stored.exists() or SpaceTimeResult.objects.filter(area=area).exists()
        assert ('id="hotspots-titel"' in content) is present, (code, division)
        if not stored.exists():
            continue
        text = page_text(content)
        yearly = stored.filter(measure__name="incidenten:A72", period__regex=r"^\d{4}$")
        newest = yearly.order_by("-period").first()  # the profile shows the newest year
        words = newest.hotspot_class
        if newest.hotspot_class in {"hotspot", "coldspot"}:
            words += f" ({round(newest.confidence * 100)}% betrouwbaarheid)"
        assert (
            f"{words[0].upper()}{words[1:]} in {newest.period} voor Fietsdiefstallen (politie-incidenten A72)."
            in text
        )
        # and one sentence that says what the area is (Gi* and Local Moran), then the numbers
        sentence = hotspot_sentence(
            newest.hotspot_class, newest.confidence, newest.lisa_class, area.level
        )
        assert f"A72). {sentence} Toelichting: Gi* z =" in text
    # Binnenstad-Noord is a hotspot in the stored analysis
    assert (
        HotspotResult.objects.get(
            area__code="BU00140000",
            area__division=2017,
            measure__name="incidenten:A72",
            period="2016",
        ).hotspot_class
        == "hotspot"
    )


def test_unknown_area_is_404(adviseur_client: Client, plan: Plan) -> None:
    for url in ["/gebied/WK999999/", "/gebied/GM0014/", "/gebied/WK001400/?indeling=1999"]:
        response = adviseur_client.get(url)
        assert response.status_code == 404, url
        assert "Pagina niet gevonden" in response.content.decode()


def test_print_stylesheet_and_button(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/gebied/WK001400/")
    links = re.findall(r"<link [^>]+>", content)
    assert [link for link in links if 'media="print"' in link and "print.css" in link]
    assert 'data-print id="afdrukken"' in content
    assert 'href="/vergelijken/?gebied=WK001400&amp;indeling=2024"' in content


def test_locator_map_highlights_the_area_among_its_neighbours(
    adviseur_client: Client, plan: Plan
) -> None:
    content = get(adviseur_client, "/gebied/BU00140000/?indeling=2017")
    start = content.index('class="kaart kaart--ligging"')
    svg = content[start : content.index("</svg>", start)]
    links = re.findall(r'<a href="([^"]+)" class="kaart-gebied" data-code="([^"]+)"', svg)
    buurten = Area.objects.filter(gemeente_code="GM0014", division=2017, level="buurt")
    assert {code for _, code in links} == set(
        buurten.exclude(map_path="").values_list("code", flat=True)
    )
    assert all(href == f"/gebied/{code}/?indeling=2017" for href, code in links)
    own = re.search(r'data-code="BU00140000"[^>]*>.*?<path [^>]*fill="([^"]+)"', svg, re.S)
    others = set(re.findall(r'class="gebied-buur" fill="([^"]+)"', svg))
    assert own.group(1) == "#154273" and others == {"#e3e7eb"}
    assert "Ligging van Binnenstad-Noord in Groningen" in svg


def test_in_a_gemeente_with_very_many_areas_the_locator_shows_only_those_around(
    adviseur_client: Client, plan: Plan, monkeypatch
) -> None:
    from openveiligheid.dashboard import profiel

    monkeypatch.setattr(profiel, "LOCATOR_MAX_AREAS", 20)
    monkeypatch.setattr(profiel, "LOCATOR_MARGIN_M", 300.0)
    area = Area.objects.get(code="BU00140000", division=2017)
    content = get(adviseur_client, "/gebied/BU00140000/?indeling=2017")
    start = content.index('class="kaart kaart--ligging"')
    svg = content[start : content.index("</svg>", start)]
    shown = set(re.findall(r'class="kaart-gebied" data-code="([^"]+)"', svg))
    xmin, ymin, xmax, ymax = area.map_bounds
    margin = 2 * max(xmax - xmin, ymax - ymin) + 300.0
    near = {
        other.code
        for other in Area.objects.filter(gemeente_code="GM0014", division=2017, level="buurt")
        if other.map_path
        and other.map_xmax >= xmin - margin
        and other.map_xmin <= xmax + margin
        and other.map_ymax >= ymin - margin
        and other.map_ymin <= ymax + margin
    }
    assert shown == near and "BU00140000" in shown
    assert 1 < len(shown) < 100  # of the 108 buurten
    assert "Ligging van Binnenstad-Noord in Groningen (en omgeving)" in svg


@pytest.mark.parametrize(("gemeente", "division"), [("GM0014", 2017), ("GM0758", 2024)])
def test_the_rank_read_in_sql_is_the_engines_rank_for_every_area(
    plan: Plan, gemeente: str, division: int
) -> None:
    from openveiligheid.dashboard.profiel import _rank

    checked = 0
    areas = Area.objects.filter(gemeente_code=gemeente, division=division)
    for area in list(areas.filter(level__in=["wijk", "buurt"]).order_by("code"))[::4]:
        yearly = Figure.objects.filter(area=area, month__isnull=True)
        for measure in set(
            yearly.exclude(measure__name="inwoners").values_list("measure__name", flat=True)
        ):
            year = max(yearly.filter(measure__name=measure).values_list("year", flat=True))
            count = IndicatorDefinition(id=measure, name=measure, measures=(measure,))
            for definition in (count, per_1000(count)):
                if (
                    indicator_value(
                        definition,
                        figure_set(definition.input_measures, {area.code}, division=division),
                        area.code,
                        year,
                    )
                    is None
                ):
                    continue
                rank = _rank(definition, area, year)
                shown = f"{rank.position}e hoogste van {rank.of} {rank.level_plural}"
                assert shown == competition_rank(definition, area, year), (area.code, measure)
                checked += 1
    assert checked > 20
