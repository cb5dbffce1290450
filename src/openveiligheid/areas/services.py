"""Area register: importing CBS area lists and boundaries, and looking areas up."""

from __future__ import annotations

from pathlib import Path

from openveiligheid.areas.models import Area
from openveiligheid.areas.shapes import geometry_text, map_fields, map_shapes
from openveiligheid.core.areacodes import (
    BUURT,
    LAND,
    LEVELS,
    NETHERLANDS,
    WIJK,
    gemeente_of,
    level_of,
    parent_code,
)
from openveiligheid.core.db import refresh_statistics
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.parsers.areas import AreaRow, read_area_list, read_boundaries
from openveiligheid.imports.services import (
    execute,
    open_run,
    skip_if_imported,
)

BATCH = 2000
MAP_FIELDS = ["map_path", "map_path_overview", "map_xmin", "map_ymin", "map_xmax", "map_ymax"]


def latest_division() -> int | None:
    return Area.objects.order_by("-division").values_list("division", flat=True).first()


def divisions() -> list[int]:
    return sorted(set(Area.objects.values_list("division", flat=True)))


def resolve_division(division: int | None, file_name: str) -> int:
    """The division to import into: the one asked for, or else the newest one present."""
    if division is None:
        division = latest_division()
        if division is None:
            raise InputError(
                [
                    InputProblem(
                        file_name,
                        "er zijn nog geen gebieden ingelezen; lees eerst een "
                        "gebiedenlijst in (openveiligheid import_areas)",
                    )
                ]
            )
        return division
    if not Area.objects.filter(division=division).exists():
        raise InputError(
            [
                InputProblem(
                    file_name,
                    f"er zijn geen gebieden van indeling {division}; "
                    f"beschikbaar: {', '.join(map(str, divisions())) or 'geen'}",
                )
            ]
        )
    return division


def import_area_list(
    path: Path | str, *, division: int, data: bytes | None = None, user=None
) -> ImportRun:
    """Import a CBS area list (e.g. ``WijkenEnBuurten.csv`` of 47018NED) for one division."""
    path = Path(path)
    run, data = open_run("areas", path, data, user)

    def work(run: ImportRun) -> str:
        check_division(division, path.name)
        run.dataset, run.format, run.division = (
            f"cbs-gebieden-{division}",
            "cbs-gebiedenlijst",
            division,
        )
        skip_if_imported(run)
        rows = read_area_list(path, data)
        _check_parents_listed(rows, path.name)
        save_areas(rows, division, run)
        return (
            f"{run.read} gebieden gelezen: {run.created} nieuw, {run.updated} bijgewerkt "
            f"(indeling {division})."
        )

    return execute(run, work)


def import_boundaries(
    path: Path | str, *, division: int | None = None, data: bytes | None = None, user=None
) -> ImportRun:
    """Import GeoJSON boundaries; areas that do not exist yet are created."""
    path = Path(path)
    run, data = open_run("boundaries", path, data, user)

    def work(run: ImportRun) -> str:
        rows, stated, names = read_boundaries(path, data)
        if division and stated and division != stated:
            raise InputError(
                [InputProblem(path.name, f"het bestand is van indeling {stated}, niet {division}")]
            )
        year = division or stated
        if year is None:
            raise InputError(
                [
                    InputProblem(
                        path.name,
                        "de indeling (jaar) staat niet in het bestand; geef haar op met --indeling",
                    )
                ]
            )
        check_division(year, path.name)
        run.dataset, run.format, run.division = f"grenzen-{year}", "geojson", year
        skip_if_imported(run)
        save_areas(_with_ancestors(rows, names), year, run)
        return (
            f"{run.read} grenzen gelezen: {run.created} gebieden nieuw, "
            f"{run.updated} bijgewerkt (indeling {year}).{repair_note(rows)}"
        )

    return execute(run, work)


def check_division(year: int, file_name: str) -> None:
    """A division is a year; refuse anything else (``--indeling 0``, ``--indeling -5``)."""
    if not 1900 < year < 3000:
        raise InputError(
            [InputProblem(file_name, f"indeling {year} is geen jaartal (bijvoorbeeld 2024)")]
        )


def repair_note(rows: list[AreaRow], shown: int = 10) -> str:
    """What the import says about geometries it repaired with ``make_valid`` (or ``""``)."""
    repaired = [row for row in rows if row.repaired]
    if not repaired:
        return ""
    codes = ", ".join(f"{row.code} ({row.repaired})" for row in repaired[:shown])
    more = f" en nog {len(repaired) - shown}" if len(repaired) > shown else ""
    return (
        f" {len(repaired)} ongeldige grens/grenzen hersteld met make_valid en zo "
        f"opgeslagen: {codes}{more}."
    )


def _check_parents_listed(rows: list[AreaRow], file_name: str) -> None:
    listed = {row.code for row in rows} | {NETHERLANDS}
    problems = [
        InputProblem(
            file_name,
            f"{row.code} ligt in {row.parent}, dat niet in de lijst staat",
            row.line,
            "Key",
        )
        for row in rows
        if row.parent and row.parent not in listed
    ]
    if problems:
        raise InputError(problems)


def _with_ancestors(rows: list[AreaRow], names: dict[str, str]) -> list[AreaRow]:
    """Add the enclosing wijk/gemeente/land of every row, named where the file names them."""
    present = {row.code for row in rows}
    extra: dict[str, AreaRow] = {}
    for row in rows:
        code = row.parent
        while code and code not in present and code not in extra:
            extra[code] = AreaRow(
                code, names.get(code, _default_name(code)), level_of(code), parent_code(code), 0
            )
            code = parent_code(code)
    return list(extra.values()) + rows


def _default_name(code: str) -> str:
    return "Nederland" if code == NETHERLANDS else code


def save_areas(rows: list[AreaRow], division: int, run: ImportRun) -> None:
    """Create or update areas of one division, parents before children.

    Areas whose boundary is new or changed get their map shape (SVG path and RD bounds)
    computed here, so maps never project or simplify at page time.
    """
    if NETHERLANDS not in {row.code for row in rows}:
        rows = [AreaRow(NETHERLANDS, "Nederland", LAND, None, 0), *rows]
    existing = {a.code: a for a in Area.objects.filter(division=division)}
    ids = {code: area.pk for code, area in existing.items()}
    run.read = sum(1 for row in rows if row.line)
    for level in LEVELS:
        level_rows = [row for row in rows if row.level == level]
        new, changed, reshaped = [], [], []
        for row in level_rows:
            parent_id = ids.get(row.parent) if row.parent else None
            area = existing.get(row.code)
            if area is None:
                area = _new_area(row, division, parent_id)
                new.append(area)
            else:
                boundary = area.boundary
                if not _update_area(area, row, parent_id):
                    continue
                changed.append(area)
                if area.boundary == boundary:
                    continue
            if area.boundary:
                reshaped.append(area)
        _fill_map_shapes(reshaped)
        created = Area.objects.bulk_create(new, batch_size=BATCH)
        ids.update({area.code: area.pk for area in created})
        if changed:
            Area.objects.bulk_update(
                changed, ["name", "parent", "boundary", *MAP_FIELDS], batch_size=BATCH
            )
        run.created += len(created)
        run.updated += len(changed)
    refresh_statistics(Area)


def _new_area(row: AreaRow, division: int, parent_id: int | None) -> Area:
    return Area(
        code=row.code,
        division=division,
        level=row.level,
        name=row.name,
        parent_id=parent_id,
        gemeente_code=gemeente_of(row.code) or "",
        boundary=geometry_text(row.geometry) if row.geometry else "",
    )


def _update_area(area: Area, row: AreaRow, parent_id: int | None) -> bool:
    changed = False
    if row.line and area.name != row.name:
        area.name, changed = row.name, True
    if area.parent_id != parent_id:
        area.parent_id, changed = parent_id, True
    if row.geometry:
        boundary = geometry_text(row.geometry)
        if boundary != area.boundary:
            area.boundary, changed = boundary, True
    return changed


def _fill_map_shapes(areas: list[Area]) -> None:
    """Set the map fields of areas from their (new) boundary, projected in one batch."""
    for area, shape in zip(areas, map_shapes([a.boundary for a in areas]), strict=True):
        for field, value in map_fields(shape).items():
            setattr(area, field, value)


def refresh_map_shapes(division: int | None = None) -> int:
    """Compute missing map shapes: areas with a boundary but no map path. Returns how many.

    Imports fill map shapes themselves; this serves databases from before map shapes existed
    (migration ``areas.0002`` runs a copy of this) and a changed simplification after clearing
    ``map_path``. Areas whose outline collapses at map tolerance keep an empty path and are
    looked at again on the next run.
    """
    missing = Area.objects.exclude(boundary="").filter(map_path="")
    if division is not None:
        missing = missing.filter(division=division)
    ids = list(missing.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(Area.objects.filter(pk__in=ids[start : start + BATCH]))
        _fill_map_shapes(batch)
        Area.objects.bulk_update(batch, MAP_FIELDS, batch_size=BATCH)
    return len(ids)


def children_index(division: int) -> dict[str, list[str]]:
    """Parent code -> child codes for wijken and buurten of one division."""
    index: dict[str, list[str]] = {}
    rows = Area.objects.filter(division=division, level__in=[WIJK, BUURT]).values_list(
        "code", "parent__code"
    )
    for code, parent in rows:
        index.setdefault(parent, []).append(code)
    return index


def area_names(codes) -> dict[str, str]:
    """Area code -> name, from the newest division of the area register that has the code (a
    code's level follows from its prefix, and its name may change between divisions)."""
    names: dict[str, str] = {}
    rows = Area.objects.filter(code__in=set(codes) - {""}).order_by("division")
    for code, name in rows.values_list("code", "name"):
        names[code] = name  # the newest division wins
    return names
