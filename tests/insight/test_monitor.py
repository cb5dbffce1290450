"""The monitor page (/monitor/) on the analysed demo with an injected outbreak, plus the stored
hotspots on the Kaart page and the Gebiedsprofiel. Expected values come from the stored rows
and figures, read independently of ``insight.monitor``."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from openveiligheid.areas.models import Area
from openveiligheid.core.periods import Period, period_label
from openveiligheid.figures.models import Figure, Incident, Measure
from openveiligheid.figures.periods import refresh_all_periods
from openveiligheid.insight.models import GridCell, HotspotResult, Signal, SpaceTimeResult
from openveiligheid.insight.monitor import label_for

from .conftest import (
    DIVISION,
    GEMEENTE_CODE,
    OUTBREAK_MEASURE,
    OUTBREAK_WIJK,
    area_code_of,
    incident_rows,
    table_with_caption,
    tables,
)

URL = "/monitor/"
NEWEST = "2017-08"  # the newest judged month
JUDGED = ["2017-08", "2017-07", "2017-06", "2017-05", "2017-04", "2017-03"]
# two-week periods of the incidents (bike thefts): the monitor opens on the newest of them
BLOCKS = ["2017-08-28", "2017-08-14", "2017-07-31", "2017-07-17", "2017-07-03", "2017-06-19"]
NEWEST_PERIOD = BLOCKS[0]
OUTBREAK = OUTBREAK_MEASURE


def page_of(client: Client, url: str = f"{URL}?periode={NEWEST}") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def label_of(period: str) -> str:
    if period.count("-") == 2:
        return label_for(period)
    year, month = period.split("-")
    return period_label(Period(int(year), int(month)))


def dutch_int(value: float) -> str:
    return f"{int(round(value)):,}".replace(",", ".")


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def measure_label(measure: Measure) -> str:
    return measure.label or measure.name


def expected_change(now: float, before: float) -> str:
    if not before:
        return "–"
    pct = (now - before) / before * 100
    return ("+" if pct > 0 else "") + f"{pct:.1f}".replace(".", ",") + "%"


def capfirst(value: str) -> str:
    return value[:1].upper() + value[1:]


def signal_items(page: str) -> list[str]:
    return re.findall(r'<li class="signal signal--alarm">(.*?)</li>', page, flags=re.S)


# --- access ---------------------------------------------------------------------------------------


def test_the_monitor_needs_a_login_and_the_dashboard_permission(client: Client, nobody) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == "/inloggen/?next=/monitor/"
    client.force_login(nobody)
    assert client.get(URL).status_code == 403


# --- periods --------------------------------------------------------------------------------------


def months_with_wijk_figures() -> list[str]:
    found = Figure.objects.filter(
        area__gemeente_code=GEMEENTE_CODE, area__level="wijk", month__isnull=False
    ).values_list("year", "month")
    return sorted({f"{y}-{m:02d}" for y, m in found}, reverse=True)


def complete_blocks() -> list[str]:
    days = [
        timezone.localtime(moment).date()
        for moment in Incident.objects.filter(area__gemeente_code=GEMEENTE_CODE).values_list(
            "reported_at", flat=True
        )
    ]
    first = min(days)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    # blocks of 14 days from 2007-01-01 (a Monday): the first one starting on or after `first`
    while (monday - dt.date(2007, 1, 1)).days % 14:
        monday += dt.timedelta(days=7)
    blocks = []
    while monday + dt.timedelta(days=14) <= max(days):  # wholly before the last (partial) day
        blocks.append(monday.isoformat())
        monday += dt.timedelta(days=14)
    return sorted(blocks, reverse=True)


def options_of(page: str) -> list[tuple[str, bool]]:
    select = re.search(r'<select[^>]*name="periode"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [(v, bool(s)) for v, s in re.findall(r'<option value="([^"]+)"( selected)?>', select)]


def test_the_newest_period_opens_and_only_periods_with_data_are_listed(adviseur_client, plan):
    page = page_of(adviseur_client, URL)
    options = options_of(page)
    blocks, months = complete_blocks(), months_with_wijk_figures()
    assert blocks[:6] == BLOCKS and months[0] == NEWEST
    assert [value for value, _ in options] == blocks + months  # two weeks first, newest first
    assert len(blocks) > 100 and len(months) >= 56
    # the newest period: the two weeks to 10 September end after August does
    assert [value for value, selected in options if selected] == [NEWEST_PERIOD]
    assert '<h1 class="utrecht-heading-1">Monitor 28 augustus t/m 10 september 2017</h1>' in page


@pytest.mark.parametrize(
    "asked,shown",
    [
        ("2017-05", "2017-05"),  # a month
        ("2017-08-14", "2017-08-14"),  # two weeks
        ("2014-03-03", "2014-03-03"),  # two weeks long ago (no signals, still data)
        ("2031-01", NEWEST_PERIOD),
        ("2017-08-21", NEWEST_PERIOD),  # a Monday, but not the first day of a block
        ("onzin", NEWEST_PERIOD),
    ],
)
def test_periode_picks_a_period_with_data_and_otherwise_the_newest(
    adviseur_client, plan, asked, shown
):
    page = page_of(adviseur_client, f"{URL}?periode={asked}")
    assert f'<option value="{shown}" selected>' in page
    assert page.count(" selected>") == 1
    assert f"Monitor {label_of(shown)}</h1>" in page
    assert ("Voor de gevraagde periode zijn er geen cijfers" in page) == (asked != shown)
    assert table_with_caption(page, f"Gemeente: {label_of(shown)} tegen de periode ervoor")


# --- figures per wijk -----------------------------------------------------------------------------


def test_a_month_lists_every_measure_with_wijk_figures_in_that_month(adviseur_client, plan):
    page = page_of(adviseur_client)
    names = set(
        Figure.objects.filter(
            area__gemeente_code=GEMEENTE_CODE, area__level="wijk", year=2017, month=8
        ).values_list("measure__name", flat=True)
    )
    assert {"incidenten:A72", "incidenten:A72:opgehelderd", OUTBREAK} <= names
    labels = {measure_label(Measure.objects.get(name=n)) for n in names}
    totals = table_with_caption(page, "Gemeente: augustus 2017").rows
    assert {row[0][0] for row in totals} == labels
    for label in labels:  # and a table per wijk of each (three measures: all shown)
        assert table_with_caption(page, f"{label} per wijk, augustus 2017")
    assert not re.search(r"(incidenten|misdrijven):[A-Z0-9]", text(page))  # no raw codes


def test_month_changes_against_the_month_before_and_a_year_earlier(adviseur_client, plan, outbreak):
    """By hand: the outbreak wijk's synthetic counts of August 2017, July 2017, August 2016."""
    page = page_of(adviseur_client)
    label = measure_label(Measure.objects.get(name=OUTBREAK))
    rows = {r[0][0]: r for r in table_with_caption(page, f"{label} per wijk, augustus").rows}

    def value(period: str) -> float:
        year, month = period.split("-")
        return Figure.objects.get(
            measure__name=OUTBREAK, area__code=OUTBREAK_WIJK, year=int(year), month=int(month)
        ).value

    now, before, year_before = value("2017-08"), value("2017-07"), value("2016-08")
    assert now == outbreak.observed
    row = rows["Oud-Noord"]
    assert [cell for cell, _ in row[1:]] == [
        dutch_int(now),
        dutch_int(before),
        f"stijging {expected_change(now, before)}, slechter",
        dutch_int(year_before),
        f"stijging {expected_change(now, year_before)}, slechter",
    ]
    assert row[0][1] == [f"/gebied/{OUTBREAK_WIJK}/?indeling={DIVISION}"]
    total = rows["Gemeente Groningen"]
    wijk_sum = sum(
        Figure.objects.filter(
            measure__name=OUTBREAK, area__level="wijk", area__division=DIVISION, year=2017, month=8
        ).values_list("value", flat=True)
    )
    assert total[1][0] == dutch_int(wijk_sum)


def incidents_in(wijk: str, first: dt.date) -> int:
    """Bike thefts reported in the 14 days from ``first`` in the buurten of ``wijk``."""
    return sum(
        first <= timezone.localtime(moment).date() < first + dt.timedelta(days=14)
        for moment in Incident.objects.filter(area__parent__code=wijk, code="A72").values_list(
            "reported_at", flat=True
        )
    )


def test_two_weeks_count_the_incidents_per_wijk_with_both_comparisons(adviseur_client, plan):
    page = page_of(adviseur_client, f"{URL}?periode=2017-08-14")
    label = measure_label(Measure.objects.get(name="incidenten:A72"))
    assert "augustus t/m 27 augustus 2017" in page
    rows = {r[0][0]: r for r in table_with_caption(page, f"{label} per wijk, 14 augustus").rows}
    first = dt.date(2017, 8, 14)
    centrum = Area.objects.get(division=DIVISION, level="wijk", name="Centrum").code
    now = incidents_in(centrum, first)
    before = incidents_in(centrum, first - dt.timedelta(days=14))
    year_before = incidents_in(centrum, first - dt.timedelta(days=364))
    assert now > 20 and before and year_before
    cells = [cell for cell, _ in rows["Centrum"][1:]]
    assert cells[0] == dutch_int(now) and cells[1] == dutch_int(before)
    assert cells[3] == dutch_int(year_before)
    assert cells[2].endswith(f"{expected_change(now, before)}, {verdict(now, before)}")
    assert cells[4].endswith(f"{expected_change(now, year_before)}, {verdict(now, year_before)}")
    # the gemeente row sums every wijk (incidents with a buurt)
    total = Incident.objects.filter(
        area__gemeente_code=GEMEENTE_CODE,
        code="A72",
        reported_at__date__gte=first,
        reported_at__date__lt=first + dt.timedelta(days=14),
    )
    assert rows["Gemeente Groningen"][1][0] == dutch_int(
        sum(first <= timezone.localtime(i.reported_at).date() for i in total)
    )


def verdict(now: float, before: float) -> str:
    return "gelijk" if now == before else ("slechter" if now > before else "beter")


# --- signals --------------------------------------------------------------------------------------


def test_the_outbreak_is_shown_with_its_dutch_sentence_and_a_link_to_the_wijk(
    adviseur_client, plan, outbreak
):
    hit = Signal.objects.select_related("area").get(
        measure__name=outbreak.measure, area__code=outbreak.wijk, period=outbreak.period
    )
    assert hit.alarm
    page = page_of(adviseur_client)
    items = signal_items(page)
    alarms = Signal.objects.filter(
        area__gemeente_code=GEMEENTE_CODE, period=NEWEST, alarm=True
    ).select_related("area")
    assert len(items) == alarms.count() >= 1
    mine = [item for item in items if f'href="/gebied/{outbreak.wijk}/?indeling=2017"' in item]
    assert len(mine) == 1
    shown = text(mine[0])
    assert hit.description in shown
    assert "Geregistreerde misdrijven: Diefstal/inbraak woning" in shown
    assert "uitzonderlijk hoog" in shown
    assert "farrington" not in shown.lower()  # the method in words, not its code
    judged = Signal.objects.filter(area__gemeente_code=GEMEENTE_CODE, period=NEWEST).count()
    word = "signaal" if len(items) == 1 else "signalen"
    assert f"{len(items)} {word} uit {judged} beoordeelde reeksen" in page


def test_a_month_without_alarms_says_so_in_one_line(adviseur_client, plan):
    Signal.objects.filter(period="2017-05").update(alarm=False)  # rolled back after the test
    page = page_of(adviseur_client, f"{URL}?periode=2017-05")
    judged = Signal.objects.filter(area__gemeente_code=GEMEENTE_CODE, period="2017-05").count()
    assert signal_items(page) == []
    assert f"Geen signalen in mei 2017: alle {judged} reeksen blijven binnen hun verwachting." in (
        text(page)
    )


def test_a_period_that_was_not_judged_says_so_in_one_line(adviseur_client, plan):
    assert not Signal.objects.filter(period="2015-03").exists()
    page = page_of(adviseur_client, f"{URL}?periode=2015-03")
    assert signal_items(page) == []
    line = re.search(r'<p class="utrecht-paragraph" id="geen-signalen">(.*?)</p>', page).group(1)
    assert line.startswith("Voor maart 2015 is geen signalering berekend")
    assert table_with_caption(page, "Gemeente: maart 2015")  # the figures are there


# --- hotspots and the grid --------------------------------------------------------------------------


def test_a_month_shows_its_own_hotspots(adviseur_client, plan):
    page = page_of(adviseur_client)
    label = measure_label(Measure.objects.get(name="incidenten:A72"))
    stored = HotspotResult.objects.filter(
        area__gemeente_code=GEMEENTE_CODE,
        measure__name="incidenten:A72",
        period=NEWEST,
        hotspot_class__in=["hotspot", "coldspot"],
    ).select_related("area")
    expected = {r.area.code for r in stored}
    rows = table_with_caption(page, f"Hotspots en coldspots van augustus 2017, {label} (").rows
    assert {area_code_of(h) for row in rows for h in row[3][1]} == expected and expected
    assert "niet beschikbaar" not in page


def test_two_weeks_say_in_words_that_the_hotspots_are_of_another_period(adviseur_client, plan):
    page = page_of(adviseur_client, f"{URL}?periode=2017-08-14")
    words = text(page)
    assert "Hotspots van 14 augustus t/m 27 augustus 2017: niet beschikbaar" in words
    assert "Hieronder die van juli 2017" in words  # the newest month over by 27 August
    label = measure_label(Measure.objects.get(name="incidenten:A72"))
    assert table_with_caption(page, f"Hotspots en coldspots van juli 2017, {label} (")
    assert "Hotspots en coldspots van augustus 2017" not in words
    # the grid is of a year: said in words beside it
    assert (
        "Let op: dit raster is van het jaar 2016, niet van 14 augustus t/m 27 augustus 2017."
        in (words)
    )


def test_the_grid_has_no_text_per_cell_and_the_page_stays_small(adviseur_client, plan):
    for url in [URL, f"{URL}?periode={NEWEST}", f"{URL}?periode=2016-05"]:
        response = adviseur_client.get(url)
        content = response.content
        assert len(content) < 150_000, (url, len(content))
        page = content.decode()
        assert page.count("<title") <= 3  # the page's and each map's own title, no cell's
        assert "data-code=" not in page
    assert "Fietsdiefstallen (politie-incidenten A72): dichtheid in 2016</h2>" in page
    drawn = GridCell.objects.filter(gemeente_code=GEMEENTE_CODE).exclude(map_path="")
    svg = re.search(r'<figure class="kaart monitor-raster".*?</svg>', page, re.S).group(0)
    assert all(cell.map_path in svg for cell in drawn[:200])  # every cell drawn, in a few paths
    assert svg.count("<path") < 20
    assert "<circle" not in page


def test_the_grid_shows_no_incident_and_no_incident_coordinates(adviseur_client, plan):
    page = page_of(adviseur_client)
    assert not re.search(r"PL\d{4}_BVH_\d+", page)  # no incident or registration number
    decimals = set(re.findall(r"\d+\.\d+", page))
    pairs = set(re.findall(r"(\d{6})[ ,-]+(\d{6})", page))
    incidents = incident_rows()
    assert len(incidents) > 15000
    leaked = [
        r["Incident Identificatie"]
        for r in incidents
        if r["lon_wgs84"] in decimals and r["lat_wgs84"] in decimals
    ]
    assert leaked == []
    off_grid = [
        (r["X"], r["Y"])
        for r in incidents
        if (r["X"], r["Y"]) in pairs and (int(r["X"]) % 250 or int(r["Y"]) % 250)
    ]
    assert off_grid == []


def test_the_hotspot_cells_are_summed_per_buurt_with_small_counts_hidden(adviseur_client, plan):
    page = page_of(adviseur_client)
    rows = table_with_caption(page, "Hotspotvakken van fietsdiefstallen").rows
    per_buurt: dict[str, list[GridCell]] = {}
    for cell in GridCell.objects.filter(
        gemeente_code=GEMEENTE_CODE, hotspot_class="hotspot", confidence__isnull=False
    ):
        per_buurt.setdefault(cell.area_name or "buiten de buurten", []).append(cell)
    assert per_buurt
    shown = {buurt: (count, label) for (buurt, _), (count, _), _, (label, _) in rows}
    assert shown == {
        buurt: (
            shown_count(sum(c.count for c in found)),
            f"{len(found)} vak{'ken' if len(found) > 1 else ''}",
        )
        for buurt, found in per_buurt.items()
    }


def shown_count(count: int) -> str:
    return "< 5" if 0 < count < 5 else dutch_int(count)


# --- printing, reflow and the empty state -----------------------------------------------------------


def test_the_monitor_is_printable_and_its_tables_scroll_in_their_own_box(adviseur_client, plan):
    page = page_of(adviseur_client)
    assert '<link rel="stylesheet" href="/static/dashboard/print.css" media="print">' in page
    assert '<link rel="stylesheet" href="/static/insight/monitor.css">' in page
    button = re.search(
        r'<p class="no-print">\s*<button [^>]*data-print[^>]*>([^<]*)</button>', page
    )
    assert button and button.group(1) == "Afdrukken (A4)"
    with open(finders.find("insight/monitor.css"), encoding="utf-8") as handle:
        css = handle.read()
    printed = css[css.index("@media print") :]
    assert ".monitor-afspraken__form" in printed and "display: none" in printed
    assert ".monitor-afspraken " not in printed.split("display: none")[0]  # the notes print
    wrappers = re.findall(r'<div class="table-wrapper monitor-scroll"([^>]*)>', page)
    assert len(wrappers) == len(tables(page)) - 0 and wrappers
    assert all('tabindex="0"' in w and 'role="region"' in w for w in wrappers)


def test_without_data_the_monitor_explains_what_fills_it(adviseur_client, plan):
    for model in (Signal, HotspotResult, SpaceTimeResult, GridCell, Incident):
        model.objects.all().delete()  # rolled back after the test
    Figure.objects.filter(month__isnull=False).delete()
    refresh_all_periods()  # what every writer of figures does after it
    page = page_of(adviseur_client)
    assert "Er zijn nog geen cijfers per wijk per maand of meldingen met een datum" in page
    assert 'name="periode"' not in page
    assert "dichtheid in" not in page
    assert tables(page) == []


# --- stored hotspots on the Kaart page and the Gebiedsprofiel -------------------------------------


def test_the_map_outlines_the_stored_hotspots(adviseur_client, plan):
    page = page_of(
        adviseur_client, "/kaart/?onderwerp=fietsdiefstal-aangiften&niveau=buurt&jaar=2016"
    )
    group = re.search(r'<g class="kaart-omlijning"[^>]*>(.*?)</g>', page, re.S)
    assert group
    outlined = re.findall(r'<path d="([^"]+)" class="([a-z]+-\d+)"', group.group(1))
    by_path = dict(
        Area.objects.filter(division=DIVISION, level="buurt").values_list("map_path", "code")
    )
    shown = {by_path[path]: css for path, css in outlined}
    expected = {
        r.area.code: f"{r.hotspot_class}-{round(r.confidence * 100)}"
        for r in HotspotResult.objects.filter(
            measure__name="incidenten:A72",
            area__division=DIVISION,
            area__level="buurt",
            period="2016",
            hotspot_class__in=["hotspot", "coldspot"],
        ).select_related("area")
    }
    assert shown == expected and expected
    for css in set(expected.values()):
        kind, percent = css.split("-")
        assert f"omlijnd: {kind} ({percent}% betrouwbaarheid)" in page


def test_the_area_profile_lists_its_hotspot_and_space_time_classes(adviseur_client, plan):
    area = (
        SpaceTimeResult.objects.filter(
            area__division=DIVISION, code="persistent_hotspot", area__level="buurt"
        )
        .first()
        .area
    )
    page = page_of(adviseur_client, f"/gebied/{area.code}/?indeling={DIVISION}")
    items = [text(i) for i in re.findall(r'<li class="hotspot-item[^"]*">(.*?)</li>', page, re.S)]
    newest: dict = {}
    for r in HotspotResult.objects.filter(area=area, period__regex=r"^\d{4}$").select_related(
        "measure"
    ):
        if r.measure_id not in newest or r.period > newest[r.measure_id].period:
            newest[r.measure_id] = r
    expected = [
        f"{capfirst(r.hotspot_class)} ({round(r.confidence * 100)}% betrouwbaarheid) in "
        f"{r.period} voor {measure_label(r.measure)}."
        if r.confidence
        else f"{capfirst(r.hotspot_class or 'niet berekend')} in {r.period} voor "
        f"{measure_label(r.measure)}."
        for r in newest.values()
    ] + [
        f"{capfirst(r.label)} ({r.first_period}–{r.last_period}) voor {measure_label(r.measure)}."
        for r in SpaceTimeResult.objects.filter(area=area).select_related("measure")
    ]
    assert len(expected) >= 4  # two measures, each a Gi* class and a space-time class
    assert sorted(i.split(". ")[0] + "." for i in items) == sorted(expected)
    assert "Blijvende hotspot (2013–2016) voor Fietsdiefstallen (politie-incidenten A72)." in (
        " ".join(items)
    )


# --- small counts of sensitive measures -------------------------------------------------------


def _rows(wijken: list[float | None], total: float | None):
    from openveiligheid.insight.monitor import AreaRow, Change

    def row(name, value, is_total=False):
        change = Change(10.0, 1.0, "stijging", "slechter")
        return AreaRow(name, "#", is_total, value, value, value, change, change)

    return [row(f"wijk {i}", v) for i, v in enumerate(wijken)] + [row("gemeente", total, True)]


def test_a_small_count_cannot_be_computed_back_from_the_gemeente_total():
    from openveiligheid.insight.monitor import suppress_rows

    rows = _rows([3, 10, 20], 33)
    suppress_rows(rows)
    assert [(r.now, r.marks.get("now", "")) for r in rows] == [
        (None, "< 5"),
        (None, "x"),  # else 33 - 10 - 20 gives the 3 back
        (20, ""),
        (33, ""),
    ]
    assert rows[0].change_year.word == "" and rows[1].change_previous.pct is None
    assert rows[2].change_year.judgement == "slechter"


def test_incidents_outside_every_wijk_count_as_known_and_a_total_below_its_parts_is_hidden():
    from openveiligheid.insight.monitor import suppress_rows

    rows = _rows([3, 10], 40)  # 27 in no wijk: a reader who knew them would find the 3
    suppress_rows(rows)
    assert [r.marks.get("previous", "") for r in rows] == ["< 5", "x", ""]
    rows = _rows([3, 10], 12)
    suppress_rows(rows)
    assert [r.marks.get("year_before", "") for r in rows] == ["< 5", "", "x"]
    assert rows[2].year_before is None and rows[1].year_before == 10
