"""Comparing areas and years side by side: columns as asked, every cell from the engine."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from django.test import Client

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import BUURT
from openveiligheid.dashboard.areadata import per_1000
from openveiligheid.figures.models import Figure
from openveiligheid.figures.services import figure_set, measure_labels
from openveiligheid.indicators.engine import IndicatorDefinition, indicator_value
from openveiligheid.indicators.formatting import format_number
from openveiligheid.policy.models import Plan

from .html import elements, page_text

pytestmark = pytest.mark.django_db


class _Table(HTMLParser):
    """Header and body rows (cell texts) of the comparison table."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == "vergelijking":
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in {"td", "th"}:
            self.cell = []
        elif self.cell is not None and tag == "br":
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(content: str) -> list[list[str]]:
    parser = _Table()
    parser.feed(content)
    return parser.rows


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def header_codes(content: str) -> list[str]:
    return [code for code, _ in elements(content, "data-area")]


def messages(content: str) -> list[str]:
    return [text for value, text in elements(content, "role") if value == "status"]


def expected_body(codes: list[str], years: list[int], division: int) -> list[list[str]]:
    """Rows (label, cells...) for the columns (code, year), code first: engine values."""
    measures = sorted(
        set(
            Figure.objects.filter(
                area__code__in=codes, area__division=division, month__isnull=True
            ).values_list("measure__name", flat=True)
        )
        - {"inwoners"}
    )
    labels = measure_labels(measures)
    figures = figure_set({*measures, "inwoners"}, set(codes), division=division)
    rows = []
    for measure in measures:
        count = IndicatorDefinition(
            id=measure, name=labels.get(measure) or measure, measures=(measure,), decimals=0
        )
        for definition in (count, per_1000(count)):
            cells = []
            for code in codes:
                for year in years:
                    value = indicator_value(definition, figures, code, year)
                    cells.append(format_number(value.value if value else None, definition.decimals))
            if any(cell != "–" for cell in cells):
                unit = definition.unit or "aantal"
                rows.append([f"{count.name} ({unit})", *cells])
    return rows


# --- access ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get("/vergelijken/")
    assert response.status_code == 302
    assert response.url.startswith("/inloggen/?next=")


def test_without_the_dashboard_role_is_403(client: Client, nobody) -> None:
    client.force_login(nobody)
    assert client.get("/vergelijken/?gebied=WK001400").status_code == 403


# --- the table -------------------------------------------------------------------------------


def test_two_wijken_two_years(adviseur_client: Client, plan: Plan) -> None:
    content = get(
        adviseur_client,
        "/vergelijken/?gebied=WK001400&gebied=WK001401&jaar=2015&jaar=2016&indeling=2017",
    )
    rows = table(content)
    header, body = rows[0], rows[1:]
    assert header == ["Onderwerp", "Centrum 2015", "Centrum 2016", "Oud-Zuid 2015", "Oud-Zuid 2016"]
    assert header_codes(content) == ["WK001400", "WK001400", "WK001401", "WK001401"]
    expected = expected_body(["WK001400", "WK001401"], [2015, 2016], 2017)
    assert expected
    assert body == expected
    # anchors from the demo, as on the indicator and map pages
    assert body[0][:5] == [
        "Fietsdiefstallen (politie-incidenten A72) (aantal)",
        "1.548",
        "1.776",
        "321",
        "302",
    ]
    assert not messages(content)
    assert "gebiedsindeling 2017" in page_text(content)


def test_order_of_the_areas_is_kept(adviseur_client: Client, plan: Plan) -> None:
    content = get(
        adviseur_client, "/vergelijken/?gebied=WK001401&gebied=WK001400&jaar=2016&indeling=2017"
    )
    assert header_codes(content) == ["WK001401", "WK001400"]
    assert table(content)[1:] == expected_body(["WK001401", "WK001400"], [2016], 2017)


def test_gemeente_wijk_and_buurt_together(adviseur_client: Client, plan: Plan) -> None:
    codes = ["GM0014", "WK001400", "BU00140000"]
    query = "&".join(f"gebied={code}" for code in codes)
    content = get(adviseur_client, f"/vergelijken/?{query}&jaar=2013&jaar=2016&indeling=2017")
    assert header_codes(content) == [c for c in codes for _ in (2013, 2016)]
    expected = expected_body(codes, [2013, 2016], 2017)
    assert len(expected) == 2 and table(content)[1:] == expected


def test_unknown_area_is_left_out_with_a_message(adviseur_client: Client, plan: Plan) -> None:
    content = get(
        adviseur_client, "/vergelijken/?gebied=WK009999&gebied=WK001401&jaar=2016&indeling=2017"
    )
    assert messages(content) == ["Niet gevonden in gebiedsindeling 2017: WK009999; weggelaten."]
    assert header_codes(content) == ["WK001401"]
    assert table(content)[1:] == expected_body(["WK001401"], [2016], 2017)


def test_years_without_figures_are_left_out(adviseur_client: Client, plan: Plan) -> None:
    content = get(
        adviseur_client, "/vergelijken/?gebied=WK001400&jaar=2016&jaar=2030&indeling=2017"
    )
    assert "Jaren zonder cijfers voor deze gebieden zijn weggelaten." in messages(content)
    assert table(content)[0] == ["Onderwerp", "Centrum 2016"]


def test_at_most_twelve_columns(adviseur_client: Client, plan: Plan) -> None:
    wijken = [f"WK00140{n}" for n in range(4)]
    query = (
        "&".join(f"gebied={code}" for code in wijken) + "&jaar=2013&jaar=2014&jaar=2015&jaar=2016"
    )
    content = get(adviseur_client, f"/vergelijken/?{query}&indeling=2017")
    assert "Er passen 12 kolommen naast elkaar; de rest is weggelaten." in messages(content)
    assert len(header_codes(content)) == 12
    assert header_codes(content) == [c for c in wijken[:3] for _ in range(4)]
    assert table(content)[1:] == expected_body(wijken[:3], [2013, 2014, 2015, 2016], 2017)


def test_default_page_shows_gemeente_and_first_wijken_in_the_latest_year(
    adviseur_client: Client, plan: Plan
) -> None:
    content = get(adviseur_client, "/vergelijken/")
    division = (
        Figure.objects.filter(area__gemeente_code=plan.gemeente_code, area__level="wijk")
        .order_by("-area__division")
        .values_list("area__division", flat=True)
        .first()
    )
    assert division == 2024
    codes = header_codes(content)
    assert codes == [plan.gemeente_code, "WK001400", "WK001401"]
    years = (
        Figure.objects.filter(area__code__in=codes, area__division=division, month__isnull=True)
        .exclude(measure__name="inwoners")
        .values_list("year", flat=True)
    )
    latest = max(years)
    header = table(content)[0]
    assert header == ["Onderwerp", f"Groningen {latest}", f"Centrum {latest}", f"Oud-Zuid {latest}"]
    expected = expected_body(codes, [latest], division)
    assert expected and table(content)[1:] == expected
    # the choices are shown as chosen in the form
    for code in codes:
        assert f'id="gebied-{code}" name="gebied" value="{code}" checked' in content
    assert f'id="jaar-{latest}" name="jaar" value="{latest}" checked' in content
    assert not messages(content)


def test_other_divisions_are_offered(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/vergelijken/")
    assert '<input type="hidden" name="indeling" value="2024">' in content
    assert '<a class="utrecht-link" href="?indeling=2017">2017</a>' in content


def test_areas_are_found_by_searching_their_name(adviseur_client: Client, plan: Plan) -> None:
    buurt = Area.objects.filter(division=2017, level=BUURT).order_by("code").first()
    page = get(adviseur_client, f"/vergelijken/?indeling=2017&zoek={buurt.name.upper()}")
    assert f'id="gebied-{buurt.code}"' in page  # found, in any case, to tick
    assert "Ctrl" not in page  # no multiple-select list to Ctrl-click
    nothing = get(adviseur_client, "/vergelijken/?indeling=2017&zoek=xyzzy")
    assert "Geen gebied gevonden met &#x27;xyzzy&#x27;" in nothing


def test_a_sent_form_without_ticked_areas_compares_nothing(adviseur_client: Client, plan: Plan):
    page = get(adviseur_client, "/vergelijken/?indeling=2017&zoek=")
    assert "Kies hierboven een of meer gebieden." in page
    chosen = get(adviseur_client, "/vergelijken/?indeling=2017&zoek=&gebied=WK001400&jaar=2016")
    assert 'id="gebied-WK001400" name="gebied" value="WK001400" checked' in chosen
