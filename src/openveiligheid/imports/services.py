"""The machinery every import runs on: the run log, one transaction, skip or fail, the signal.

The import functions themselves live with what they store (``areas.services.import_area_list``
and ``import_boundaries``, ``figures.services.import_figures``,
``figures.incidents.import_incidents``); each records an :class:`ImportRun` through
:func:`start_run` and :func:`execute` (also when it fails or is skipped). Data are written
inside one transaction: a failed import changes nothing, the same file twice is a no-op that
says so, and a corrected file for the same dataset replaces that dataset's figures for the
measures and periods it contains. Nothing here imports an app above ``imports``
(docs/architecture.md, rule 6).
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal as DjangoSignal
from django.utils import timezone

from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import record
from openveiligheid.core.db import shrink_wal
from openveiligheid.core.errors import InputError
from openveiligheid.core.textfiles import read_input
from openveiligheid.imports.models import ImportRun

#: Sent after an import has been stored (outside its transaction); insight recomputes then.
import_succeeded = DjangoSignal()
#: Sent when a file was imported before (nothing changes); insight checks that the analyses of
#: that import exist (a crash between the import and its analyses leaves them missing).
import_skipped = DjangoSignal()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_run(kind: str, path: Path, data: bytes | None = None, user=None):
    """Read the input (``read_input_file``) and start its run: ``(run, data)``. A file refused
    before it is read (too large, unreadable) still leaves a failed run with the reason, so the
    import log shows every attempt."""
    try:
        data = read_input_file(path, data)
    except InputError as exc:
        run = start_run(kind, path, b"", user)
        run.sha256 = ""
        finish(run, ImportRun.FAILED, "Niets ingelezen: " + exc.problems[0].message,
               [p.as_dict() for p in exc.problems])  # fmt: skip
        raise
    return start_run(kind, path, data, user), data


def start_run(kind: str, path: Path, data: bytes, user=None) -> ImportRun:
    close_abandoned_runs()
    return ImportRun.objects.create(
        host=socket.gethostname(),
        pid=os.getpid(),
        kind=kind,
        dataset="?",
        file_name=path.name,
        sha256=sha256_of(data),
        user=user if user is not None and user.is_authenticated else None,
        user_name=getattr(user, "username", "") or f"cli:{getpass.getuser()}",
        status=ImportRun.RUNNING,
    )


def previous_run(run: ImportRun) -> ImportRun | None:
    """The earlier successful run of the same file content, dataset and division, if any
    (read the same way: a file imported again with zeros omitted, ``--nullen-weggelaten``,
    or no longer so, is imported again, as its sums change)."""
    return (
        ImportRun.objects.filter(
            dataset=run.dataset,
            sha256=run.sha256,
            kind=run.kind,
            division=run.division,
            zeros_omitted=run.zeros_omitted,
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
    record(
        AuditEvent.IMPORT,
        f"import {run.pk}: {run.file_name} ({run.kind}, dataset {run.dataset})",
        user=run.user,
        user_name=run.user_name,
        purpose="gegevens bijwerken",
        sha256=run.sha256,
        resultaat=run.get_status_display(),
        indeling=run.division,
    )
    return run


def execute(run: ImportRun, work: Callable[[ImportRun], str]) -> ImportRun:
    """Run ``work`` in one transaction; record success, skip or failure on ``run``.

    ``work`` sets ``run.dataset`` before it writes anything and returns a Dutch summary. It may
    raise :class:`AlreadyImported` to skip, or :class:`InputError` to fail without changes.
    Afterwards, however it ended, a large SQLite write-ahead log is truncated
    (``core.db.shrink_wal``; it never fails the import and never waits for a reader).
    """
    try:
        return _execute(run, work)
    finally:
        shrink_wal()


def _execute(run: ImportRun, work: Callable[[ImportRun], str]) -> ImportRun:
    try:
        with transaction.atomic():
            message = work(run)
    except AlreadyImported as skip:
        finish(run, ImportRun.SKIPPED, str(skip))
        import_skipped.send(sender=ImportRun, run=run)
        return run
    except InputError as exc:
        _reset_counts(run)
        run.rejected = exc.count
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


def close_abandoned_runs() -> list[ImportRun]:
    """Mark imports left "running" by a process of this machine that no longer exists as failed.

    Their data were never committed (an import writes in one transaction), so nothing of them
    is stored; the record says so. Runs of other machines (a shared PostgreSQL) are left alone:
    whether their process lives cannot be seen from here.
    """
    host = socket.gethostname()
    closed = []
    for run in ImportRun.objects.filter(status=ImportRun.RUNNING, host=host):
        if run.pid is None or process_exists(run.pid):
            continue
        message = (
            f"Afgebroken: het importproces (proces {run.pid} op {host}) stopte voordat de "
            "import klaar was. Er is niets van ingelezen; lees het bestand opnieuw in."
        )
        closed.append(finish(run, ImportRun.FAILED, message))
    return closed


def process_exists(pid: int) -> bool:
    """Whether a process with this id lives on this machine (this process does)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


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


def read_input_file(path: Path | str, data: bytes | None = None) -> bytes:
    """The bytes of an input file (or of an upload, ``data``), refused when larger than
    ``OV_MAX_BESTAND_MB`` before it is read. Every import and file command reads through it."""
    return read_input(path, settings.MAX_INPUT_BYTES, data)
