"""Police incidents with coordinates: stored (never shown one by one to the public) and counted
per buurt per month as figures ``incidenten:<code>`` and ``incidenten:<code>:opgehelderd``."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

from shapely import STRtree
from shapely.geometry import Point, shape

from django.utils import timezone

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import resolve_division
from openveiligheid.core.areacodes import BUURT
from openveiligheid.core.csvfiles import read_csv_text
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.periods import Period
from openveiligheid.core.statuses import DEFINITIEF
from openveiligheid.figures.models import Figure, Incident
from openveiligheid.figures.periods import refresh_periods
from openveiligheid.figures.services import check_removal, store_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.parsers import incidents as parser
from openveiligheid.imports.parsers.rows import FigureFile, FigureRow
from openveiligheid.imports.services import (
    execute,
    open_run,
    skip_if_imported,
)

SOURCE = "Politie, incidentregistratie (BVH); geteld per buurt en maand van kennisname"

#: Incident ids per ``IN (…)`` when earlier copies of a file's incidents are removed.
ID_BATCH = 10_000
#: ``ImportRun.dataset``'s length.
DATASET_LENGTH = 100


def incident_measure(code: str, cleared: bool = False) -> str:
    """The measure that counts incidents of a code: ``incidenten:A72[:opgehelderd]``."""
    return f"incidenten:{code}" + (":opgehelderd" if cleared else "")


def incident_dataset(codes) -> str:
    """The dataset id of an incident file: its incident codes, e.g. ``politie-incidenten:A72``.

    Many codes would not fit the run log's 100 characters; then the first codes and a short
    hash of all of them, which stays the same for the same set of codes."""
    name = "politie-incidenten:" + "+".join(codes)
    if len(name) <= DATASET_LENGTH:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    head = f"politie-incidenten:{len(codes)} soorten:"
    return head + "+".join(codes)[: DATASET_LENGTH - len(head) - 14] + "…" + digest


def import_incidents(
    path: Path | str,
    *,
    division: int | None = None,
    data: bytes | None = None,
    user=None,
    today: dt.date | None = None,
    replace_all: bool = False,
) -> ImportRun:
    """Import police incidents; they replace the incidents of the earlier import with the same
    incident types. Removing more earlier incidents (or monthly counts) than the file brings
    is refused unless ``replace_all`` (``--vervang-alles``)."""
    path = Path(path)
    run, data = open_run("incidents", path, data, user)

    def work(run: ImportRun) -> str:
        rows = parser.parse(read_csv_text(path, data), today=today)
        codes = sorted({row.code for row in rows})
        run.dataset, run.format = incident_dataset(codes), parser.FORMAT
        run.division = resolve_division(division, path.name)
        skip_if_imported(run)
        buurten = list(Area.objects.filter(division=run.division, level=BUURT).exclude(boundary=""))
        if not buurten:
            raise InputError(
                [
                    InputProblem(
                        path.name,
                        f"indeling {run.division} heeft geen buurtgrenzen; "
                        "lees eerst buurtgrenzen in (import_boundaries)",
                    )
                ]
            )
        located = _locate(rows, buurten)
        figure_file = _monthly_counts(path.name, rows, located, buurten, run.dataset)
        removed = _replace_incidents(rows, located, run, path.name, replace_all)
        incidents_stored = len(rows)
        # The monthly counts follow the incidents: the earlier ones of this dataset go with
        # them (also months and gemeenten the new extract does not cover), so no count outlives
        # its incidents. What goes was checked and said above, once.
        earlier = Figure.objects.filter(import_run__dataset=run.dataset)
        earlier_measures = set(earlier.values_list("measure_id", flat=True).distinct())
        earlier.delete()
        removed += store_figures(figure_file, run, replace_all=True)
        refresh_periods(earlier_measures)  # months the new extract no longer has
        outside = sum(1 for area in located if area is None)
        return (
            f"{incidents_stored} incidenten ingelezen ({outside} buiten de buurtgrenzen); "
            f"{run.created + run.updated} maandcijfers per buurt, "
            f"{run.derived} afgeleide optellingen "
            f"(indeling {run.division}). Laatste volledige maand: {figure_file.rows[-1].period}."
            + removed
        )

    return execute(run, work)


def _locate(rows, buurten: list[Area]) -> list[Area | None]:
    polygons = [shape(area.geometry) for area in buurten]
    tree = STRtree(polygons)
    located: list[Area | None] = []
    for row in rows:
        point = Point(row.lon, row.lat)
        hits = tree.query(point, predicate="intersects")
        located.append(buurten[int(min(hits))] if len(hits) else None)
    return located


def _replace_incidents(rows, located, run: ImportRun, file_name: str, replace_all: bool) -> str:
    """Replace the incidents of the earlier import of the same types (and any with the same
    ids); say what goes that the file does not bring again, and refuse to remove more than
    it brings unless ``replace_all``."""
    new_ids = {row.incident_id for row in rows}
    earlier = Incident.objects.filter(import_run__dataset=run.dataset).values_list(
        "incident_id", "code", "reported_at"
    )
    tz = timezone.get_default_timezone()
    gone = Counter(
        (code, f"{timezone.localtime(at, tz):%Y-%m}")
        for incident_id, code, at in earlier
        if incident_id not in new_ids
    )
    removed = check_removal(
        file_name,
        gone,
        len(rows),
        "incidenten",
        replace_all,
        hint="lees een extract in dat ook de eerdere maanden bevat (een nieuwer extract "
        "vervangt het vorige helemaal)",
    )
    Incident.objects.filter(import_run__dataset=run.dataset).delete()
    ids = [row.incident_id for row in rows]
    for start in range(0, len(ids), ID_BATCH):  # SQLite allows ~32,000 variables per statement
        Incident.objects.filter(incident_id__in=ids[start : start + ID_BATCH]).delete()
    tz = timezone.get_default_timezone()
    Incident.objects.bulk_create(
        (
            Incident(
                incident_id=row.incident_id,
                code=row.code,
                label=row.label[:100],
                reported_at=timezone.make_aware(row.reported_at, tz),
                committed_at=timezone.make_aware(row.committed_at, tz)
                if row.committed_at
                else None,
                lon=row.lon,
                lat=row.lat,
                cleared=row.cleared,
                area=area,
                import_run=run,
            )
            for row, area in zip(rows, located, strict=True)
        ),
        batch_size=2000,
    )
    return removed


def _monthly_counts(file_name, rows, located, buurten, dataset) -> FigureFile:
    """Counts per buurt and whole month, zeros included, for every month the file fully covers."""
    months = _covered_months(rows)
    if not months:
        raise InputError([InputProblem(file_name, "het bestand beslaat geen volledige maand")])
    gemeenten = {area.gemeente_code for area in located if area is not None}
    counts: Counter = Counter()
    for row, area in zip(rows, located, strict=True):
        if area is None:
            continue
        month = Period(row.reported_at.year, row.reported_at.month)
        counts[(incident_measure(row.code), area.code, month)] += 1
        if row.cleared:
            counts[(incident_measure(row.code, cleared=True), area.code, month)] += 1
    measures = sorted(
        {
            incident_measure(code, cleared)
            for code in {r.code for r in rows}
            for cleared in (False, True)
        }
    )
    figure_rows = [
        FigureRow(
            measure,
            area.code,
            month,
            float(counts[(measure, area.code, month)]),
            0,
            DEFINITIEF,
            SOURCE,
        )
        for measure in measures
        for area in buurten
        if area.gemeente_code in gemeenten
        for month in months
    ]
    return FigureFile(file_name, parser.FORMAT, dataset, figure_rows)


def _covered_months(rows) -> list[Period]:
    first = min(row.reported_at for row in rows).date()
    last = max(row.reported_at for row in rows).date()
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        next_start = dt.date(year + (month == 12), month % 12 + 1, 1)
        if next_start - dt.timedelta(days=1) <= last:
            months.append(Period(year, month))
        year, month = next_start.year, next_start.month
    return months
