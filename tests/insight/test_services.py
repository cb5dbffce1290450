"""Computing the analyses after import and storing them (``insight.services``).

On the real demo (plus the synthetic outbreak of ``conftest.insight_demo``) the stored rows
are compared with the statistics modules called directly on the same stored figures, shapes
and populations; the statistics themselves are tested in ``tests/insight/stats``. The import
hook is tested on a division of its own (2019) with small real files.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pytest
import shapely

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import import_boundaries
from openveiligheid.areas.shapes import rd_shapes
from openveiligheid.core.areacodes import BUURT, GEMEENTE, WIJK
from openveiligheid.core.errors import InputError
from openveiligheid.figures.incidents import import_incidents
from openveiligheid.figures.models import Figure, Incident, Measure
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.insight.models import (
    AnalysisRun,
    GridCell,
    HotspotResult,
    Signal,
    SpaceTimeResult,
)
from openveiligheid.insight.monitor import label_for
from openveiligheid.insight.services import deferred, refresh, refresh_hotspots
from openveiligheid.insight.stats import earlywarning, spatial
from openveiligheid.insight.stats.spacetime import classify_space_time

from .conftest import DIVISION, GEMEENTE_CODE, TEST_DATA

CENTRUM = TEST_DATA / "buurten_2017_groningen_centrum.geojson"
CENTRUM_BUURTEN = ["BU00140000", "BU00140001", "BU00140002"]
INCIDENTS_FEB_2017 = TEST_DATA / "insight_it_fietsdiefstal_centrum_2017_02.csv"
BUURT_2016 = TEST_DATA / "insight_fietsdiefstal_buurt_2016.csv"
OTHER = 2019  # a division the demo does not have: the hook tests start from nothing there
A72 = "incidenten:A72"


# --- helpers: the stored inputs, read back independently of the service ----------------------


def areas_of(level: str, division: int = DIVISION) -> list[Area]:
    return list(
        Area.objects.filter(division=division, gemeente_code=GEMEENTE_CODE, level=level)
        .exclude(boundary="")
        .order_by("code")
    )


def yearly(measure: str, level: str, year: int, division: int = DIVISION) -> dict[str, float]:
    return dict(
        Figure.objects.filter(
            measure__name=measure,
            area__division=division,
            area__gemeente_code=GEMEENTE_CODE,
            area__level=level,
            year=year,
            month__isnull=True,
        ).values_list("area__code", "value")
    )


def population(level: str, year: int, division: int = DIVISION) -> dict[str, float] | None:
    """``inwoners`` of the year, or of the newest earlier year; None if there is none."""
    years = Figure.objects.filter(
        measure__name="inwoners",
        area__division=division,
        area__level=level,
        year__lte=year,
        month__isnull=True,
    ).values_list("year", flat=True)
    if not years:
        return None
    return yearly("inwoners", level, max(years), division)


def monthly_series(measure: Measure) -> tuple[list[str], dict[int, list[float | None]]]:
    """(months in order, {area id: values}) of a measure's monthly figures in the division."""
    rows = Figure.objects.filter(
        measure=measure,
        area__division=DIVISION,
        area__level__in=[GEMEENTE, WIJK, BUURT],
        month__isnull=False,
    ).values_list("area_id", "period", "value")
    by_area: dict[int, dict[str, float]] = defaultdict(dict)
    for area, period, value in rows:
        by_area[area][period] = value
    months = sorted({p for values in by_area.values() for p in values})
    return months, {a: [v.get(p) for p in months] for a, v in by_area.items()}


def monthly_measures() -> list[Measure]:
    return list(
        Measure.objects.filter(
            figure__area__division=DIVISION, figure__month__isnull=False
        ).distinct()
    )


def same(stored: float | None, direct: float | None) -> bool:
    if direct is None:
        return stored is None
    return stored == pytest.approx(direct, rel=1e-9, abs=1e-12)


def dutch_number(value: float) -> str:
    return f"{int(round(value)):,}".replace(",", ".")


def write_csv(path, lines: list[str]):
    path.write_text("\n".join(["measure,area,period,value", *lines]) + "\n", encoding="utf-8")
    return path


# --- hotspots and space-time classes --------------------------------------------------------


def test_hotspot_rows_equal_gi_star_on_the_same_counts_shapes_and_populations(insight_demo, db):
    stored = HotspotResult.objects.filter(
        area__division=DIVISION, period__regex=r"^\d{4}$"
    ).select_related("measure", "area")  # the years; the newest months: the test below
    by_key = {(r.measure.name, r.area.code, r.period): r for r in stored}
    groups = {(r.measure.name, r.area.level, int(r.period)) for r in stored}
    # the demo's two incident measures on both levels, the outbreak's measure on wijken
    assert {(m, lvl) for m, lvl, _ in groups} == {
        (A72, WIJK),
        (A72, BUURT),
        (f"{A72}:opgehelderd", WIJK),
        (f"{A72}:opgehelderd", BUURT),
        ("misdrijven:1.1.1", WIJK),
    }
    # 2013-2016 have all twelve months; 2017 (to August) has no yearly figure, so no hotspots
    assert {year for *_, year in groups} == {2013, 2014, 2015, 2016}
    compared = 0
    for measure, level, year in sorted(groups):
        areas = areas_of(level)
        shapes = rd_shapes(areas)
        direct = spatial.hotspots(yearly(measure, level, year), shapes, population(level, year))
        assert len(direct) == len(areas)
        for want in direct:
            got = by_key.pop((measure, want.area, str(year)))
            assert got.hotspot_class == (want.hotspot_class or ""), (measure, want.area, year)
            for name in ("count", "population", "rate", "smoothed_rate", "gi_z", "p_value"):
                assert same(getattr(got, name), getattr(want, name)), (measure, want.area, name)
            assert same(got.p_fdr, want.p_fdr) and same(got.confidence, want.confidence)
            for name in ("p_norm", "lisa_z", "lisa_p_fdr"):
                assert same(getattr(got, name), getattr(want, name)), (measure, want.area, name)
            assert got.lisa_class == (want.lisa_class or ""), (measure, want.area, year)
            compared += 1
    assert by_key == {}  # no stored row without a direct counterpart
    assert compared == stored.count() > 900
    classes = set(stored.values_list("hotspot_class", flat=True))
    assert {spatial.HOTSPOT, spatial.COLDSPOT} <= classes  # not a vacuous comparison
    assert spatial.HIGH_HIGH in set(stored.values_list("lisa_class", flat=True))


def test_the_newest_months_get_eb_smoothed_rates_and_gi_star(insight_demo, db):
    """Monthly counts of the six newest months, per 1,000 inhabitants of 2017: EB and Gi*."""
    stored = HotspotResult.objects.filter(
        area__division=DIVISION, measure__name=A72, area__level=BUURT, period__regex=r"-"
    ).select_related("area")
    months = sorted(set(stored.values_list("period", flat=True)))
    assert months == ["2017-03", "2017-04", "2017-05", "2017-06", "2017-07", "2017-08"]
    areas = areas_of(BUURT)
    shapes = rd_shapes(areas)
    people = population(BUURT, 2017)
    for month in ("2017-03", "2017-08"):
        year, number = map(int, month.split("-"))
        counts = dict(
            Figure.objects.filter(
                measure__name=A72,
                area__division=DIVISION,
                area__level=BUURT,
                year=year,
                month=number,
            ).values_list("area__code", "value")
        )
        direct = {r.area: r for r in spatial.hotspots(counts, shapes, people)}
        mine = {r.area.code: r for r in stored.filter(period=month)}
        assert set(mine) == set(direct)
        for code, want in direct.items():
            got = mine[code]
            for name in ("rate", "smoothed_rate", "rate_lower", "rate_upper", "gi_z", "p_fdr"):
                assert same(getattr(got, name), getattr(want, name)), (month, code, name)
        smoothed = [r for r in mine.values() if r.smoothed_rate is not None]
        assert len(smoothed) > 90  # nearly every buurt has inhabitants
        assert all(r.rate_lower <= r.smoothed_rate <= r.rate_upper for r in smoothed)


def test_rates_use_the_population_of_that_year_or_an_earlier_one(insight_demo, db, tmp_path):
    """A yearly measure for 2016 and 2017: only 2017 has inwoners, so only 2017 gets EB rates."""
    wijken = [a.code for a in areas_of(WIJK)]
    rng = np.random.default_rng(7)  # synthetic counts
    lines = [
        f"misdrijven:1.4.6,{code},{year},{rng.poisson(12)}"
        for year in (2016, 2017)
        for code in wijken
    ]
    run = import_figures(write_csv(tmp_path / "straatroof.csv", lines), division=DIVISION)
    assert run.status == ImportRun.SUCCEEDED, run.message
    refresh_hotspots(DIVISION, [GEMEENTE_CODE])
    shapes = rd_shapes(areas_of(WIJK))
    people = yearly("inwoners", WIJK, 2017)
    assert set(people) == set(wijken)  # the demo's inwoners 2017 cover every wijk
    for year, populations in ((2016, None), (2017, people)):
        direct = spatial.hotspots(yearly("misdrijven:1.4.6", WIJK, year), shapes, populations)
        stored = {
            r.area.code: r
            for r in HotspotResult.objects.filter(
                measure__name="misdrijven:1.4.6", period=str(year)
            ).select_related("area")
        }
        assert set(stored) == set(wijken)
        for want in direct:
            got = stored[want.area]
            for name in ("population", "rate", "smoothed_rate", "rate_lower", "rate_upper"):
                assert same(getattr(got, name), getattr(want, name)), (year, want.area, name)
            assert same(got.gi_z, want.gi_z) and same(got.p_fdr, want.p_fdr)
    with_rates = HotspotResult.objects.filter(measure__name="misdrijven:1.4.6", period="2017")
    assert all(r.smoothed_rate is not None for r in with_rates)
    assert all(
        r.rate == pytest.approx(r.count / r.population * 1000) for r in with_rates if r.population
    )
    assert not HotspotResult.objects.filter(
        measure__name="misdrijven:1.4.6", period="2016", rate__isnull=False
    ).exists()


def test_space_time_classes_equal_classify_space_time_on_the_stored_series(insight_demo, db):
    rows = HotspotResult.objects.filter(
        area__division=DIVISION, period__regex=r"^\d{4}$"
    ).select_related("measure", "area")  # space-time classes run over the years
    series: dict = defaultdict(lambda: defaultdict(list))
    for r in sorted(rows, key=lambda r: r.period):
        series[(r.measure.name, r.area.level)][r.area.code].append((r.gi_z, r.p_fdr))
    stored = {
        (r.measure.name, r.area.level, r.area.code): r
        for r in SpaceTimeResult.objects.filter(area__division=DIVISION).select_related(
            "measure", "area"
        )
    }
    expected = {}
    for (measure, level), per_area in series.items():
        for result in classify_space_time(per_area):
            expected[(measure, level, result.area)] = result
    assert set(stored) == set(expected)
    for key, want in expected.items():
        got = stored[key]
        assert (got.code, got.label) == (want.code, want.label), key
        assert (got.hot_periods, got.cold_periods, got.periods) == (
            want.hot_periods,
            want.cold_periods,
            want.periods,
        )
        assert (got.first_period, got.last_period) == ("2013", "2016")
    codes = {r.code for r in stored.values()}
    assert len(codes - {"no_pattern"}) >= 3  # several classes, so the comparison has teeth


# --- signals --------------------------------------------------------------------------------


def test_one_signal_per_monthly_series_per_judged_month(insight_demo, db):
    measures = monthly_measures()
    assert {m.name for m in measures} >= {A72, "misdrijven:1.1.1"}
    for measure in measures:
        months, series = monthly_series(measure)
        judged = months[-6:]  # the six newest months are judged
        stored = list(
            Signal.objects.filter(
                measure=measure, area__division=DIVISION, period__regex=r"^\d{4}-\d{2}$"
            ).values_list("area_id", "period", "observed")
        )  # months; the two-week periods of the incidents are tested in test_twoweekly.py
        keys = [(area, period) for area, period, _ in stored]
        assert len(keys) == len(set(keys))
        assert set(keys) == {(area, month) for area in series for month in judged}, measure
        for area, period, observed in stored:  # the judged value is the stored figure
            assert observed == series[area][months.index(period)]
    assert judged == ["2017-03", "2017-04", "2017-05", "2017-06", "2017-07", "2017-08"]


@pytest.mark.parametrize("month", ["2017-08", "2017-05"])
def test_signal_verdicts_equal_detect_on_the_stored_figures(insight_demo, db, month):
    """Per measure and month, one ``detect`` run over every series (BH counts all of them)."""
    for measure in monthly_measures():
        months, series = monthly_series(measure)
        end = months.index(month) + 1
        direct = earlywarning.detect({a: values[:end] for a, values in series.items()}, 12)
        stored = {s.area_id: s for s in Signal.objects.filter(measure=measure, period=month)}
        assert len(direct) == len(stored) > 0
        for want in direct:
            got = stored[want.key]
            assert (got.alarm, got.method, got.unusual) == (want.alarm, want.method, want.unusual)
            assert got.observed == want.observed
            assert same(got.p_adjusted, want.p_adjusted) and same(got.p_value, want.p_value)
            for name in ("expected", "threshold"):  # NaN (not judged) is stored as 0
                value = getattr(want, name)
                assert same(getattr(got, name), value if np.isfinite(value) else 0.0), name


def test_alarms_lie_above_their_threshold_and_every_signal_is_described_in_dutch(insight_demo, db):
    signals = Signal.objects.filter(area__division=DIVISION).select_related("area")
    alarms = [s for s in signals if s.alarm]
    assert alarms  # the outbreak at least
    assert all(s.observed > s.threshold and s.observed > s.expected for s in alarms)
    for s in signals:
        assert s.description.startswith(f"In {s.area.name} "), s.description
        assert f" {dutch_number(s.observed)} " in s.description
        assert label_for(s.period) in s.description
        assert " geregistreerd" in s.description
        assert ("verwacht waren er" in s.description) or ("te weinig" in s.description)
    for s in alarms:
        assert f"Dit is {s.unusual}" in s.description


def test_the_injected_outbreak_alarms_and_the_other_series_stay_quiet(outbreak, db):
    hit = Signal.objects.select_related("area").get(
        measure__name=outbreak.measure, area__code=outbreak.wijk, period=outbreak.period
    )
    assert hit.alarm and hit.observed == outbreak.observed
    assert hit.expected == pytest.approx(outbreak.expected, rel=0.35)  # the seasonal mean
    assert hit.unusual == earlywarning.UNUSUAL_EXCEPTIONAL
    assert f"In {hit.area.name} zijn in augustus 2017 {outbreak.observed} " in hit.description
    others = Signal.objects.filter(measure__name=outbreak.measure, alarm=True).exclude(pk=hit.pk)
    # Other series are Poisson noise around a stable seasonal level. Benjamini-Hochberg at 5%
    # over the 16 series of a month keeps the chance of any false alarm in a null month at
    # most 5%, so over 6 months x 16 series more than one false alarm would point at a broken
    # pipeline, not at chance. The gemeente sum contains the outbreak: an alarm there is real.
    false_alarms = [s for s in others if s.area.level != GEMEENTE]
    assert len(false_alarms) <= 1, [(s.area.code, s.period) for s in false_alarms]
    assert not others.filter(period__lt=outbreak.period, area__code=outbreak.wijk).exists()


# --- the incident grid -------------------------------------------------------------------------


def test_grid_cells_are_counts_of_the_newest_full_year_inside_the_boundary(insight_demo, db):
    cells = list(GridCell.objects.filter(run__division=DIVISION).select_related("measure"))
    assert cells
    assert {(c.measure.name, c.gemeente_code, c.period) for c in cells} == {
        (A72, GEMEENTE_CODE, "2016")  # 2017 ends in September: 2016 is the newest full year
    }
    fields = {f.name for f in GridCell._meta.get_fields()}
    assert not fields & {"lon", "lat", "x", "y", "point", "incident", "incidents", "reported_at"}
    located = Incident.objects.filter(
        code="A72",
        area__division=DIVISION,
        area__gemeente_code=GEMEENTE_CODE,
        reported_at__year=2016,
    ).count()
    assert sum(c.count for c in cells) == located > 3000
    for c in cells:  # each cell is (part of) its own 250 m square of the aligned grid
        x, y = map(int, re.fullmatch(r"250mE(\d+)N(\d+)", c.cell_id).groups())
        assert x % 250 == 0 and y % 250 == 0
        assert x - 1e-6 <= c.map_xmin < c.map_xmax <= x + 250 + 1e-6
        assert y - 1e-6 <= c.map_ymin < c.map_ymax <= y + 250 + 1e-6
        assert c.density >= 0
    assert len({c.cell_id for c in cells}) == len(cells)
    hot = [c for c in cells if c.hotspot_class == spatial.HOTSPOT]
    assert hot and all(c.count > 0 for c in hot)
    assert all(c.area_name for c in hot)  # hot cells are named after the buurt at their centre


def test_grid_cells_are_named_after_the_buurt_at_their_centre(insight_demo, db):
    buurten = rd_shapes(areas_of(BUURT))
    names = dict(
        Area.objects.filter(code__in=buurten, division=DIVISION).values_list("code", "name")
    )
    boundary = shapely.union_all(list(buurten.values()))
    cells = GridCell.objects.filter(run__division=DIVISION, hotspot_class=spatial.HOTSPOT)
    assert cells
    for c in cells:
        x, y = map(int, re.fullmatch(r"250mE(\d+)N(\d+)", c.cell_id).groups())
        centre = shapely.box(x, y, x + 250, y + 250).intersection(boundary).centroid
        inside = [names[code] for code, shape in buurten.items() if shape.contains(centre)]
        assert [c.area_name] == (inside or [""]), c.cell_id


# --- refreshing again ------------------------------------------------------------------------


def test_refresh_again_replaces_the_results_and_records_the_runs(insight_demo, db):
    def snapshot():
        return {
            "hotspots": {
                (r.measure_id, r.area_id, r.period): (r.gi_z, r.p_fdr, r.hotspot_class)
                for r in HotspotResult.objects.filter(area__division=DIVISION)
            },
            "space_time": sorted(
                SpaceTimeResult.objects.filter(area__division=DIVISION).values_list(
                    "measure_id", "area_id", "code"
                )
            ),
            "signals": sorted(
                Signal.objects.filter(area__division=DIVISION).values_list(
                    "measure_id", "area_id", "period", "alarm", "observed"
                )
            ),
            "grid": sorted(
                GridCell.objects.filter(run__division=DIVISION).values_list(
                    "cell_id", "count", "hotspot_class"
                )
            ),
        }

    before, runs_before = snapshot(), AnalysisRun.objects.count()
    runs = refresh(DIVISION)
    assert [r.kind for r in runs] == [
        AnalysisRun.HOTSPOTS,
        AnalysisRun.SIGNALS,
        AnalysisRun.GRID,
    ]
    assert AnalysisRun.objects.count() == runs_before + 3
    assert snapshot() == before  # the same rows again (fixed seed), not twice as many
    by_kind = {r.kind: r for r in runs}
    owners = {
        HotspotResult: by_kind[AnalysisRun.HOTSPOTS],
        SpaceTimeResult: by_kind[AnalysisRun.HOTSPOTS],
        Signal: by_kind[AnalysisRun.SIGNALS],
    }
    for model, run in owners.items():
        assert set(model.objects.filter(area__division=DIVISION).values_list("run", flat=True)) == {
            run.pk
        }
    assert set(GridCell.objects.values_list("run", flat=True)) == {by_kind[AnalysisRun.GRID].pk}
    hotspots = AnalysisRun.objects.get(pk=by_kind[AnalysisRun.HOTSPOTS].pk)
    assert hotspots.division == DIVISION
    assert hotspots.parameters["permutations"] == 999 == spatial.PERMUTATIONS
    assert hotspots.parameters["seed"] == spatial.SEED
    assert "Benjamini-Hochberg" in hotspots.parameters["correction"]
    assert "Benjamini-Hochberg" in by_kind[AnalysisRun.SIGNALS].parameters["correction"]
    assert by_kind[AnalysisRun.GRID].parameters["cell_size_m"] == 250
    for run in runs:
        assert run.seconds > 0 and run.message
    assert f"{len(before['hotspots'])} gebiedsuitkomsten" in hotspots.message
    assert f"{len(before['signals'])} reeksen beoordeeld" in by_kind[AnalysisRun.SIGNALS].message


# --- the import hook -----------------------------------------------------------------------------


def runs_of(division: int = OTHER) -> list[str]:
    return sorted(AnalysisRun.objects.filter(division=division).values_list("kind", flat=True))


def centrum_boundaries(_tmp_path=None):
    return import_boundaries(CENTRUM, division=OTHER)


def centrum_figures(tmp_path):
    """The real 2016 bike-theft counts of the three centrum buurten (a cut of BUURT_2016)."""
    kept = [
        line
        for line in BUURT_2016.read_text(encoding="utf-8").splitlines()[1:]
        if line.split(",")[1] in CENTRUM_BUURTEN
    ]
    assert len(kept) == 3
    return import_figures(write_csv(tmp_path / "centrum_2016.csv", kept), division=OTHER)


def centrum_incidents(_tmp_path):
    # one month of A72 replaces the demo's A72 extract (same dataset): that removes more than
    # it brings, which an import does only when asked (#9)
    return import_incidents(INCIDENTS_FEB_2017, division=OTHER, replace_all=True)


IMPORTS = {
    "grenzen": ([], centrum_boundaries, {AnalysisRun.HOTSPOTS}),
    "cijfers": ([centrum_boundaries], centrum_figures, {AnalysisRun.HOTSPOTS}),
    "incidenten": (
        [centrum_boundaries],
        centrum_incidents,
        {AnalysisRun.HOTSPOTS, AnalysisRun.SIGNALS, AnalysisRun.GRID},
    ),
}


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_successful_import_runs_the_analysis_when_enabled(db, settings, tmp_path, kind):
    before, step, kinds = IMPORTS[kind]
    for earlier in before:
        assert earlier(tmp_path).status == ImportRun.SUCCEEDED
    assert runs_of() == []  # ANALYSE_AFTER_IMPORT is False in the test settings
    settings.ANALYSE_AFTER_IMPORT = True
    run = step(tmp_path)
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert set(runs_of()) == kinds and len(runs_of()) == len(kinds)
    if kind == "cijfers":  # the analysis used the imported counts
        stored = dict(
            HotspotResult.objects.filter(area__division=OTHER).values_list("area__code", "count")
        )
        assert stored == yearly(A72, BUURT, 2016, OTHER) and len(stored) == 3


def test_no_analysis_when_disabled(db, settings, tmp_path):
    settings.ANALYSE_AFTER_IMPORT = False
    assert centrum_boundaries().status == ImportRun.SUCCEEDED
    assert centrum_figures(tmp_path).status == ImportRun.SUCCEEDED
    assert centrum_incidents(tmp_path).status == ImportRun.SUCCEEDED
    assert runs_of() == []
    assert not HotspotResult.objects.filter(area__division=OTHER).exists()


def test_no_analysis_inside_deferred_but_again_after_it(db, settings, tmp_path):
    settings.ANALYSE_AFTER_IMPORT = True
    with deferred():
        assert centrum_boundaries().status == ImportRun.SUCCEEDED
        with deferred():
            pass
        # still inside the outer block after the inner one ended
        assert centrum_figures(tmp_path).status == ImportRun.SUCCEEDED
    assert runs_of() == []
    assert centrum_incidents(tmp_path).status == ImportRun.SUCCEEDED
    assert AnalysisRun.HOTSPOTS in runs_of()


def bad_figures(tmp_path):
    return import_figures(
        write_csv(tmp_path / "fout.csv", [f"{A72},BU09999999,2016,3"]), division=OTHER
    )


def incidents_without_a_full_month(tmp_path):
    # the real 40-line sample covers 12 to 21 September 2017: no complete month
    return import_incidents(TEST_DATA / "fietsdiefstallen_sample.csv", division=OTHER)


@pytest.mark.parametrize("bad", [bad_figures, incidents_without_a_full_month])
def test_a_failed_import_triggers_nothing(db, settings, tmp_path, bad):
    assert centrum_boundaries().status == ImportRun.SUCCEEDED
    settings.ANALYSE_AFTER_IMPORT = True
    with pytest.raises(InputError):
        bad(tmp_path)
    assert ImportRun.objects.filter(status=ImportRun.FAILED).count() == 1
    assert runs_of() == []


def test_an_import_skipped_as_already_done_triggers_nothing(db, settings):
    settings.ANALYSE_AFTER_IMPORT = True
    assert centrum_boundaries().status == ImportRun.SUCCEEDED
    assert runs_of() == [AnalysisRun.HOTSPOTS]
    assert centrum_boundaries().status == ImportRun.SKIPPED
    assert runs_of() == [AnalysisRun.HOTSPOTS]


# --- robustness: what the analysis does with figures that are not counts ------------------------


def test_a_stored_import_is_not_reported_as_a_crash_when_the_analysis_cannot_use_it(
    db, settings, tmp_path
):
    """A valid cijfers file may hold negative values (docs/data-formats/cijfers.md: "a leading
    - is allowed"), e.g. an ``extern:`` balance. The import is stored and recorded as succeeded;
    the analysis afterwards must not turn that into an exception for the caller."""
    assert centrum_boundaries().status == ImportRun.SUCCEEDED
    settings.ANALYSE_AFTER_IMPORT = True
    lines = [
        f"extern:saldo,{code},2016,{value}"
        for code, value in zip(CENTRUM_BUURTEN, (-4, 2, 7), strict=True)
    ]
    run = import_figures(write_csv(tmp_path / "saldo.csv", lines), division=OTHER)
    assert run.status == ImportRun.SUCCEEDED
    assert Figure.objects.filter(measure__name="extern:saldo").count() == 3


def test_a_rate_measure_is_not_smoothed_as_if_it_were_a_count(db, tmp_path):
    """``misdrijven_per_1000`` is already a rate (not additive, never summed). With inwoners for
    the year, the service must not divide it by the population again as if it were a count."""
    assert centrum_boundaries().status == ImportRun.SUCCEEDED
    people = (4440, 6600, 3920)  # AANT_INW of the three buurten in the geojson
    lines = [
        f"misdrijven_per_1000:0.0.0,{code},2016,{rate}"
        for code, rate in zip(CENTRUM_BUURTEN, (210.5, 95.2, 120.0), strict=True)
    ] + [f"inwoners,{code},2016,{n}" for code, n in zip(CENTRUM_BUURTEN, people, strict=True)]
    assert import_figures(write_csv(tmp_path / "per1000.csv", lines), division=OTHER).status == (
        ImportRun.SUCCEEDED
    )
    assert not Measure.objects.get(name="misdrijven_per_1000:0.0.0").additive
    refresh(OTHER)
    rows = HotspotResult.objects.filter(measure__name="misdrijven_per_1000:0.0.0")
    smoothed = [(r.area.code, r.rate, r.smoothed_rate) for r in rows if r.smoothed_rate is not None]
    assert smoothed == [], f"rates treated as counts and divided by inwoners: {smoothed}"


def test_the_analyseren_command_recomputes_one_division(insight_demo, db):
    import io

    from django.core.management import CommandError, call_command

    before = AnalysisRun.objects.count()
    out = io.StringIO()
    call_command("analyseren", "--indeling", str(DIVISION), stdout=out)
    kinds = set(AnalysisRun.objects.order_by("-pk")[:3].values_list("kind", flat=True))
    assert AnalysisRun.objects.count() == before + 3
    assert kinds == {AnalysisRun.HOTSPOTS, AnalysisRun.SIGNALS, AnalysisRun.GRID}
    assert f"Indeling {DIVISION}, hotspots (Gi*):" in out.getvalue()
    with pytest.raises(CommandError, match="Indeling 1999 bestaat niet"):
        call_command("analyseren", "--indeling", "1999", stdout=io.StringIO())


def test_a_year_and_its_months_are_analysed_in_time_order():
    """A yearly figure and monthly figures of the same year must not be compared as equals
    (Period(2017) and Period(2017, 3) do not order by themselves)."""
    from openveiligheid.core.periods import Period
    from openveiligheid.insight.services import _analysed_periods

    months = [Period(2017, m) for m in range(1, 9)]
    per_period = {Period(2017): {}, Period(2016): {}, **{m: {} for m in months}}
    assert _analysed_periods(per_period) == [Period(2016), Period(2017), *months[-6:]]
