"""The monitor page (/monitor/) on the analysed demo with an injected outbreak, plus the stored
hotspots on the Kaart page and the Gebiedsprofiel. Expected values come from the stored rows
and figures, read independently of ``insight.monitor``."""

from __future__ import annotations

import html
import re

import pytest

from django.contrib.staticfiles import finders
from django.test import Client

from openveiligheid.areas.models import Area
from openveiligheid.core.periods import Period, period_label
from openveiligheid.figures.models import Figure, Measure
from openveiligheid.insight.models import GridCell, HotspotResult, Signal, SpaceTimeResult
from openveiligheid.insight.monitor import label_for

from .conftest import (
    DIVISION,
    GEMEENTE_CODE,
    area_code_of,
    incident_rows,
    map_titles,
    table_with_caption,
    tables,
)

URL = "/monitor/"
NEWEST = "2017-08"  # the newest judged month
JUDGED = ["2017-08", "2017-07", "2017-06", "2017-05", "2017-04", "2017-03"]
# two-week periods of the incidents (bike thefts): the monitor opens on the newest of them
BLOCKS = ["2017-08-28", "2017-08-14", "2017-07-31", "2017-07-17", "2017-07-03", "2017-06-19"]
NEWEST_PERIOD = BLOCKS[0]


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


def signal_items(page: str) -> list[str]:
    return re.findall(r'<li class="signal signal--alarm">(.*?)</li>', page, flags=re.S)


# --- access ---------------------------------------------------------------------------------------


def test_the_monitor_needs_a_login_and_the_dashboard_permission(client: Client, nobody) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == "/inloggen/?next=/monitor/"
    client.force_login(nobody)
    assert client.get(URL).status_code == 403


# --- periods and signals --------------------------------------------------------------------------


def test_the_period_selector_lists_the_judged_months_newest_first(adviseur_client, plan):
    stored = sorted(
        set(
            Signal.objects.filter(area__gemeente_code=GEMEENTE_CODE).values_list(
                "period", flat=True
            )
        ),
        reverse=True,
    )
    assert stored == sorted(JUDGED + BLOCKS, reverse=True)
    page = page_of(adviseur_client, URL)
    select = re.search(r'<select[^>]*name="periode"[^>]*>(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option value="([^"]+)"( selected)?>', select)
    assert [value for value, _ in options] == BLOCKS + JUDGED  # two-week periods first
    assert [value for value, selected in options if selected] == [NEWEST_PERIOD]
    assert '<h1 class="utrecht-heading-1">Monitor 28 augustus t/m 10 september 2017</h1>' in page


@pytest.mark.parametrize(
    "asked,shown",
    [("2017-05", "2017-05"), ("2031-01", NEWEST_PERIOD), ("onzin", NEWEST_PERIOD)],
)
def test_periode_picks_a_judged_month_and_otherwise_the_newest(adviseur_client, plan, asked, shown):
    page = page_of(adviseur_client, f"{URL}?periode={asked}")
    assert f'<option value="{shown}" selected>' in page
    assert page.count(" selected>") == 1
    assert f"Monitor {label_of(shown)}</h1>" in page
    judged = Signal.objects.filter(area__gemeente_code=GEMEENTE_CODE, period=shown).count()
    assert judged > 100
    assert f"{judged} beoordeelde reeksen" in page or f"alle {judged} reeksen" in page
    caption = table_with_caption(page, label_of(shown)).caption
    assert caption.startswith(f"{label_of(shown)} tegen dezelfde periode een jaar eerder")


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
    assert hit.description.startswith(f"In Oud-Noord zijn in augustus 2017 {outbreak.observed} ")
    assert f">{hit.area.name}</a>" in mine[0]
    assert "Geregistreerde misdrijven: Diefstal/inbraak woning" in shown
    assert "uitzonderlijk hoog" in shown
    assert 'href="/methoden/signalering/"' in mine[0]
    judged = Signal.objects.filter(area__gemeente_code=GEMEENTE_CODE, period=NEWEST).count()
    word = "signaal" if len(items) == 1 else "signalen"
    assert f"{len(items)} {word} uit {judged} beoordeelde reeksen" in page
    # every shown sentence is a stored alarm of this month
    descriptions = {a.description for a in alarms}
    assert all(any(d in text(item) for d in descriptions) for item in items)


def test_a_month_without_alarms_says_that_every_series_stayed_within_expectation(
    adviseur_client, plan
):
    Signal.objects.filter(period="2017-05").update(alarm=False)  # rolled back after the test
    page = page_of(adviseur_client, f"{URL}?periode=2017-05")
    judged = Signal.objects.filter(area__gemeente_code=GEMEENTE_CODE, period="2017-05").count()
    assert signal_items(page) == []
    assert f"Geen signalen in mei 2017: alle {judged} reeksen blijven binnen hun verwachting." in (
        text(page)
    )


# --- largest changes ------------------------------------------------------------------------------


def expected_change(now: float, before: float) -> str:
    if not before:
        return "–"
    pct = (now - before) / before * 100
    return ("+" if pct > 0 else "") + f"{pct:.1f}".replace(".", ",") + "%"


def test_largest_changes_compare_with_the_same_month_a_year_earlier(
    adviseur_client, plan, outbreak
):
    page = page_of(adviseur_client)
    rows = table_with_caption(page, "augustus 2017 tegen dezelfde periode").rows
    assert 1 <= len(rows) <= 10
    names = {measure_label(m): m.name for m in Measure.objects.all()}
    differences = []
    for (area, hrefs), (measure, _), (before, _), (now, _), (change, _) in rows:
        if hrefs[0] == "/":  # the gemeente itself links to the Overzicht (it has no profile)
            found = Area.objects.filter(level="gemeente", name=area, gemeente_code=GEMEENTE_CODE)
        else:
            found = Area.objects.filter(code=area_code_of(hrefs[0]), division=int(hrefs[0][-4:]))
        value = {
            f.period: f.value
            for f in Figure.objects.filter(
                measure__name=names[measure],
                area__in=found,
                period__in=["2017-08", "2016-08"],
            )
        }
        assert found.exists() and {a.name for a in found} == {area}
        assert (before, now) == (dutch_int(value["2016-08"]), dutch_int(value["2017-08"]))
        assert change == expected_change(value["2017-08"], value["2016-08"])
        assert max(value.values()) >= 5  # smaller counts are left out as noise
        differences.append(abs(value["2017-08"] - value["2016-08"]))
    assert differences == sorted(differences, reverse=True)
    # the same largest differences as all gemeente and wijk figures of GM0014 give
    pairs: dict = {}
    for f in Figure.objects.filter(
        area__gemeente_code=GEMEENTE_CODE,
        area__level__in=["gemeente", "wijk"],
        period__in=["2017-08", "2016-08"],
    ):
        pairs.setdefault((f.measure_id, f.area_id), {})[f.period] = f.value
    eligible = sorted(
        (
            abs(v["2017-08"] - v["2016-08"])
            for v in pairs.values()
            if len(v) == 2 and max(v.values()) >= 5
        ),
        reverse=True,
    )
    assert differences == eligible[: len(differences)] and len(differences) == min(
        10, len(eligible)
    )
    outbreak_row = [
        r for r in rows if r[0][0] == "Oud-Noord" and r[1][0].endswith("inbraak woning")
    ]
    assert len(outbreak_row) == 1 and outbreak_row[0][3][0] == str(outbreak.observed)


# --- hotspot classes --------------------------------------------------------------------------------


def capfirst(value: str) -> str:
    return value[:1].upper() + value[1:]


def shown_groups(page: str, caption: str) -> set[tuple[str, str, str, str]]:
    """(measure, level, class label, area code) of every area listed in a class table."""
    found = set()
    for (measure, _), (level, _), (label, _), (_, hrefs) in table_with_caption(page, caption).rows:
        assert hrefs
        found |= {(measure, level, label, area_code_of(href)) for href in hrefs}
    return found


def test_the_hotspot_tables_list_the_stored_classes(adviseur_client, plan):
    page = page_of(adviseur_client)
    newest: dict = {}
    stored = HotspotResult.objects.filter(
        area__gemeente_code=GEMEENTE_CODE, period__regex=r"^\d{4}$"
    ).select_related("measure", "area")  # the years; the newest months feed the map
    for r in stored:
        newest[r.measure_id] = max(newest.get(r.measure_id, ""), r.period)
    expected = {
        (
            measure_label(r.measure),
            r.area.level,
            f"{capfirst(r.hotspot_class)} ({round(r.confidence * 100)}% betrouwbaarheid) in "
            f"{r.period}",
            r.area.code,
        )
        for r in stored
        if r.period == newest[r.measure_id] and r.hotspot_class in {"hotspot", "coldspot"}
    }
    assert len(expected) > 10
    assert shown_groups(page, "Hotspots en coldspots in het laatste jaar") == expected
    classes = SpaceTimeResult.objects.filter(area__gemeente_code=GEMEENTE_CODE).exclude(
        code__in=["no_pattern", "not_computed"]
    )
    expected = {
        (
            measure_label(r.measure),
            r.area.level,
            f"{capfirst(r.label)} ({r.first_period}–{r.last_period})",
            r.area.code,
        )
        for r in classes.select_related("measure", "area")
    }
    assert len(expected) > 10
    assert shown_groups(page, "Hotspots door de jaren heen") == expected


# --- the incident grid ------------------------------------------------------------------------------


def shown_count(count: int) -> str:
    return "< 5" if 0 < count < 5 else dutch_int(count)


def test_the_grid_map_shows_cells_with_small_counts_hidden(adviseur_client, plan):
    page = page_of(adviseur_client)
    assert "Fietsdiefstallen (politie-incidenten A72): dichtheid in 2016</h2>" in page
    assert '<figure class="kaart" id="raster-2016">' in page
    titles = {code: t for code, t in map_titles(page).items() if code.startswith("250m")}
    cells = {c.cell_id: c for c in GridCell.objects.filter(gemeente_code=GEMEENTE_CODE)}
    drawn = {code for code, c in cells.items() if c.map_path}
    assert set(titles) == drawn and len(drawn) > 1000
    small = 0
    for code, title in titles.items():
        count = cells[code].count
        assert f"(aantal {shown_count(count)})" in title, (code, count, title)
        small += 0 < count < 5
    assert small > 50  # the rule is exercised on many cells
    assert not re.search(r"aantal [1-4]\)", text(page))


def test_the_grid_shows_no_incident_and_no_incident_coordinates(adviseur_client, plan):
    page = page_of(adviseur_client)
    assert "<circle" not in page
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
    # A pair of RD numbers in the page is a cell corner (multiples of 250 m) or a buurt
    # boundary vertex. An incident exactly on a 250 m corner coincides with one; any other
    # match would be a plotted incident.
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


# --- printing and the empty state -----------------------------------------------------------------


def test_the_monitor_is_printable(adviseur_client, plan):
    page = page_of(adviseur_client)
    assert '<link rel="stylesheet" href="/static/dashboard/print.css" media="print">' in page
    button = re.search(
        r'<p class="no-print">\s*<button [^>]*data-print[^>]*>([^<]*)</button>', page
    )
    assert button and button.group(1) == "Afdrukken (A4)"
    with open(finders.find("dashboard/print.css"), encoding="utf-8") as handle:
        css = handle.read()
    assert "@page" in css and "A4" in css
    assert re.search(r"\.no-print,[^{]*\{\s*display: none !important;", css)
    with open(finders.find("dashboard/openveiligheid.js"), encoding="utf-8") as handle:
        script = handle.read()
    assert '"[data-print]"' in script and "window.print()" in script


def test_without_stored_analyses_the_monitor_explains_where_signals_come_from(
    adviseur_client, plan
):
    for model in (Signal, HotspotResult, SpaceTimeResult, GridCell):
        model.objects.all().delete()  # rolled back after the test
    page = page_of(adviseur_client)
    assert "Er zijn nog geen maandcijfers geanalyseerd." in page
    assert 'name="periode"' not in page
    assert "Geen hotspots of coldspots gevonden" in page
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
