"""Area register: importing CBS area lists and boundaries, and looking areas up."""

from __future__ import annotations

import json
from pathlib import Path

from openveiligheid.areas.models import Area
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
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.parsers.areas import AreaRow, read_area_list, read_boundaries
from openveiligheid.imports.services import execute, skip_if_imported, start_run

BATCH = 2000


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
    data = path.read_bytes() if data is None else data
    run = start_run("areas", path, data, user)

    def work(run: ImportRun) -> str:
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
    data = path.read_bytes() if data is None else data
    run = start_run("boundaries", path, data, user)

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
        run.dataset, run.format, run.division = f"grenzen-{year}", "geojson", year
        skip_if_imported(run)
        save_areas(_with_ancestors(rows, names), year, run)
        return (
            f"{run.read} grenzen gelezen: {run.created} gebieden nieuw, "
            f"{run.updated} bijgewerkt (indeling {year})."
        )

    return execute(run, work)


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
    """Create or update areas of one division, parents before children."""
    if NETHERLANDS not in {row.code for row in rows}:
        rows = [AreaRow(NETHERLANDS, "Nederland", LAND, None, 0), *rows]
    existing = {a.code: a for a in Area.objects.filter(division=division)}
    ids = {code: area.pk for code, area in existing.items()}
    run.read = sum(1 for row in rows if row.line)
    for level in LEVELS:
        level_rows = [row for row in rows if row.level == level]
        new, changed = [], []
        for row in level_rows:
            parent_id = ids.get(row.parent) if row.parent else None
            area = existing.get(row.code)
            if area is None:
                new.append(_new_area(row, division, parent_id))
                continue
            if _update_area(area, row, parent_id):
                changed.append(area)
        created = Area.objects.bulk_create(new, batch_size=BATCH)
        ids.update({area.code: area.pk for area in created})
        if changed:
            Area.objects.bulk_update(changed, ["name", "parent", "boundary"], batch_size=BATCH)
        run.created += len(created)
        run.updated += len(changed)


def _new_area(row: AreaRow, division: int, parent_id: int | None) -> Area:
    return Area(
        code=row.code,
        division=division,
        level=row.level,
        name=row.name,
        parent_id=parent_id,
        gemeente_code=gemeente_of(row.code) or "",
        boundary=json.dumps(row.geometry, separators=(",", ":")) if row.geometry else "",
    )


def _update_area(area: Area, row: AreaRow, parent_id: int | None) -> bool:
    changed = False
    if row.line and area.name != row.name:
        area.name, changed = row.name, True
    if area.parent_id != parent_id:
        area.parent_id, changed = parent_id, True
    if row.geometry:
        boundary = json.dumps(row.geometry, separators=(",", ":"))
        if boundary != area.boundary:
            area.boundary, changed = boundary, True
    return changed


def children_index(division: int) -> dict[str, list[str]]:
    """Parent code -> child codes for wijken and buurten of one division."""
    index: dict[str, list[str]] = {}
    rows = Area.objects.filter(division=division, level__in=[WIJK, BUURT]).values_list(
        "code", "parent__code"
    )
    for code, parent in rows:
        index.setdefault(parent, []).append(code)
    return index
