"""Running an import: one function per kind of file, called by the CLI and the web alike.

Every call records an :class:`ImportRun` (also when it fails or is skipped). Data are written
inside one transaction: a failed import changes nothing, the same file twice is a no-op that
says so, and a corrected file for the same dataset replaces that dataset's figures for the
measures and periods it contains.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.dispatch import Signal as DjangoSignal
from django.utils import timezone

from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.periods import Period, PeriodError, parse_period
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.parsers.figures import read_figures
from openveiligheid.imports.parsers.rows import FigureFile

#: Sent after an import has been stored (outside its transaction); insight recomputes then.
import_succeeded = DjangoSignal()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def start_run(kind: str, path: Path, data: bytes, user=None) -> ImportRun:
    return ImportRun.objects.create(
        kind=kind,
        dataset="?",
        file_name=path.name,
        sha256=sha256_of(data),
        user=user if user is not None and user.is_authenticated else None,
        user_name=getattr(user, "username", "") or f"cli:{getpass.getuser()}",
        status=ImportRun.RUNNING,
    )


def previous_run(run: ImportRun) -> ImportRun | None:
    """The earlier successful run of the same file content, dataset and division, if any."""
    return (
        ImportRun.objects.filter(
            dataset=run.dataset,
            sha256=run.sha256,
            kind=run.kind,
            division=run.division,
            status=ImportRun.SUCCEEDED,
        )
        .exclude(pk=run.pk)
        .order_by("-started_at")
        .first()
    )


def finish(run: ImportRun, status: str, message: str, errors: list | None = None) -> ImportRun:
    run.status = status
    run.message = message
    run.errors = errors or []
    run.finished_at = timezone.now()
    run.save()
    return run


def execute(run: ImportRun, work: Callable[[ImportRun], str]) -> ImportRun:
    """Run ``work`` in one transaction; record success, skip or failure on ``run``.

    ``work`` sets ``run.dataset`` before it writes anything and returns a Dutch summary. It may
    raise :class:`AlreadyImported` to skip, or :class:`InputError` to fail without changes.
    """
    try:
        with transaction.atomic():
            message = work(run)
    except AlreadyImported as skip:
        return finish(run, ImportRun.SKIPPED, str(skip))
    except InputError as exc:
        _reset_counts(run)
        run.rejected = len(exc.problems)
        message = "Niets ingelezen: het bestand bevat fouten."
        finish(run, ImportRun.FAILED, message, [p.as_dict() for p in exc.problems])
        raise
    except Exception as exc:
        _reset_counts(run)
        message = f"Niets ingelezen: onverwachte fout ({type(exc).__name__}). Meld dit aan beheer."
        finish(run, ImportRun.FAILED, message)
        raise
    finish(run, ImportRun.SUCCEEDED, message)
    import_succeeded.send(sender=ImportRun, run=run)
    return run


def _reset_counts(run: ImportRun) -> None:
    run.read = run.created = run.updated = run.deleted = run.derived = 0


class AlreadyImported(Exception):
    """The same file was imported before for the same dataset; nothing changes."""

    def __init__(self, earlier: ImportRun):
        when = timezone.localtime(earlier.started_at).strftime("%d-%m-%Y %H:%M")
        super().__init__(
            f"Dit bestand is al ingelezen op {when} (import {earlier.pk}, dataset "
            f"{earlier.dataset}); er is niets veranderd."
        )


def skip_if_imported(run: ImportRun) -> None:
    earlier = previous_run(run)
    if earlier is not None:
        raise AlreadyImported(earlier)


def import_figures(
    path: Path | str,
    *,
    data: bytes | None = None,
    dataset: str | None = None,
    division: int | None = None,
    user=None,
    today: dt.date | None = None,
    period: str | None = None,
) -> ImportRun:
    """Import a figures file of any supported format (detected from its header).

    ``period`` ("2024") is needed only for CBS tables without a Perioden column."""
    from openveiligheid.areas.services import resolve_division
    from openveiligheid.figures.services import store_figures

    path = Path(path)
    data = path.read_bytes() if data is None else data
    run = start_run("figures", path, data, user)

    def work(run: ImportRun) -> str:
        fixed = _fixed_period(period, path.name)
        figure_file = read_figures(path, data, dataset=dataset, today=today, period=fixed)
        run.dataset, run.format = figure_file.dataset, figure_file.format
        run.division = resolve_division(division, path.name)
        skip_if_imported(run)
        store_figures(figure_file, run)
        return summary(run, figure_file)

    return execute(run, work)


def _fixed_period(period: str | None, file_name: str) -> Period | None:
    if period is None:
        return None
    try:
        return parse_period(period)
    except PeriodError as exc:
        raise InputError([InputProblem(file_name, f"--periode: {exc}")]) from exc


def summary(run: ImportRun, figure_file: FigureFile | None = None) -> str:
    parts = [
        f"{run.read} gelezen",
        f"{run.created} nieuw",
        f"{run.updated} bijgewerkt",
        f"{run.deleted} vervallen",
        f"{run.derived} afgeleid (optellingen)",
    ]
    text = f"Ingelezen als {run.dataset} in indeling {run.division}: " + ", ".join(parts) + "."
    if figure_file and figure_file.missing_values:
        text += f" {figure_file.missing_values} lege waarden ('.') overgeslagen."
    if figure_file and figure_file.other_regions:
        text += (
            f" {figure_file.other_regions} regels van andere regio-indelingen "
            "(provincie, COROP, …) overgeslagen."
        )
    if figure_file and figure_file.ignored_columns:
        text += f" Niet ingelezen kolommen: {', '.join(figure_file.ignored_columns)}."
    return text
